import type { Address } from "viem";
import { formatAmount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link getAllowance}. */
export type GetAllowanceParameters = ReadAt & {
  /** The holder who approved. */
  owner: Address;
  /** The approved spender. */
  spender: Address;
};

/** The allowance as a decimal string in token units. */
export type GetAllowanceReturnType = string;

/** Errors {@link getAllowance} can throw. */
export type GetAllowanceErrorType = ReadErrorType;

/**
 * Reads how much `spender` may still move from `owner` (ERC-20 `allowance`).
 *
 * @param client - a ledger client.
 * @param parameters - owner and spender.
 * @returns the allowance in token units.
 * @example
 * ```ts
 * const left = await getAllowance(client, { owner, spender }); // "50"
 * ```
 */
export async function getAllowance(client: LedgerBaseClient, { owner, spender, ...at }: GetAllowanceParameters): Promise<GetAllowanceReturnType> {
  return formatAmount(await readToken(client, "allowance", [owner, spender], at), client.ledger.decimals);
}
