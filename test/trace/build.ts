/**
 * Hand-written histories for the example tests (conventions, exact arithmetic): transfers and events by
 * block, with the checkpoints, hashes and times filled in.
 */
import { encodeCheckpoint } from "../../src/indexer/checkpoint.js";
import type { Address, Hex, JsonValue, LedgerEventRow, TransferKind, TransferRow } from "../../src/indexer/types.js";
import { buildModel } from "../../src/trace/model.js";

/** The zero address (mints and burns). */
export const MINT = "0x0000000000000000000000000000000000000000" as Address;
/** Wallet n's address. */
export const W = (n: number): Address => `0x${(0xc000 + n).toString(16).padStart(40, "0")}` as Address;
/** Lot n's id. */
export const LOT = (n: number): Hex => `0x${(0xd000 + n).toString(16).padStart(64, "0")}` as Hex;
/** Block b's time: a day apart from block 1 at 2023-11-14 (so day arithmetic is easy to follow). */
export const timeOf = (block: number) => 1_700_000_000 + block * 3_600;

/** Builds histories by appending rows block by block. */
export class HistoryBuilder {
  readonly transfers: TransferRow[] = [];
  readonly events: LedgerEventRow[] = [];
  #log = new Map<number, number>();
  #pos(block: number, time = timeOf(block)) {
    const logIndex = this.#log.get(block) ?? 0;
    this.#log.set(block, logIndex + 1);
    return {
      checkpoint: encodeCheckpoint({ block, txIndex: 0, logIndex }), block, txIndex: 0, logIndex,
      txHash: `0x${(block * 1000 + logIndex).toString(16).padStart(64, "0")}` as Hex, timestamp: time,
    };
  }
  /** A transfer in `block` (ordinary unless `kind` says otherwise). */
  transfer(block: number, from: Address, to: Address, amount: bigint, kind: TransferKind = "transfer", lot: Hex | null = null, time?: number): this {
    this.transfers.push({ ...this.#pos(block, time), from, to, amount, kind, lot, reference: null });
    return this;
  }
  /** An issue against a lot. */
  issue(block: number, to: Address, amount: bigint, lot = LOT(0)): this {
    return this.transfer(block, MINT, to, amount, "issue", lot);
  }
  /** Any other event in `block`. */
  event(block: number, name: string, args: Record<string, JsonValue>, contract: "token" | "reserve" = "token", time?: number): this {
    this.events.push({ ...this.#pos(block, time), contract, name, args });
    return this;
  }
  /** The model at `tip` (default: the last block used), with the tip's time. */
  model(tip?: number) {
    const last = Math.max(0, ...this.transfers.map((t) => t.block), ...this.events.map((e) => e.block));
    const sorted = <T extends { checkpoint: string }>(rows: T[]) => [...rows].sort((a, b) => (a.checkpoint < b.checkpoint ? -1 : 1));
    const b = tip ?? last;
    return buildModel(sorted(this.transfers), sorted(this.events), { block: b, hash: null, timestamp: timeOf(b) });
  }
}
