import type { Hash } from "viem";
import type { WriteErrorType } from "../errors/types.js";
import { lotOfficerAction, type LotOfficerParameters } from "../internal/shapes.js";

/** Parameters of {@link releaseLot}: the lot and a reason code. */
export type ReleaseLotParameters = LotOfficerParameters;
/** The transaction hash. */
export type ReleaseLotReturnType = Hash;
/** Errors {@link releaseLot} can throw. */
export type ReleaseLotErrorType = WriteErrorType<"ReserveRegistryUnknownLot" | "ReserveRegistryNotLotCustodian" | "ReserveRegistryLotDisputed" | "ReserveRegistryLotReleased" | "ReserveRegistryLotOutstanding">;

/**
 * Releases a whole lot from custody (the lot's custodian); it must have nothing outstanding.
 *
 * @param client - a ledger client whose account holds CUSTODIAN_ROLE, the lot's custodian.
 * @param parameters - the lot and a reason code.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await releaseLot(client, { lot, reasonCode: "EMPTIED" });
 * ```
 */
export const releaseLot = lotOfficerAction("releaseLot");
