import type { Account, BlockTag, ContractFunctionArgs, ContractFunctionName, ContractFunctionReturnType, Hash } from "viem";
import { readContract, writeContract } from "viem/actions";
import { goodsTokenAbi } from "../abi/goodsToken.js";
import { reserveRegistryAbi } from "../abi/reserveRegistry.js";
import type { LedgerBaseClient } from "../client.js";
import { AccountRequiredError } from "../errors/account.js";
import { toLedgerError } from "../errors/toLedgerError.js";

/** The token's ABI type. */
export type TokenAbi = typeof goodsTokenAbi;
/** The reserve registry's ABI type. */
export type ReserveAbi = typeof reserveRegistryAbi;

type ReadName<abi extends TokenAbi | ReserveAbi> = ContractFunctionName<abi, "view" | "pure">;
type WriteName<abi extends TokenAbi | ReserveAbi> = ContractFunctionName<abi, "nonpayable" | "payable">;
type ReadArgs<abi extends TokenAbi | ReserveAbi, fn extends ReadName<abi>> = ContractFunctionArgs<abi, "view" | "pure", fn>;
type WriteArgs<abi extends TokenAbi | ReserveAbi, fn extends WriteName<abi>> = ContractFunctionArgs<abi, "nonpayable" | "payable", fn>;
type ReadResult<abi extends TokenAbi | ReserveAbi, fn extends ReadName<abi>> = ContractFunctionReturnType<abi, "view" | "pure", fn>;

/** Where a read is evaluated: a block number or tag; the latest block by default. */
export type ReadAt = { blockNumber?: bigint | undefined; blockTag?: BlockTag | undefined };

/** Either deployed contract, by its deployment-file name. */
export type LedgerContract = "token" | "reserveRegistry";

function target(client: LedgerBaseClient, contract: LedgerContract) {
  return contract === "token"
    ? { abi: goodsTokenAbi, address: client.ledger.token }
    : { abi: reserveRegistryAbi, address: client.ledger.reserveRegistry };
}

async function read(client: LedgerBaseClient, contract: LedgerContract, functionName: string, args: readonly unknown[], at: ReadAt): Promise<unknown> {
  try {
    const where = at.blockNumber !== undefined ? { blockNumber: at.blockNumber } : at.blockTag ? { blockTag: at.blockTag } : {};
    return await readContract(client, { ...target(client, contract), functionName, args, ...where } as never);
  } catch (error) {
    throw toLedgerError(error, "eth_call");
  }
}

async function write(client: LedgerBaseClient, contract: LedgerContract, functionName: string, args: readonly unknown[]): Promise<Hash> {
  const account = requireAccount(client);
  try {
    return await writeContract(client, { ...target(client, contract), functionName, args, account, chain: client.chain } as never);
  } catch (error) {
    throw toLedgerError(error, account.type === "local" ? "eth_sendRawTransaction" : "eth_sendTransaction");
  }
}

/**
 * Reads a view function of the token, with errors named.
 *
 * @param client - a ledger client.
 * @param functionName - the function.
 * @param args - its arguments.
 * @param at - block to read at.
 * @returns the decoded result.
 * @example
 * ```ts
 * const paused = await readToken(client, "paused", []);
 * ```
 */
export function readToken<const fn extends ReadName<TokenAbi>>(
  client: LedgerBaseClient,
  functionName: fn,
  args: ReadArgs<TokenAbi, fn>,
  at: ReadAt = {},
): Promise<ReadResult<TokenAbi, fn>> {
  return read(client, "token", functionName, args as readonly unknown[], at) as Promise<ReadResult<TokenAbi, fn>>;
}

/**
 * Reads a view function of the reserve registry, with errors named.
 *
 * @param client - a ledger client.
 * @param functionName - the function.
 * @param args - its arguments.
 * @param at - block to read at.
 * @returns the decoded result.
 * @example
 * ```ts
 * const reserves = await readReserve(client, "validReserves", []);
 * ```
 */
export function readReserve<const fn extends ReadName<ReserveAbi>>(
  client: LedgerBaseClient,
  functionName: fn,
  args: ReadArgs<ReserveAbi, fn>,
  at: ReadAt = {},
): Promise<ReadResult<ReserveAbi, fn>> {
  return read(client, "reserveRegistry", functionName, args as readonly unknown[], at) as Promise<ReadResult<ReserveAbi, fn>>;
}

/**
 * Sends a transaction to the token from the client's account (viem estimates gas, so a call that would
 * revert throws its named error before anything is sent).
 *
 * @param client - a ledger client with an account.
 * @param functionName - the function.
 * @param args - its arguments.
 * @returns the transaction hash.
 * @example
 * ```ts
 * const hash = await writeToken(client, "pause", []);
 * ```
 */
export function writeToken<const fn extends WriteName<TokenAbi>>(client: LedgerBaseClient, functionName: fn, args: WriteArgs<TokenAbi, fn>): Promise<Hash> {
  return write(client, "token", functionName, args as readonly unknown[]);
}

/**
 * Sends a transaction to the reserve registry from the client's account.
 *
 * @param client - a ledger client with an account.
 * @param functionName - the function.
 * @param args - its arguments.
 * @returns the transaction hash.
 * @example
 * ```ts
 * const hash = await writeReserve(client, "disputeLot", [lot, reason]);
 * ```
 */
export function writeReserve<const fn extends WriteName<ReserveAbi>>(client: LedgerBaseClient, functionName: fn, args: WriteArgs<ReserveAbi, fn>): Promise<Hash> {
  return write(client, "reserveRegistry", functionName, args as readonly unknown[]);
}

/**
 * The client's account, or a named error when the client has none.
 *
 * @param client - a ledger client.
 * @returns the account.
 * @throws {AccountRequiredError}
 * @example
 * ```ts
 * const account = requireAccount(client);
 * ```
 */
export function requireAccount(client: LedgerBaseClient): Account {
  if (!client.account) throw new AccountRequiredError();
  return client.account;
}
