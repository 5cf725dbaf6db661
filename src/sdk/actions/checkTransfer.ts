import { encodeFunctionData, type Address, type Hex } from "viem";
import { call } from "viem/actions";
import { goodsTokenAbi } from "../abi/goodsToken.js";
import { toBaseUnits, type Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { AmountEmptyError, AmountNegativeError, AmountNotNumericError, AmountOutOfRangeError, AmountTooManyDecimalsError } from "../errors/amount.js";
import { ContractRevertError, ContractRevertedError, type LedgerContractErrorName } from "../errors/contract.js";
import { toLedgerError } from "../errors/toLedgerError.js";
import type { ReadErrorType } from "../errors/types.js";

/** Parameters of {@link checkTransfer}. */
export type CheckTransferParameters = {
  /** The sender. */
  from: Address;
  /** The recipient. */
  to: Address;
  /** The amount. */
  amount: Amount;
  /** Optional payment reference (checks `transferWithReference`, which passes the same rules). */
  reference?: Hex | undefined;
};

/** Either the transfer would pass, or the rule that blocks it. */
export type CheckTransferReturnType =
  | { ok: true }
  | {
      ok: false;
      /** The Solidity error's name (e.g. `"WalletRegistryDailyLimitExceeded"`), or undefined for a revert without one. */
      rule: LedgerContractErrorName | undefined;
      /** The error's arguments by name. */
      args: Record<string, unknown>;
      /** A sentence for the user, e.g. "daily limit of tier 1 exceeded: 120.00 left today, asked 150.00". */
      message: string;
      /** The named error (e.g. a `DailyLimitExceededError`). */
      error: ContractRevertError | ContractRevertedError;
    };

/** Errors {@link checkTransfer} throws: bad input and RPC failures (a blocked transfer is returned, not thrown). */
export type CheckTransferErrorType =
  | AmountEmptyError
  | AmountNegativeError
  | AmountNotNumericError
  | AmountTooManyDecimalsError
  | AmountOutOfRangeError
  | ReadErrorType;

/**
 * Says whether a transfer would pass the compliance check now, and if not, which rule blocks it. It
 * simulates the transfer from `from` (`eth_call`) and sends nothing, so it needs no key.
 *
 * @param client - a ledger client.
 * @param parameters - sender, recipient, amount.
 * @returns `{ ok: true }`, or the blocking rule with its arguments and a sentence.
 * @example
 * ```ts
 * const check = await checkTransfer(client, { from: alice, to: bob, amount: "150" });
 * if (!check.ok) console.log(check.message); // "daily limit of tier 1 exceeded: 120.00 left today, asked 150.00"
 * ```
 */
export async function checkTransfer(client: LedgerBaseClient, { from, to, amount, reference }: CheckTransferParameters): Promise<CheckTransferReturnType> {
  const value = toBaseUnits(amount, client.ledger.decimals);
  try {
    // Encoded inside the try: a malformed recipient or reference becomes a LedgerError, not viem's.
    const data =
      reference === undefined
        ? encodeFunctionData({ abi: goodsTokenAbi, functionName: "transfer", args: [to, value] })
        : encodeFunctionData({ abi: goodsTokenAbi, functionName: "transferWithReference", args: [to, value, reference] });
    await call(client, { account: from, to: client.ledger.token, data });
    return { ok: true };
  } catch (cause) {
    const error = toLedgerError(cause, "eth_call");
    if (error instanceof ContractRevertError) return { ok: false, rule: error.errorName, args: error.args as Record<string, unknown>, message: error.shortMessage, error };
    if (error instanceof ContractRevertedError) return { ok: false, rule: undefined, args: {}, message: error.shortMessage, error };
    throw error;
  }
}
