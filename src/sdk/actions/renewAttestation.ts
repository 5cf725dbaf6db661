import type { Hash, Hex } from "viem";
import { maxUint96 } from "viem";
import { toBaseUnits, type Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeReserve } from "../internal/contracts.js";

/** Parameters of {@link renewAttestation}. */
export type RenewAttestationParameters = {
  /** The lot id. */
  lot: Hex;
  /** The goods still in custody (attested − released, in the lot's unit), which the valuation covers. */
  quantity: bigint;
  /** New valuation of those goods; the goods × its unit value must cover what is outstanding against the lot. */
  valuation: Amount;
  /** New document hash. */
  attestationHash: Hex;
  /** New document URI. */
  attestationURI: string;
  /** New expiry, unix seconds. */
  expiresAt: bigint;
};

/** The transaction hash. */
export type RenewAttestationReturnType = Hash;

/** Errors {@link renewAttestation} can throw. */
export type RenewAttestationErrorType = WriteErrorType<
  | "ReserveRegistryUnknownLot"
  | "ReserveRegistryNotLotCustodian"
  | "ReserveRegistryLotDisputed"
  | "ReserveRegistryLotReleased"
  | "ReserveRegistryValuationBelowOutstanding"
  | "ReserveRegistryQuantityMismatch"
  | "ReserveRegistryInvalidQuantity"
  | "ReserveRegistryInvalidValuation"
  | "ReserveRegistryInvalidAttestationHash"
  | "ReserveRegistryInvalidExpiry"
>;

/**
 * Renews a lot's attestation (the lot's own custodian): new document, valuation and expiry; revives an
 * expired lot.
 *
 * @param client - a ledger client whose account is the lot's custodian.
 * @param parameters - lot, valuation, document and expiry.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await renewAttestation(client, { lot, quantity: 400_000n, valuation: "9500000", attestationHash, attestationURI, expiresAt });
 * ```
 */
export function renewAttestation(client: LedgerBaseClient, parameters: RenewAttestationParameters): Promise<RenewAttestationReturnType> {
  const p = parameters;
  const valuation = toBaseUnits(p.valuation, client.ledger.decimals, { max: maxUint96 });
  return writeReserve(client, "renewAttestation", [p.lot, p.quantity, valuation, p.attestationHash, p.attestationURI, Number(p.expiresAt)]);
}
