import type { Hash, Hex } from "viem";
import { maxUint96 } from "viem";
import { toBaseUnits, type Amount } from "../amounts.js";
import { toBytes32, type Bytes32Input } from "../bytes32.js";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeReserve } from "../internal/contracts.js";

/** Parameters of {@link attestLot}. */
export type AttestLotParameters = {
  /** The new lot's id (see `lotId`). */
  lot: Hex;
  /** Goods class code, e.g. `"MAIZE-W2"`. */
  classCode: Bytes32Input;
  /** Quantity of goods, in `unit`s. */
  quantity: bigint;
  /** Unit, e.g. `"kg"`. */
  unit: Bytes32Input;
  /** Valuation in token units: the most that can ever be issued against the lot. */
  valuation: Amount;
  /** Warehouse location code. */
  location: Bytes32Input;
  /** Hash of the attestation document. */
  attestationHash: Hex;
  /** Where the document can be fetched. */
  attestationURI: string;
  /** Expiry, unix seconds; its UTC day must be after today. */
  expiresAt: bigint;
};

/** The transaction hash. */
export type AttestLotReturnType = Hash;

/** Errors {@link attestLot} can throw. */
export type AttestLotErrorType = WriteErrorType<
  | "AccessControlUnauthorizedAccount"
  | "ReserveRegistryInvalidLotId"
  | "ReserveRegistryLotExists"
  | "ReserveRegistryInvalidValuation"
  | "ReserveRegistryInvalidQuantity"
  | "ReserveRegistryInvalidAttestationHash"
  | "ReserveRegistryInvalidExpiry"
  | "ReserveRegistryReservesOverflow"
>;

/**
 * Attests a new goods lot in the custodian's care (CUSTODIAN_ROLE); its valuation starts counting in reserves.
 *
 * @param client - a ledger client whose account holds CUSTODIAN_ROLE.
 * @param parameters - the lot's goods, valuation and attestation.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await attestLot(client, { lot: lotId("WR-0001"), classCode: "MAIZE", quantity: 500_000n, unit: "kg",
 *   valuation: "10000000", location: "NG-KN-WH01", attestationHash, attestationURI: "ipfs://…", expiresAt });
 * ```
 */
export function attestLot(client: LedgerBaseClient, parameters: AttestLotParameters): Promise<AttestLotReturnType> {
  const p = parameters;
  return writeReserve(client, "attestLot", [
    p.lot,
    {
      classCode: toBytes32(p.classCode, "classCode"),
      quantity: p.quantity,
      unit: toBytes32(p.unit, "unit"),
      valuation: toBaseUnits(p.valuation, client.ledger.decimals, { max: maxUint96 }),
      location: toBytes32(p.location, "location"),
      attestationHash: p.attestationHash,
      attestationURI: p.attestationURI,
      expiresAt: Number(p.expiresAt),
    },
  ]);
}
