import type { Address, Hash } from "viem";
import { toBaseUnits, type Amount } from "../amounts.js";
import { toBytes32, type Bytes32Input } from "../bytes32.js";
import type { LedgerBaseClient } from "../client.js";
import type { TransferRuleErrorName, WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";

/** Parameters of {@link seize}. */
export type SeizeParameters = {
  /** The wallet seized from (may be frozen or denylisted). */
  from: Address;
  /** The recipient, e.g. a compliance escrow wallet; it must pass the recipient checks. */
  to: Address;
  /** The amount. */
  amount: Amount;
  /** Why. */
  reasonCode: Bytes32Input;
  /** Hash of the legal order (32 bytes of hex). */
  legalRef: Bytes32Input;
};

/** The transaction hash. */
export type SeizeReturnType = Hash;

/** Errors {@link seize} can throw. */
export type SeizeErrorType = WriteErrorType<TransferRuleErrorName | "GoodsTokenZeroAmount" | "WalletRegistryInvalidAccount">;

/**
 * Seizes tokens under a legal order (COMPLIANCE_ROLE; the contract's `forcedTransfer`). Works on a frozen
 * wallet and while paused; the recipient's checks still apply.
 *
 * @param client - a ledger client whose account holds COMPLIANCE_ROLE.
 * @param parameters - from, to, amount, reason code and legal reference.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await seize(client, { from: suspect, to: escrow, amount: "300", reasonCode: "COURT_ORDER", legalRef: orderHash });
 * ```
 */
export function seize(client: LedgerBaseClient, { from, to, amount, reasonCode, legalRef }: SeizeParameters): Promise<SeizeReturnType> {
  return writeToken(client, "forcedTransfer", [from, to, toBaseUnits(amount, client.ledger.decimals), toBytes32(reasonCode, "reasonCode"), toBytes32(legalRef, "legalRef")]);
}
