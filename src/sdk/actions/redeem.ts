import type { Hash, Hex } from "viem";
import { toBaseUnits, type Amount } from "../amounts.js";
import { toBytes32, type Bytes32Input } from "../bytes32.js";
import type { LedgerBaseClient } from "../client.js";
import type { TransferRuleErrorName, WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";

/** Parameters of {@link redeem}. */
export type RedeemParameters = {
  /** The lot the goods are released from. */
  lot: Hex;
  /** The amount burned from the issuer's own wallet. */
  amount: Amount;
  /** The issuer's reference (e.g. a warehouse release order). */
  reference: Bytes32Input;
};

/** The transaction hash. */
export type RedeemReturnType = Hash;

/** Errors {@link redeem} can throw. */
export type RedeemErrorType = WriteErrorType<
  TransferRuleErrorName | "GoodsTokenZeroAmount" | "ReserveRegistryUnknownLot" | "ReserveRegistryLotReleased" | "ReserveRegistryRedemptionExceedsOutstanding"
>;

/**
 * Redeems (burns) tokens from the issuer's own wallet against a lot (ISSUER_ROLE); the reserve registry
 * writes a goods-release record.
 *
 * @param client - a ledger client whose account holds ISSUER_ROLE and the tokens.
 * @param parameters - lot, amount and reference.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await redeem(client, { lot, amount: "1000", reference: "RELEASE-77" });
 * ```
 */
export function redeem(client: LedgerBaseClient, { lot, amount, reference }: RedeemParameters): Promise<RedeemReturnType> {
  return writeToken(client, "redeem", [lot, toBaseUnits(amount, client.ledger.decimals), toBytes32(reference, "reference")]);
}
