import { keccak256, stringToHex, zeroAddress, type Address, type Hex } from "viem";
import { formatAmount } from "./amounts.js";
import { fromBytes32 } from "./bytes32.js";

/** Lot statuses, indexed by their on-chain value (IReserveRegistry.LotStatus). */
export const LOT_STATUSES = ["none", "active", "disputed", "released"] as const;
/** A lot's status; `"none"` means the lot does not exist. */
export type LotStatus = (typeof LOT_STATUSES)[number];

/**
 * A lot id from a label (e.g. the warehouse receipt number): `keccak256(label)`, as the fixtures and CLI do.
 *
 * @param label - the label.
 * @returns the 32-byte lot id.
 * @example
 * ```ts
 * lotId("WR-2026-0001");
 * ```
 */
export function lotId(label: string): Hex {
  return keccak256(stringToHex(label));
}

/** A lot's record, with amounts in token units and short codes decoded to text. */
export type LotRecord = {
  lot: Hex;
  status: LotStatus;
  valuation: string;
  issued: string;
  redeemed: string;
  /** `issued − redeemed`: what the lot backs now. */
  outstanding: string;
  quantity: bigint;
  unit: string;
  classCode: string;
  location: string;
  custodian: Address | undefined;
  attestationHash: Hex;
  attestationURI: string;
  /** Unix seconds. */
  attestedAt: bigint;
  /** Unix seconds; the lot stops counting on this UTC day. */
  expiresAt: bigint;
};

/** The struct `lotInfo` returns. */
export type RawLot = {
  valuation: bigint;
  issued: bigint;
  expiresAt: number;
  status: number;
  custodian: Address;
  redeemed: bigint;
  quantity: bigint;
  attestedAt: number;
  classCode: Hex;
  unit: Hex;
  location: Hex;
  attestationHash: Hex;
  attestationURI: string;
};

/**
 * Turns the contract's lot struct into a {@link LotRecord}.
 *
 * @param lot - the lot id.
 * @param raw - what `lotInfo` returned.
 * @param decimals - token decimals.
 * @returns the record.
 * @example
 * ```ts
 * toLotRecord(lot, await readReserve(client, "lotInfo", [lot]), 6);
 * ```
 */
export function toLotRecord(lot: Hex, raw: RawLot, decimals: number): LotRecord {
  return {
    lot,
    status: LOT_STATUSES[raw.status] ?? "none",
    valuation: formatAmount(raw.valuation, decimals),
    issued: formatAmount(raw.issued, decimals),
    redeemed: formatAmount(raw.redeemed, decimals),
    outstanding: formatAmount(raw.issued - raw.redeemed, decimals),
    quantity: raw.quantity,
    unit: fromBytes32(raw.unit),
    classCode: fromBytes32(raw.classCode),
    location: fromBytes32(raw.location),
    custodian: raw.custodian === zeroAddress ? undefined : raw.custodian,
    attestationHash: raw.attestationHash,
    attestationURI: raw.attestationURI,
    attestedAt: BigInt(raw.attestedAt),
    expiresAt: BigInt(raw.expiresAt),
  };
}
