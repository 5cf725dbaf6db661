import type { Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";
import { splitSignature } from "../qr/authorization.js";
import type { SignedPermit } from "./signPermit.js";

/** Parameters of {@link permit}. */
export type PermitParameters = {
  /** A permit from {@link signPermit}. */
  permit: SignedPermit;
};

/** The transaction hash. */
export type PermitReturnType = Hash;

/** Errors {@link permit} can throw. */
export type PermitErrorType = WriteErrorType<"GoodsTokenPermitExpired" | "GoodsTokenInvalidSignature" | "ERC20InvalidApprover" | "ERC20InvalidSpender">;

/**
 * Submits a signed EIP-2612 permit (any account may), setting the owner's allowance for the spender.
 *
 * @param client - a ledger client with an account (it pays the gas).
 * @param parameters - the signed permit.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await permit(relayer, { permit: signed });
 * ```
 */
export function permit(client: LedgerBaseClient, { permit: signed }: PermitParameters): Promise<PermitReturnType> {
  const { v, r, s } = splitSignature(signed.signature);
  return writeToken(client, "permit", [signed.owner, signed.spender, signed.value, signed.deadline, v, r, s]);
}
