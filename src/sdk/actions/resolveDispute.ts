import type { Hash } from "viem";
import type { WriteErrorType } from "../errors/types.js";
import { lotOfficerAction, type LotOfficerParameters } from "../internal/shapes.js";

/** Parameters of {@link resolveDispute}: the lot and a reason code. */
export type ResolveDisputeParameters = LotOfficerParameters;
/** The transaction hash. */
export type ResolveDisputeReturnType = Hash;
/** Errors {@link resolveDispute} can throw. */
export type ResolveDisputeErrorType = WriteErrorType<"ReserveRegistryLotNotDisputed">;

/**
 * Resolves a lot's dispute (AUDITOR_ROLE): the lot is active again.
 *
 * @param client - a ledger client whose account holds AUDITOR_ROLE.
 * @param parameters - the lot and a reason code.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await resolveDispute(client, { lot, reasonCode: "RECOUNTED" });
 * ```
 */
export const resolveDispute = lotOfficerAction("resolveDispute");
