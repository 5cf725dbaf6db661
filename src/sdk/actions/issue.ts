import type { Address, Hash, Hex } from "viem";
import { toBaseUnits, type Amount } from "../amounts.js";
import { toBytes32, type Bytes32Input } from "../bytes32.js";
import type { LedgerBaseClient } from "../client.js";
import type { TransferRuleErrorName, WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";

/** Parameters of {@link issue}. */
export type IssueParameters = {
  /** The goods lot backing the new tokens. */
  lot: Hex;
  /** The registered recipient (e.g. an agent's float on cash-in). */
  to: Address;
  /** The amount. */
  amount: Amount;
  /** The issuer's reference (e.g. a cash-in id): short text or 32 bytes of hex. */
  reference: Bytes32Input;
};

/** The transaction hash. */
export type IssueReturnType = Hash;

/** Errors {@link issue} can throw: the recipient's rules, the lot's state and both reserve caps. */
export type IssueErrorType = WriteErrorType<
  | TransferRuleErrorName
  | "GoodsTokenZeroAmount"
  | "ReserveRegistryUnknownLot"
  | "ReserveRegistryLotDisputed"
  | "ReserveRegistryLotReleased"
  | "ReserveRegistryLotExpired"
  | "ReserveRegistryLotCapacityExceeded"
  | "ReserveRegistryReservesExceeded"
>;

/**
 * Issues tokens against a goods lot (ISSUER_ROLE), within the lot's capacity and the total reserves.
 *
 * @param client - a ledger client whose account holds ISSUER_ROLE.
 * @param parameters - lot, recipient, amount and reference.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await issue(client, { lot, to: agent, amount: "5000", reference: "CASHIN-0001" });
 * ```
 */
export function issue(client: LedgerBaseClient, { lot, to, amount, reference }: IssueParameters): Promise<IssueReturnType> {
  return writeToken(client, "issue", [lot, to, toBaseUnits(amount, client.ledger.decimals), toBytes32(reference, "reference")]);
}
