import type { Hash } from "viem";
import type { WriteErrorType } from "../errors/types.js";
import { lotOfficerAction, type LotOfficerParameters } from "../internal/shapes.js";

/** Parameters of {@link disputeLot}: the lot and a reason code. */
export type DisputeLotParameters = LotOfficerParameters;
/** The transaction hash. */
export type DisputeLotReturnType = Hash;
/** Errors {@link disputeLot} can throw. */
export type DisputeLotErrorType = WriteErrorType<"AccessControlUnauthorizedAccount" | "ReserveRegistryUnknownLot" | "ReserveRegistryLotDisputed" | "ReserveRegistryLotReleased">;

/**
 * Disputes an active lot (AUDITOR_ROLE): it stops counting in reserves and refuses new issuance.
 *
 * @param client - a ledger client whose account holds AUDITOR_ROLE.
 * @param parameters - the lot and a reason code.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await disputeLot(client, { lot, reasonCode: "SHORTFALL" });
 * ```
 */
export const disputeLot = lotOfficerAction("disputeLot");
