import type { Address } from "viem";
import { formatAmount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link getBalance}. */
export type GetBalanceParameters = ReadAt & {
  /** The wallet. */
  account: Address;
};

/** The balance as a decimal string in token units, e.g. `"12.5"`. */
export type GetBalanceReturnType = string;

/** Errors {@link getBalance} can throw. */
export type GetBalanceErrorType = ReadErrorType;

/**
 * Reads a wallet's token balance (ERC-20 `balanceOf`).
 *
 * @param client - a ledger client.
 * @param parameters - the wallet, and optionally a block.
 * @returns the balance in token units.
 * @example
 * ```ts
 * const balance = await getBalance(client, { account: "0x…" }); // "120.5"
 * ```
 */
export async function getBalance(client: LedgerBaseClient, { account, ...at }: GetBalanceParameters): Promise<GetBalanceReturnType> {
  return formatAmount(await readToken(client, "balanceOf", [account], at), client.ledger.decimals);
}
