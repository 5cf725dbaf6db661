/**
 * Incremental replays of the history (lot provenance, taint exposure) that answer at any block without
 * replaying the history per query (docs/TRACE.md, "How provenance and exposure are computed").
 *
 * A replay walks the transfers once in checkpoint order and records, for every transfer, what it carried: its
 * lots (provenance) or its taint labels (exposure) with their amounts, in a {@link PieceLog}. What a transfer
 * carried does not depend on the block a query asks about, so a query at block B reads the pieces of the
 * queried wallet's own inflows before B (provenance replays that one wallet's transfers from them; exposure sums
 * them). The replay's state at its last transfer is kept so that new transfers extend it (append); a few
 * snapshots of that state near the tip let it roll back (a reorg, or a flag set at a block it already replayed)
 * without replaying from the start.
 */
import type { TraceModel } from "./model.js";
import { amountOf, extendsLineage, lineageOf, type Lineage } from "./model.js";

const U64_MAX = (1n << 64n) - 1n;

/** A growable column of non-negative bigints: 8 bytes each below 2^64 - 1, larger ones kept aside. */
export class BigColumn {
  #data = new BigUint64Array(1024);
  readonly #big = new Map<number, bigint>();
  #length = 0;
  get length(): number {
    return this.#length;
  }
  push(x: bigint): void {
    if (this.#length === this.#data.length) {
      const d = new BigUint64Array(Math.ceil(this.#data.length * 1.5));
      d.set(this.#data);
      this.#data = d;
    }
    if (x >= U64_MAX || x < 0n) {
      this.#data[this.#length] = U64_MAX;
      this.#big.set(this.#length, x);
    } else this.#data[this.#length] = x;
    this.#length++;
  }
  get(i: number): bigint {
    const x = this.#data[i]!;
    return x === U64_MAX ? this.#big.get(i)! : x;
  }
  truncate(n: number): void {
    if (n >= this.#length) return;
    for (const k of this.#big.keys()) if (k >= n) this.#big.delete(k);
    this.#length = n;
  }
  clone(): BigColumn {
    const c = new BigColumn();
    c.#data = this.#data.slice(0, Math.max(1024, this.#length));
    for (const [k, v] of this.#big) c.#big.set(k, v);
    c.#length = this.#length;
    return c;
  }
  get bytes(): number {
    return this.#data.byteLength + this.#big.size * 64;
  }
}

/** A growable Int32 column. */
class IntColumn {
  data = new Int32Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(Math.ceil(this.data.length * 1.5));
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = x;
  }
  clone(): IntColumn {
    const c = new IntColumn();
    c.data = this.data.slice(0, Math.max(1024, this.length));
    c.length = this.length;
    return c;
  }
}

/**
 * What transfers carried, in seq order: piece i belongs to transfer `seq[i]` and holds a key (a lot, or a taint
 * label or source), a second number (hops, for poison) and an amount. Only transfers that carried something of
 * interest have pieces (exposure records tainted parts only).
 */
export class PieceLog {
  seq = new IntColumn();
  key = new IntColumn();
  /** Hops (poison exposure only; otherwise empty). */
  aux = new IntColumn();
  /** Amounts (not kept for poison, whose pieces carry the transfer's whole amount). */
  amount = new BigColumn();
  /**
   * @param withAux - whether pieces carry a second number (poison: hops).
   * @param withAmount - whether pieces carry an amount.
   */
  constructor(readonly withAux = false, readonly withAmount = true) {}
  get length(): number {
    return this.seq.length;
  }
  push(seq: number, key: number, aux: number, amount: bigint): void {
    this.seq.push(seq);
    this.key.push(key);
    if (this.withAux) this.aux.push(aux);
    if (this.withAmount) this.amount.push(amount);
  }
  /** First piece of transfer `seq` or later. */
  lowerBound(seq: number): number {
    const d = this.seq.data;
    let lo = 0;
    let hi = this.seq.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (d[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  /** The pieces of transfer `seq`: indices [lo, hi). */
  range(seq: number): [number, number] {
    const lo = this.lowerBound(seq);
    let hi = lo;
    const d = this.seq.data;
    while (hi < this.seq.length && d[hi] === seq) hi++;
    return [lo, hi];
  }
  /** Drops the pieces of transfers `seq` and later. */
  truncate(seq: number): void {
    const n = this.lowerBound(seq);
    this.seq.length = n;
    this.key.length = n;
    if (this.withAux) this.aux.length = n;
    if (this.withAmount) this.amount.truncate(n);
  }
  clone(): PieceLog {
    const c = new PieceLog(this.withAux, this.withAmount);
    c.seq = this.seq.clone();
    c.key = this.key.clone();
    c.aux = this.aux.clone();
    c.amount = this.amount.clone();
    return c;
  }
  /** Resident bytes (typed columns; bigints of 2^64 or more counted roughly). */
  get bytes(): number {
    return this.seq.data.byteLength + this.key.data.byteLength + this.aux.data.byteLength + this.amount.bytes;
  }
}

/**
 * Grows a per-wallet array to `n` entries by pushing `fill` (kept dense: an array indexed far past its end turns
 * into a slow dictionary in V8).
 */
export function ensureLength<T>(list: T[], n: number, fill: T): void {
  while (list.length < n) list.push(fill);
}

/** How many recent transfers' fingerprints a replay keeps to find where a rolled-back model diverges. */
const RING = 1 << 14;
/** Snapshots kept near the tip. */
const SNAPSHOTS = 2;
/**
 * Tuning: a replay snapshots its state every `max(snapshotEvery, transfers / 16)` transfers, only within the last
 * two intervals before the transfer it replays to (tests lower it to exercise roll-backs from a snapshot).
 */
export const replayTuning = { snapshotEvery: 1 << 16 };

const TWO52 = 2n ** 52n;

/**
 * The last RING transfers' content as far as any replay can tell (the same content on both sides of a reorg
 * gives the same result), in typed columns: numbers only, so a long replay leaves no garbage for the collector.
 */
class Fingerprints {
  readonly block = new Float64Array(RING);
  readonly from = new Int32Array(RING);
  readonly to = new Int32Array(RING);
  readonly kindLot = new Float64Array(RING);
  readonly amountLo = new Float64Array(RING);
  readonly amountHi = new Float64Array(RING);
  set(model: TraceModel, s: number): void {
    const i = s % RING;
    const a = amountOf(model, s);
    this.block[i] = model.block[s]!;
    this.from[i] = model.from[s]!;
    this.to[i] = model.to[s]!;
    this.kindLot[i] = model.kind[s]! * 2 ** 32 + model.lot[s]!;
    this.amountLo[i] = Number(a % TWO52);
    this.amountHi[i] = Number(a / TWO52);
  }
  same(model: TraceModel, s: number): boolean {
    const i = s % RING;
    if (this.block[i] !== model.block[s] || this.from[i] !== model.from[s] || this.to[i] !== model.to[s]) return false;
    if (this.kindLot[i] !== model.kind[s]! * 2 ** 32 + model.lot[s]!) return false;
    const a = amountOf(model, s);
    return this.amountLo[i] === Number(a % TWO52) && this.amountHi[i] === Number(a / TWO52);
  }
  clone(): Fingerprints {
    const c = new Fingerprints();
    for (const k of ["block", "from", "to", "kindLot", "amountLo", "amountHi"] as const) (c[k] as Float64Array | Int32Array).set(this[k]);
    return c;
  }
}

/**
 * A replay over the model's transfers with per-transfer pieces, kept up to date with the model:
 * {@link sync} appends the transfers after the last one replayed, and rolls back first when the model no longer
 * holds the same transfers (a reorg), from the nearest snapshot at or before the divergence.
 */
export abstract class IncrementalReplay<S> {
  /** Transfers 0..processed-1 are replayed. */
  processed = 0;
  pieces: PieceLog;
  protected state: S;
  #snapshots: { seq: number; state: S }[] = [];
  #ring = new Fingerprints();
  /** Statistics: transfers replayed in all (a full replay counts `size`), rollbacks done. */
  readonly stats = { replayed: 0, rollbacks: 0, snapshots: 0 };

  /** @param pieces - the (empty) log to record into, with the columns this replay needs. */
  constructor(pieces: PieceLog) {
    this.pieces = pieces;
    this.state = this.emptyState();
  }

  protected abstract emptyState(): S;
  /** A new, empty replay of the same kind and settings. */
  protected abstract spawn(): this;
  protected abstract cloneState(state: S): S;
  /** Applies transfer `s` to the state; records its pieces into `log` unless it is null (re-replaying after a rollback). */
  protected abstract step(model: TraceModel, s: number, state: S, log: PieceLog | null): void;

  /** Brings the replay to the model's last transfer (rolling back first when the model diverged). */
  sync(model: TraceModel): void {
    let k = Math.min(this.processed, model.size);
    const floor = Math.max(0, this.processed - RING);
    while (k > floor && !this.#ring.same(model, k - 1)) k--;
    if (k === floor && floor > 0 && k < this.processed) k = 0; // diverged deeper than the fingerprints kept

    if (k < this.processed) this.rollback(model, k);
    this.#advance(model, model.size, true);
  }

  /** Drops everything from transfer `k` on: pieces truncated, state restored from a snapshot and replayed to `k`. */
  rollback(model: TraceModel, k: number): void {
    this.stats.rollbacks++;
    this.pieces.truncate(k);
    while (this.#snapshots.length > 0 && this.#snapshots.at(-1)!.seq > k) this.#snapshots.pop();
    const snap = this.#snapshots.at(-1);
    this.state = snap === undefined ? this.emptyState() : this.cloneState(snap.state);
    this.processed = snap === undefined ? 0 : snap.seq;
    this.#advance(model, k, false);
  }

  #advance(model: TraceModel, to: number, record: boolean): void {
    const interval = Math.max(replayTuning.snapshotEvery, Math.floor(to / 16));
    const log = record ? this.pieces : null;
    for (let s = this.processed; s < to; s++) {
      // Snapshots only near the target: a reorg or a late flag rolls back a few blocks, not the history.
      if (to - s <= 2 * interval && s - (this.#snapshots.at(-1)?.seq ?? 0) >= interval) this.#snapshot(s);
      // The pieces of s are already there when re-replaying up to a rollback point.
      this.step(model, s, this.state, log);
      if (to - s <= RING) this.#ring.set(model, s); // only the last ones are ever compared
      this.processed = s + 1;
      this.stats.replayed++;
    }
  }

  #snapshot(seq: number): void {
    this.#snapshots.push({ seq, state: this.cloneState(this.state) });
    this.stats.snapshots++;
    while (this.#snapshots.length > SNAPSHOTS) this.#snapshots.shift();
  }

  /** A copy sharing nothing mutable (to derive a replay with more sources from this one). */
  clone(): this {
    const c = this.spawn();
    c.processed = this.processed;
    c.pieces = this.pieces.clone();
    c.state = this.cloneState(this.state);
    c.#snapshots = [...this.#snapshots]; // snapshots are never mutated (restoring clones them)
    c.#ring = this.#ring.clone();
    return c;
  }

  /** The earliest transfer a rollback can restart from without replaying from the start. */
  get oldestSnapshot(): number {
    return this.#snapshots[0]?.seq ?? 0;
  }
}

/** The replays last used, per kind, and the model they were used with. */
interface Remembered {
  model: WeakRef<TraceModel>;
  /** The model's lineage: a model extended from it takes the replays over even once it is freed. */
  lineage: Lineage | undefined;
  value: unknown;
  forget: (model: TraceModel) => void;
}
const recent = new Map<string, Remembered>();

/**
 * Records the replays of `kind` last used with `model`, so that a model extended from it (`extendModel` returns
 * a new model holding the same transfers and numbering plus newer ones) takes them over instead of replaying
 * from the start.
 * @param forget - removes the replays from the old model's cache once the newer model took them over.
 */
export function rememberReplays(model: TraceModel, kind: string, value: unknown, forget: (model: TraceModel) => void): void {
  const r = recent.get(kind);
  if (r !== undefined && r.value === value && r.model.deref() === model) return;
  recent.set(kind, { model: new WeakRef(model), lineage: lineageOf(model), value, forget });
}

/**
 * The replays of `kind` last used with a model that `model` extends (see {@link Lineage}), or
 * undefined. They then sync to `model` (appending its newer transfers).
 */
export function adoptReplays(model: TraceModel, kind: string): unknown {
  const r = recent.get(kind);
  if (r === undefined || r.lineage === undefined || !extendsLineage(model, r.lineage)) return undefined;
  const old = r.model.deref();
  if (old === model) return undefined;
  recent.delete(kind);
  if (old !== undefined) r.forget(old);
  return r.value;
}
