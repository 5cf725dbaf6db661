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

/**
 * Exact amounts without a bigint on the replays' hot path: an amount is a pair of numbers (lo, hi), its value
 * hi × 2^32 + lo, with lo below 2^32 and hi below 2^53 (so every value below 2^85 is two exact doubles and
 * adding or subtracting two of them is exact with a carry). A value of 2^85 or more (far beyond any supply) is
 * kept as a bigint in {@link bigPool}: hi is -1 and lo its index. Values below 2^85 are never pooled, so two
 * amounts are equal exactly when their pairs are. Results of the operations below are left in {@link R}.
 */
const W32 = 0x1_0000_0000;
const HI_LIMIT = 2 ** 53;
const POOL_FROM = 1n << 85n;
/** Amounts of 2^85 or more, append-only (they are never mutated, so replays and their copies share them). */
export const bigPool: bigint[] = [];
/** The result register of the amount operations. */
export const R = { lo: 0, hi: 0 };

/** The exact value of the pair (lo, hi). */
export function limbsToBig(lo: number, hi: number): bigint {
  if (hi < 0) return bigPool[lo]!;
  if (hi < 0x20_0000) return BigInt(hi * W32 + lo);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Sets {@link R} to `x` (≥ 0). */
export function setBig(x: bigint): void {
  if (x < POOL_FROM) {
    R.hi = Number(x >> 32n);
    R.lo = Number(x & 0xffff_ffffn);
  } else {
    R.hi = -1;
    R.lo = bigPool.push(x) - 1;
  }
}

/** R = a + b. */
export function addLimbs(alo: number, ahi: number, blo: number, bhi: number): void {
  let hi = ahi + bhi;
  // A pooled operand, or a sum near 2^85 (hi + carry might not be exact): the bigint way.
  if (ahi < 0 || bhi < 0 || hi >= HI_LIMIT - 1) return setBig(limbsToBig(alo, ahi) + limbsToBig(blo, bhi));
  let lo = alo + blo;
  if (lo >= W32) {
    lo -= W32;
    hi++;
  }
  R.lo = lo;
  R.hi = hi;
}

/** R = a - b, for a ≥ b. */
export function subLimbs(alo: number, ahi: number, blo: number, bhi: number): void {
  if (ahi < 0 || bhi < 0) return setBig(limbsToBig(alo, ahi) - limbsToBig(blo, bhi));
  let lo = alo - blo;
  let hi = ahi - bhi;
  if (lo < 0) {
    lo += W32;
    hi--;
  }
  R.lo = lo;
  R.hi = hi;
}

/** Negative, zero or positive as a < b, a = b, a > b. */
export function cmpLimbs(alo: number, ahi: number, blo: number, bhi: number): number {
  if (ahi < 0 || bhi < 0) {
    if (ahi >= 0) return -1; // a pooled value is 2^85 or more, above every pair
    if (bhi >= 0) return 1;
    const a = bigPool[alo]!;
    const b = bigPool[blo]!;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return ahi !== bhi ? ahi - bhi : alo - blo;
}

/** Sets {@link R} to the amount of transfer `s` (the model's two 32-bit words; wider amounts from its sparse map). */
export function loadAmount(model: TraceModel, s: number): void {
  const hi = model.amountHi[s]!;
  const lo = model.amountLo[s]!;
  if (hi === 0xffff_ffff && lo === 0xffff_ffff) {
    const wide = model.wideAmounts.get(s);
    if (wide !== undefined) return setBig(wide);
  }
  R.lo = lo;
  R.hi = hi;
}

/**
 * A growable column of non-negative amounts: two 32-bit words each (8 bytes); amounts of 2^64 - 2^32 or more
 * kept aside as bigints.
 */
export class BigColumn {
  #lo = new Uint32Array(1024);
  #hi = new Uint32Array(1024);
  readonly #big = new Map<number, bigint>();
  #length = 0;
  get length(): number {
    return this.#length;
  }
  #room(): void {
    if (this.#length === this.#lo.length) {
      const n = this.#lo.length * 2;
      const lo = new Uint32Array(n);
      const hi = new Uint32Array(n);
      lo.set(this.#lo);
      hi.set(this.#hi);
      this.#lo = lo;
      this.#hi = hi;
    }
  }
  /** Makes room for `n` amounts at once (pages not yet written cost no memory). */
  reserve(n: number): void {
    if (n <= this.#lo.length) return;
    const lo = new Uint32Array(n);
    const hi = new Uint32Array(n);
    lo.set(this.#lo.subarray(0, this.#length));
    hi.set(this.#hi.subarray(0, this.#length));
    this.#lo = lo;
    this.#hi = hi;
  }
  push(x: bigint): void {
    if (x < 0n) throw new RangeError(`negative amount ${x}`);
    setBig(x);
    this.pushLimbs(R.lo, R.hi);
  }
  /** Appends the amount (lo, hi) (see {@link limbsToBig}). */
  pushLimbs(lo: number, hi: number): void {
    this.#room();
    const i = this.#length++;
    if (hi < 0 || hi >= 0xffff_ffff) {
      this.#lo[i] = 0xffff_ffff;
      this.#hi[i] = 0xffff_ffff;
      this.#big.set(i, limbsToBig(lo, hi));
    } else {
      this.#lo[i] = lo;
      this.#hi[i] = hi;
    }
  }
  /** Sets {@link R} to amount `i`. */
  load(i: number): void {
    const hi = this.#hi[i]!;
    if (hi === 0xffff_ffff) return setBig(this.#big.get(i)!);
    R.lo = this.#lo[i]!;
    R.hi = hi;
  }
  get(i: number): bigint {
    const hi = this.#hi[i]!;
    if (hi === 0xffff_ffff) return this.#big.get(i)!;
    return limbsToBig(this.#lo[i]!, hi);
  }
  truncate(n: number): void {
    if (n >= this.#length) return;
    for (const k of this.#big.keys()) if (k >= n) this.#big.delete(k);
    this.#length = n;
  }
  clone(): BigColumn {
    const c = new BigColumn();
    const n = Math.max(1024, this.#length);
    c.#lo = this.#lo.slice(0, n);
    c.#hi = this.#hi.slice(0, n);
    for (const [k, v] of this.#big) c.#big.set(k, v);
    c.#length = this.#length;
    return c;
  }
  get bytes(): number {
    return this.#lo.byteLength + this.#hi.byteLength + this.#big.size * 64;
  }
}

/**
 * Per-wallet balances as pairs of numbers, grown as wallets are added. A balance below zero (a wallet that sent
 * more than the model shows it received: incomplete data) is kept aside as a bigint.
 */
export class AmountsByWallet {
  lo = new Float64Array(0);
  hi = new Float64Array(0);
  negative = new Map<number, bigint>();
  /** Makes room for wallets 0..n-1 (new ones at 0). */
  ensure(n: number): void {
    if (this.lo.length >= n) return;
    const m = Math.max(n, Math.ceil(this.lo.length * 1.25));
    const lo = new Float64Array(m);
    const hi = new Float64Array(m);
    lo.set(this.lo);
    hi.set(this.hi);
    this.lo = lo;
    this.hi = hi;
  }
  get(w: number): bigint {
    return this.negative.get(w) ?? (w < this.lo.length ? limbsToBig(this.lo[w]!, this.hi[w]!) : 0n);
  }
  /** Sets wallet `w`'s balance to `x`. */
  set(w: number, x: bigint): void {
    if (x < 0n) {
      this.negative.set(w, x);
      this.lo[w] = 0;
      this.hi[w] = 0;
    } else {
      this.negative.delete(w);
      setBig(x);
      this.lo[w] = R.lo;
      this.hi[w] = R.hi;
    }
  }
  /** Adds (lo, hi) to wallet `w`'s balance. */
  add(w: number, lo: number, hi: number): void {
    if (this.negative.size > 0 && this.negative.has(w)) return this.set(w, this.negative.get(w)! + limbsToBig(lo, hi));
    addLimbs(this.lo[w]!, this.hi[w]!, lo, hi);
    this.lo[w] = R.lo;
    this.hi[w] = R.hi;
  }
  /** Subtracts (lo, hi) from wallet `w`'s balance. */
  sub(w: number, lo: number, hi: number): void {
    if ((this.negative.size > 0 && this.negative.has(w)) || cmpLimbs(this.lo[w]!, this.hi[w]!, lo, hi) < 0) {
      return this.set(w, this.get(w) - limbsToBig(lo, hi));
    }
    subLimbs(this.lo[w]!, this.hi[w]!, lo, hi);
    this.lo[w] = R.lo;
    this.hi[w] = R.hi;
  }
  clone(): AmountsByWallet {
    const c = new AmountsByWallet();
    c.lo = this.lo.slice();
    c.hi = this.hi.slice();
    c.negative = new Map(this.negative);
    return c;
  }
  get bytes(): number {
    return this.lo.byteLength + this.hi.byteLength;
  }
}

/** A short list of chunks (a transfer's moved parts), reused between transfers; a push of the last key adds to it. */
export class ChunkList {
  key = new Int32Array(64);
  lo = new Float64Array(64);
  hi = new Float64Array(64);
  n = 0;
  push(k: number, lo: number, hi: number): void {
    const n = this.n;
    if (n > 0 && this.key[n - 1] === k) {
      addLimbs(this.lo[n - 1]!, this.hi[n - 1]!, lo, hi);
      this.lo[n - 1] = R.lo;
      this.hi[n - 1] = R.hi;
      return;
    }
    if (n === this.key.length) {
      const key = new Int32Array(n * 2);
      const l = new Float64Array(n * 2);
      const h = new Float64Array(n * 2);
      key.set(this.key);
      l.set(this.lo);
      h.set(this.hi);
      this.key = key;
      this.lo = l;
      this.hi = h;
    }
    this.key[n] = k;
    this.lo[n] = lo;
    this.hi[n] = hi;
    this.n = n + 1;
  }
}

/** Any key (see {@link FifoArena.take}). */
export const ANY_KEY = -0x8000_0000;

/**
 * Per-wallet FIFO queues of chunks (a key: a lot or a taint label; an amount) in one arena of typed columns,
 * no object per chunk or wallet. Each wallet's live chunks are a contiguous run [head, end) of a region of the
 * arena; a full region is shifted down or moved to a region twice its size at the arena's top, and the arena is
 * compacted when the regions left behind outweigh the live ones (so the work stays linear in what is pushed).
 * A push of the key the queue ends with adds to that chunk (the same units in the same order).
 */
export class FifoArena {
  key: Int32Array;
  lo: Uint32Array;
  hi: Float64Array;
  /** @param size - the arena's first size in chunks (tests make it small to exercise moves and compactions). */
  constructor(readonly size = 1 << 12) {
    this.key = new Int32Array(size);
    this.lo = new Uint32Array(size);
    this.hi = new Float64Array(size);
  }
  /** First free slot of the arena. */
  top = 0;
  /** Slots in regions left behind. */
  waste = 0;
  base = new Int32Array(0);
  cap = new Int32Array(0);
  head = new Int32Array(0);
  end = new Int32Array(0);
  /** Whether the wallet has a queue (exposure creates one only when taint first reaches it). */
  has = new Uint8Array(0);

  /** Marks wallet `w` as having a queue (possibly empty). */
  create(w: number): void {
    this.has[w] = 1;
  }

  /** Makes room for wallets 0..n-1. */
  ensure(n: number): void {
    if (this.base.length >= n) return;
    const m = Math.max(n, Math.ceil(this.base.length * 1.25));
    const grow = <A extends Int32Array | Uint8Array>(a: A): A => {
      const b = new (a.constructor as new (n: number) => A)(m);
      b.set(a);
      return b;
    };
    this.base = grow(this.base);
    this.cap = grow(this.cap);
    this.head = grow(this.head);
    this.end = grow(this.end);
    this.has = grow(this.has);
  }

  /** Appends (key, lo, hi) to wallet `w`'s queue, adding to its last chunk when that has the same key. */
  push(w: number, k: number, lo: number, hi: number): void {
    let e = this.end[w]!;
    if (e > this.head[w]! && this.key[e - 1] === k) {
      addLimbs(this.lo[e - 1]!, this.hi[e - 1]!, lo, hi);
      this.lo[e - 1] = R.lo;
      this.hi[e - 1] = R.hi;
      return;
    }
    if (e === this.base[w]! + this.cap[w]!) {
      this.#room(w);
      e = this.end[w]!;
    }
    this.key[e] = k;
    this.lo[e] = lo;
    this.hi[e] = hi;
    this.end[w] = e + 1;
    this.has[w] = 1;
  }

  /** Makes room for one more chunk at the end of `w`'s region. */
  #room(w: number): void {
    const live = this.end[w]! - this.head[w]!;
    const cap = this.cap[w]!;
    if (cap >= 8 && live * 2 <= cap) {
      // Half of the region is taken chunks: shift the live ones down.
      const b = this.base[w]!;
      this.#move(this.head[w]!, this.end[w]!, b);
      this.head[w] = b;
      this.end[w] = b + live;
      return;
    }
    const n = live + Math.max(2, live >> 1);
    const b = this.#alloc(n); // may compact (moving w's chunks)
    const h = this.head[w]!;
    const e = this.end[w]!;
    this.#move(h, e, b);
    this.waste += this.cap[w]!;
    this.base[w] = b;
    this.cap[w] = n;
    this.head[w] = b;
    this.end[w] = b + (e - h);
  }

  #move(from: number, to: number, at: number): void {
    this.key.copyWithin(at, from, to);
    this.lo.copyWithin(at, from, to);
    this.hi.copyWithin(at, from, to);
  }

  #alloc(n: number): number {
    // Regions left behind are compacted away once they are a quarter of the arena (touched pages are memory).
    if (this.waste >= this.size && this.waste * 4 > this.top) this.#compactInPlace();
    // Doubling: the columns left behind add up to no more than the arena (the allocator may keep them resident).
    if (this.top + n > this.key.length) this.#resize(Math.max(this.top + n, this.key.length * 2));
    const b = this.top;
    this.top += n;
    return b;
  }

  /** Makes room for `n` chunks at once (pages not yet written cost no memory; growing by copies would leave freed blocks resident). */
  reserve(n: number): void {
    if (n > this.key.length) this.#resize(n);
  }

  #resize(size: number): void {
    const key = new Int32Array(size);
    const lo = new Uint32Array(size);
    const hi = new Float64Array(size);
    key.set(this.key.subarray(0, this.top));
    lo.set(this.lo.subarray(0, this.top));
    hi.set(this.hi.subarray(0, this.top));
    this.key = key;
    this.lo = lo;
    this.hi = hi;
  }

  /**
   * Slides every queue's live chunks down to the arena's start, in the order of their regions, in the same
   * columns (no new allocation: a copy per compaction would leave freed blocks the allocator keeps). Regions
   * become exactly their chunks; a queue that grows again moves to the top.
   */
  #compactInPlace(): void {
    let n = 0;
    for (let w = 0; w < this.base.length; w++) if (this.cap[w]! > 0) n++;
    // Wallets in the order of their regions: (base, wallet) packed in one double and sorted natively.
    const m = 2 ** Math.ceil(Math.log2(this.base.length + 1));
    const order = new Int32Array(n);
    n = 0;
    for (let w = 0; w < this.base.length; w++) if (this.cap[w]! > 0) order[n++] = w;
    if (this.top * m < 2 ** 53) {
      const keys = new Float64Array(n);
      for (let k = 0; k < n; k++) keys[k] = this.base[order[k]!]! * m + order[k]!;
      keys.sort();
      for (let k = 0; k < n; k++) order[k] = keys[k]! % m;
    } else {
      const base = this.base;
      order.sort((x, y) => base[x]! - base[y]!);
    }
    let top = 0;
    for (let k = 0; k < n; k++) {
      const w = order[k]!;
      const h = this.head[w]!;
      const live = this.end[w]! - h;
      if (live === 0) {
        this.base[w] = this.head[w] = this.end[w] = this.cap[w] = 0;
        continue;
      }
      if (h !== top) this.#move(h, h + live, top); // top ≤ h: regions are disjoint and taken in order
      this.base[w] = top;
      this.head[w] = top;
      this.end[w] = top + live;
      this.cap[w] = live;
      top += live;
    }
    this.top = top;
    this.waste = 0;
  }

  /** Copies every queue's live chunks into fresh columns (each region a little larger than its chunks). */
  #compact(extra = 0): void {
    let live = 0;
    for (let w = 0; w < this.base.length; w++) if (this.cap[w]! > 0) live += this.end[w]! - this.head[w]! + 2;
    const size = Math.max(this.size, Math.ceil(live * 1.25) + extra);
    const key = new Int32Array(size);
    const lo = new Uint32Array(size);
    const hi = new Float64Array(size);
    let top = 0;
    for (let w = 0; w < this.base.length; w++) {
      if (this.cap[w]! === 0) continue;
      const h = this.head[w]!;
      const n = this.end[w]! - h;
      key.set(this.key.subarray(h, h + n), top);
      lo.set(this.lo.subarray(h, h + n), top);
      hi.set(this.hi.subarray(h, h + n), top);
      this.base[w] = top;
      this.head[w] = top;
      this.end[w] = top + n;
      this.cap[w] = n + 2;
      top += n + 2;
    }
    this.key = key;
    this.lo = lo;
    this.hi = hi;
    this.top = top;
    this.waste = 0;
  }

  /** Empties wallet `w`'s queue (keeping its region). */
  reset(w: number): void {
    if (w >= this.base.length) return;
    this.head[w] = this.base[w]!;
    this.end[w] = this.base[w]!;
    this.has[w] = 0;
  }

  /** Drops wallet `w`'s chunks from its head while they are empty (a redemption can empty chunks in the middle too). */
  trimHead(w: number): void {
    let h = this.head[w]!;
    const e = this.end[w]!;
    while (h < e && this.lo[h] === 0 && this.hi[h] === 0) h++;
    this.head[w] = h;
  }

  /**
   * Takes up to (nlo, nhi) from wallet `w`'s queue, oldest chunks first (only chunks of key `only` unless it is
   * {@link ANY_KEY}), appending each part taken to `out`; leaves the amount it could not take in {@link R}.
   */
  take(w: number, nlo: number, nhi: number, only: number, out: ChunkList): void {
    const e = w < this.end.length ? this.end[w]! : 0;
    for (let i = w < this.head.length ? this.head[w]! : 0; i < e && (nlo !== 0 || nhi !== 0); i++) {
      if (only !== ANY_KEY && this.key[i] !== only) continue;
      const hlo = this.lo[i]!;
      const hhi = this.hi[i]!;
      if (hlo === 0 && hhi === 0) continue;
      if (cmpLimbs(hlo, hhi, nlo, nhi) <= 0) {
        out.push(this.key[i]!, hlo, hhi);
        subLimbs(nlo, nhi, hlo, hhi);
        nlo = R.lo;
        nhi = R.hi;
        this.lo[i] = 0;
        this.hi[i] = 0;
      } else {
        out.push(this.key[i]!, nlo, nhi);
        subLimbs(hlo, hhi, nlo, nhi);
        this.lo[i] = R.lo;
        this.hi[i] = R.hi;
        nlo = 0;
        nhi = 0;
      }
    }
    if (e > 0) this.trimHead(w);
    R.lo = nlo;
    R.hi = nhi;
  }

  /** A compacted copy sharing nothing mutable. */
  clone(): FifoArena {
    const c = new FifoArena(this.size);
    // Compaction reads these columns and writes fresh ones: they are shared only until then.
    c.key = this.key;
    c.lo = this.lo;
    c.hi = this.hi;
    c.top = this.top;
    c.waste = this.waste;
    c.base = this.base.slice();
    c.cap = this.cap.slice();
    c.head = this.head.slice();
    c.end = this.end.slice();
    c.has = this.has.slice();
    c.#compact();
    return c;
  }

  get bytes(): number {
    return this.key.byteLength + this.lo.byteLength + this.hi.byteLength + this.base.byteLength * 4 + this.has.byteLength;
  }
}

/** A growable Int32 column. */
class IntColumn {
  data = new Int32Array(1024);
  length = 0;
  /** Makes room for `n` entries at once (pages not yet written cost no memory). */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const d = new Int32Array(n);
    d.set(this.data.subarray(0, this.length));
    this.data = d;
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
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
export class PieceLog implements PieceStore {
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
  /** Makes room for `n` pieces at once. */
  reserve(n: number): void {
    this.seq.reserve(n);
    this.key.reserve(n);
    if (this.withAux) this.aux.reserve(n);
    if (this.withAmount) this.amount.reserve(n);
  }
  /** {@link push} with the amount as a pair of numbers (see {@link limbsToBig}). */
  pushLimbs(seq: number, key: number, aux: number, lo: number, hi: number): void {
    this.seq.push(seq);
    this.key.push(key);
    if (this.withAux) this.aux.push(aux);
    if (this.withAmount) this.amount.pushLimbs(lo, hi);
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
 * Walks wallet `w`'s own transfers before seq `hi` in order (self-transfers are not in the adjacency): `onIn` for
 * an inflow, `onOut` for an outflow.
 */
export function walkOwnTransfers(model: TraceModel, w: number, hi: number, onIn: (s: number) => void, onOut: (s: number) => void): void {
  let i = model.inStart[w]!;
  let j = model.outStart[w]!;
  const ie = model.inStart[w + 1]!;
  const je = model.outStart[w + 1]!;
  for (;;) {
    const si = i < ie ? model.inSeq[i]! : Infinity;
    const sj = j < je ? model.outSeq[j]! : Infinity;
    const s = Math.min(si, sj);
    if (s >= hi) return;
    if (s === si) {
      i++;
      onIn(s);
    } else {
      j++;
      onOut(s);
    }
  }
}

/** The key of a transfer that carried nothing in a {@link DensePieceLog}. */
const EMPTY_KEY = -0x7fff_fffe;

/**
 * What transfers carried when nearly every transfer carries something (lot provenance), in fewer bytes than a
 * {@link PieceLog}: per transfer the index of its first piece (4 bytes; a transfer that carried nothing holds
 * one empty piece), per piece its key (4 bytes), and an amount (8 bytes) for every piece but a transfer's first,
 * whose amount is the transfer's less the others' (they add up to the transfer's amount).
 */
export class DensePieceLog implements PieceStore {
  start = new IntColumn();
  key = new IntColumn();
  amount = new BigColumn();
  get length(): number {
    return this.key.length;
  }
  /** Transfers recorded (the last ones with no piece may be missing: they carried nothing). */
  get transfers(): number {
    return this.start.length;
  }
  push(seq: number, key: number, _aux: number, amount: bigint): void {
    setBig(amount);
    this.pushLimbs(seq, key, _aux, R.lo, R.hi);
  }
  pushLimbs(seq: number, key: number, _aux: number, lo: number, hi: number): void {
    if (seq < this.start.length - 1) throw new RangeError(`pieces of transfer ${seq} after transfer ${this.start.length - 1}`);
    if (seq === this.start.length - 1) {
      this.key.push(key);
      this.amount.pushLimbs(lo, hi);
      return;
    }
    while (this.start.length < seq) {
      this.start.push(this.key.length);
      this.key.push(EMPTY_KEY);
    }
    this.start.push(this.key.length);
    this.key.push(key);
  }
  /** The pieces of transfer `seq`: indices [lo, hi). */
  range(seq: number): [number, number] {
    if (seq >= this.start.length) return [this.key.length, this.key.length];
    const lo = this.start.data[seq]!;
    if (this.key.data[lo] === EMPTY_KEY) return [lo, lo];
    return [lo, seq + 1 < this.start.length ? this.start.data[seq + 1]! : this.key.length];
  }
  /** Sets {@link R} to the amount of piece `p` of transfer `seq`. */
  load(model: TraceModel, seq: number, p: number): void {
    if (p > this.start.data[seq]!) return this.amount.load(p - seq - 1);
    const [, up] = this.range(seq);
    loadAmount(model, seq);
    let lo = R.lo;
    let hi = R.hi;
    for (let q = p + 1; q < up; q++) {
      this.amount.load(q - seq - 1);
      subLimbs(lo, hi, R.lo, R.hi);
      lo = R.lo;
      hi = R.hi;
    }
    R.lo = lo;
    R.hi = hi;
  }
  /** The amount of piece `p` of transfer `seq`. */
  get(model: TraceModel, seq: number, p: number): bigint {
    this.load(model, seq, p);
    return limbsToBig(R.lo, R.hi);
  }
  truncate(seq: number): void {
    if (seq >= this.start.length) return;
    const n = this.start.data[seq]!;
    this.key.length = n;
    this.amount.truncate(n - seq);
    this.start.length = seq;
  }
  reserve(n: number): void {
    this.key.reserve(n);
    this.amount.reserve(n);
  }
  /** Makes room for `n` transfers at once. */
  reserveTransfers(n: number): void {
    this.start.reserve(n);
  }
  clone(): DensePieceLog {
    const c = new DensePieceLog();
    c.start = this.start.clone();
    c.key = this.key.clone();
    c.amount = this.amount.clone();
    return c;
  }
  get bytes(): number {
    return this.start.data.byteLength + this.key.data.byteLength + this.amount.bytes;
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
/** What a replay records pieces into: {@link PieceLog} or {@link DensePieceLog}. */
export interface PieceStore {
  readonly length: number;
  readonly bytes: number;
  /** Drops the pieces of transfers `seq` and later. */
  truncate(seq: number): void;
  clone(): PieceStore;
  /** Makes room for `n` pieces at once. */
  reserve(n: number): void;
  push(seq: number, key: number, aux: number, amount: bigint): void;
  pushLimbs(seq: number, key: number, aux: number, lo: number, hi: number): void;
}

export abstract class IncrementalReplay<S, P extends PieceStore = PieceLog> {
  /** Transfers 0..processed-1 are replayed. */
  processed = 0;
  pieces: P;
  protected state: S;
  #snapshots: { seq: number; state: S }[] = [];
  #ring = new Fingerprints();
  /** Statistics: transfers replayed in all (a full replay counts `size`), rollbacks done. */
  readonly stats = { replayed: 0, rollbacks: 0, snapshots: 0 };

  /** @param pieces - the (empty) log to record into, with the columns this replay needs. */
  constructor(pieces: P) {
    this.pieces = pieces;
    this.state = this.emptyState();
  }

  protected abstract emptyState(): S;
  /** A new, empty replay of the same kind and settings. */
  protected abstract spawn(): this;
  protected abstract cloneState(state: S): S;
  /** Applies transfer `s` to the state; records its pieces into `log` unless it is null (re-replaying after a rollback). */
  protected abstract step(model: TraceModel, s: number, state: S, log: P | null): void;

  /** How many pieces a replay of `transfers` transfers is expected to record (room made at once; 0: grow as needed). */
  protected expectedPieces(_transfers: number): number {
    return 0;
  }
  /** Makes room at once for a replay of `transfers` more transfers: the pieces (and, in subclasses, the state). */
  protected reserve(transfers: number): void {
    this.pieces.reserve(this.pieces.length + this.expectedPieces(transfers));
  }

  /** Brings the replay to the model's last transfer (rolling back first when the model diverged). */
  sync(model: TraceModel): void {
    // Room for the pieces at once: growing by copies leaves freed blocks the allocator keeps resident.
    if (model.size - this.processed > 1 << 16) this.reserve(model.size - this.processed);
    let k = Math.min(this.processed, model.size);
    const floor = Math.max(0, this.processed - RING);
    while (k > floor && !this.#ring.same(model, k - 1)) k--;
    if (k === floor && floor > 0 && k < this.processed) k = 0; // diverged deeper than the fingerprints kept

    if (k < this.processed) this.rollback(model, k);
    this.#advance(model, model.size, true);
  }

  /**
   * Whether this replay takes snapshots. One that can rebuild a wallet's state from its own transfers and their
   * recorded pieces (FIFO provenance) takes none and rolls back with {@link rebuild} instead.
   */
  protected get snapshots(): boolean {
    return true;
  }
  /**
   * Replays without snapshots: resets wallet `w`'s state to what it held after transfers 0..k-1, from its own
   * transfers and the pieces recorded for them (the pieces of transfers k and later are already dropped).
   */
  protected rebuild(_model: TraceModel, _w: number, _k: number): void {
    throw new Error("this replay takes snapshots");
  }

  /** Drops everything from transfer `k` on: pieces truncated, state restored from a snapshot and replayed to `k`. */
  rollback(model: TraceModel, k: number): void {
    this.stats.rollbacks++;
    if (!this.snapshots && k > 0 && k >= this.processed - RING) {
      // Only the wallets of the dropped transfers changed (their content is in the fingerprints): each is
      // rebuilt from its own transfers before k (rule C7).
      const touched = new Set<number>();
      for (let s = k; s < this.processed; s++) touched.add(this.#ring.from[s % RING]!).add(this.#ring.to[s % RING]!);
      this.pieces.truncate(k);
      for (const w of touched) if (w !== 0) this.rebuild(model, w, k);
      this.processed = k;
      return;
    }
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
      if (this.snapshots && to - s <= 2 * interval && s - (this.#snapshots.at(-1)?.seq ?? 0) >= interval) this.#snapshot(s);
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
    c.pieces = this.pieces.clone() as P;
    c.state = this.cloneState(this.state);
    c.#snapshots = [...this.#snapshots]; // snapshots are never mutated (restoring clones them)
    c.#ring = this.#ring.clone();
    return c;
  }

  /** The earliest transfer a rollback can restart from without replaying from the start. */
  get oldestSnapshot(): number {
    return this.#snapshots[0]?.seq ?? 0;
  }

  /** Whether a rollback to transfer `k` restarts from a snapshot or rebuilds a few wallets, not from the start. */
  canRollBackTo(k: number): boolean {
    if (k >= this.processed) return true;
    if (!this.snapshots) return k > 0 && k >= this.processed - RING;
    return this.oldestSnapshot > 0 && k >= this.oldestSnapshot;
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
