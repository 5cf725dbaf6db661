import { closeSync, openSync, readSync } from "node:fs";
import { encodeCheckpoint } from "../indexer/checkpoint.js";
import type { Store } from "../indexer/store/store.js";
import { TRANSFER_KINDS, ZERO_ADDRESS } from "../indexer/types.js";
import type { Address, Hex, LedgerEventRow, TransferKind, TransferRow } from "../indexer/types.js";
import { RegistryTimeline } from "./registry.js";

/**
 * The in-memory, column-oriented view of the indexed history that every trace query runs over.
 *
 * - Transfers are numbered by their position in checkpoint order (`seq`, 0-based): comparing seqs compares
 *   times, so "funds leave a wallet only after they arrived" is `seq(out) > seq(in)`.
 * - Wallets are numbered in order of first appearance, block by block (a block's transfers, then its registry
 *   events); wallet 0 is the zero address (the counterpart of mints and burns).
 * - `outSeq[outStart[w] .. outStart[w+1])` are the seqs of wallet w's outgoing transfers, ascending;
 *   `inSeq` / `inStart` the same for incoming ones (a CSR adjacency). Self-transfers (from = to) are left out
 *   of the adjacency: they move nothing (docs/TRACE.md, rule S1), so no walk, replay, degree or alert sees them.
 * - `blockTimes` holds the timestamp of every block the model knows one for (blocks holding a transfer or an
 *   event, and every stored header), so as-of facts use the queried block's own time (rule T1).
 *
 * Compact (docs/TRACE.md, "Model and snapshot"): no per-transfer string or bigint is resident. Amounts are two
 * 32-bit words (amounts ≥ 2^64 in a sparse map), transaction hashes are read from the snapshot's file when needed
 * (32 packed bytes in memory only for transfers appended since), checkpoints are derived from
 * the block, transaction index and log index columns, references are sparse. Read per-transfer values through
 * {@link amountOf}, {@link checkpointOf}, {@link txHashOf} and {@link referenceOf}.
 *
 * A model is a view: its columns are fixed-length windows on growable shared buffers that the live model
 * ({@link ModelBuilder}) appends to in place, so a view never sees a later block half-written. Its adjacency is
 * double-buffered: a view stays valid until the second append after it (hold the current view and at most the one
 * it extends). A rollback rewrites the region after the fork: after one, use the view the builder hands out, not an
 * older one.
 */
export interface TraceModel {
  /** The block the model was built at (its last block), with hash and timestamp when known. */
  readonly tip: { block: number; hash: Hex | null; timestamp: number | null };
  /** Wallet addresses by wallet number (0 = the zero address). */
  readonly address: readonly Address[];
  /** Wallet number by address. */
  readonly walletId: ReadonlyMap<Address, number>;
  /** Number of transfers. */
  readonly size: number;
  /** Sender wallet number, by seq. */
  readonly from: Int32Array;
  /** Recipient wallet number, by seq. */
  readonly to: Int32Array;
  /** Low 32 bits of the amount, by seq (read amounts with {@link amountOf}). */
  readonly amountLo: Uint32Array;
  /** Bits 32–63 of the amount, by seq. */
  readonly amountHi: Uint32Array;
  /** Amounts of 2^64 or more, by seq (their words hold 2^64 - 1). */
  readonly wideAmounts: ReadonlyMap<number, bigint>;
  /** Block number, by seq (non-decreasing). */
  readonly block: Uint32Array;
  /** Timestamp in seconds, by seq (non-decreasing). */
  readonly time: Uint32Array;
  /** Transaction index within the block, by seq. */
  readonly txIndex: Uint32Array;
  /** Log index within the block, by seq. */
  readonly logIndex: Uint32Array;
  /** Index into {@link TRANSFER_KINDS}, by seq. */
  readonly kind: Uint8Array;
  /** Lot number (index into `lots`) of an issue or redemption, else -1, by seq. */
  readonly lot: Int32Array;
  /**
   * Transaction hashes (read with {@link txHashOf}): those of the first `file.count` transfers are read from a file
   * (a snapshot's hash section) when a result needs them, the later ones are held in `memory` (32 bytes each,
   * seq - file.count).
   */
  readonly txHashes: { readonly file: HashFile | null; readonly memory: Uint8Array };
  /** Payment or issue references, by seq, for the transfers that have one. */
  readonly references: ReadonlyMap<number, Hex>;
  /** Lot ids by lot number. */
  readonly lots: readonly Hex[];
  /** Lot number by lot id. */
  readonly lotId: ReadonlyMap<Hex, number>;
  /** Outgoing adjacency offsets (length wallets + 1). */
  readonly outStart: Int32Array;
  /** Outgoing adjacency: seqs, ascending per wallet. */
  readonly outSeq: Int32Array;
  /** Incoming adjacency offsets (length wallets + 1). */
  readonly inStart: Int32Array;
  /** Incoming adjacency: seqs, ascending per wallet. */
  readonly inSeq: Int32Array;
  /** Wallet and lot state over time, from the registry and reserve events. */
  readonly registry: RegistryTimeline;
  /** Seqs of the self-transfers (from = to), ascending: listed in a wallet's history, moving nothing. */
  readonly selfSeq: Int32Array;
  /** Blocks with a known timestamp, ascending, and their timestamps (same index). */
  readonly blockTimes: { readonly block: Float64Array; readonly time: Float64Array };
  /** Reserve coverage events (ReserveShortfall / ReserveShortfallRecovered), in checkpoint order. */
  readonly coverage: readonly LedgerEventRow[];
  /**
   * The registry and reserve events, in checkpoint order. Shared with the live model: a view handed out before
   * an append also lists the later blocks' events (filter by `tip.block`); `address` and `walletId` likewise may
   * hold later wallets (a view's own wallets are the first `outStart.length - 1`).
   */
  readonly events: readonly LedgerEventRow[];
}
/**
 * The timestamp of a block, from the block itself (a transfer, an event or a stored header of that block),
 * never from a neighbour (rule T1).
 * @returns the time, or null with the reason when the model holds nothing of that block.
 */
export function blockTime(model: TraceModel, block: number): { time: number; reason: null } | { time: null; reason: string } {
  const b = model.blockTimes.block;
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b[mid]! < block) lo = mid + 1;
    else hi = mid;
  }
  if (lo < b.length && b[lo] === block) return { time: model.blockTimes.time[lo]!, reason: null };
  return { time: null, reason: `block ${block} holds no indexed event and its header is not in the store (the CLI and the server fetch it from the node; a model built without a store cannot know it)` };
}

/** First index in `list[from..to)` (ascending) with value ≥ x, or `to`. */
export function lowerBound(list: ArrayLike<number>, from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Number of transfers (in and out, self-transfers excluded) that touch wallet `w` with seq in `lo..hi-1`:
 * the degree used for hub skipping, counted within the query's window and up to its block (rule H1).
 */
export function degree(model: TraceModel, w: number, lo = 0, hi = model.size): number {
  if (lo === 0 && hi >= model.size) return model.outStart[w + 1]! - model.outStart[w]! + model.inStart[w + 1]! - model.inStart[w]!;
  const count = (start: Int32Array, list: Int32Array) => {
    const a = start[w]!;
    const b = start[w + 1]!;
    return lowerBound(list, a, b, hi) - lowerBound(list, a, b, lo);
  };
  return count(model.outStart, model.outSeq) + count(model.inStart, model.inSeq);
}

/**
 * Per-transfer accessors. Query code reads amounts, ids, hashes and references only through these, never through
 * the model's columns, so the resident representation can change (compact columns, store look-ups) without
 * touching the queries.
 */
/** The exact amount of transfer `seq`, in base units. */
export function amountOf(model: TraceModel, seq: number): bigint {
  const hi = model.amountHi[seq]!;
  const lo = model.amountLo[seq]!;
  if (hi < 0x20_0000) return BigInt(hi * 0x1_0000_0000 + lo); // below 2^53: one exact double
  if (hi === 0xffff_ffff && lo === 0xffff_ffff) {
    const wide = model.wideAmounts.get(seq);
    if (wide !== undefined) return wide;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

const ZEROS = "0000000000000000";

/**
 * The encoded checkpoint (the transfer's id) of transfer `seq`: `encodeCheckpoint`'s text (block 16 digits,
 * transaction and log index 8 each), padded directly (the columns only hold parts of valid checkpoints).
 */
export function checkpointOf(model: TraceModel, seq: number): string {
  const b = `${model.block[seq]!}`;
  const t = `${model.txIndex[seq]!}`;
  const l = `${model.logIndex[seq]!}`;
  return `${ZEROS.slice(b.length)}${b}${ZEROS.slice(8 + t.length)}${t}${ZEROS.slice(8 + l.length)}${l}`;
}

const hashScratch = Buffer.alloc(32);

/** The transaction hash of transfer `seq` (from the hash file for the transfers it holds, else from memory). */
export function txHashOf(model: TraceModel, seq: number): Hex {
  const { file, memory } = model.txHashes;
  if (file !== null && seq < file.count) file.read(seq, 1, hashScratch);
  else {
    const at = (seq - (file?.count ?? 0)) * 32;
    for (let i = 0; i < 32; i++) hashScratch[i] = memory[at + i]!;
  }
  // One hex string, not 32 pieces joined (a 10,000-edge trace renders 10,000 of them).
  return `0x${hashScratch.toString("hex")}` as Hex;
}

/**
 * The seq of the transfer with transaction hash `hash` and log index `logIndex`, or -1. Reads the hashes in
 * order (the file in 1 MB chunks), comparing bytes: no string per transfer.
 */
export function findTransferByHash(model: TraceModel, hash: Hex, logIndex: number): number {
  const want = new Uint8Array(32);
  hexBytes(hash.toLowerCase(), want, 0, 32);
  const { file, memory } = model.txHashes;
  const fileCount = file === null ? 0 : Math.min(file.count, model.size);
  const matches = (b: Uint8Array, at: number) => {
    for (let k = 0; k < 32; k++) if (b[at + k] !== want[k]) return false;
    return true;
  };
  const CHUNK_ITEMS = 32_768;
  const chunk = fileCount > 0 ? new Uint8Array(CHUNK_ITEMS * 32) : memory;
  for (let lo = 0; lo < fileCount; lo += CHUNK_ITEMS) {
    const n = Math.min(CHUNK_ITEMS, fileCount - lo);
    file!.read(lo, n, chunk);
    for (let i = 0; i < n; i++) if (model.logIndex[lo + i] === logIndex && matches(chunk, i * 32)) return lo + i;
  }
  for (let seq = fileCount; seq < model.size; seq++) {
    if (model.logIndex[seq] === logIndex && matches(memory, (seq - fileCount) * 32)) return seq;
  }
  return -1;
}

/** Closes a hash file's descriptor once no model refers to it any more. */
const closeWhenUnused = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

/**
 * The transaction hashes of a model's first `count` transfers, in a file (32 bytes each from `offset`): a
 * snapshot's hash section. Read on demand, so they are not resident (docs/TRACE.md, L1). The descriptor stays
 * open while a model refers to it, so a snapshot renamed over or removed keeps answering for the models read from it.
 */
export class HashFile {
  /** The open descriptor, shared by the HashFiles cut from this one (closed when the last is collected). */
  readonly #open: { fd: number };

  /**
   * @param path - the file.
   * @param offset - where the hash of transfer 0 starts.
   * @param count - how many transfers' hashes it holds.
   */
  constructor(readonly path: string, readonly offset: number, readonly count: number, open?: { fd: number }) {
    if (open === undefined) {
      open = { fd: openSync(path, "r") };
      closeWhenUnused.register(open, open.fd);
    }
    this.#open = open;
  }

  /** The same file, holding the hashes of its first `count` transfers only (a rollback). */
  cut(count: number): HashFile {
    return new HashFile(this.path, this.offset, Math.min(count, this.count), this.#open);
  }

  /** Reads the hashes of transfers `seq .. seq + n - 1` into `into` (32 bytes each). */
  read(seq: number, n: number, into: Uint8Array): void {
    if (seq < 0 || seq + n > this.count) throw new RangeError(`model: hashes ${seq}..${seq + n - 1} are not in ${this.path} (it holds ${this.count})`);
    const bytes = n * 32;
    for (let off = 0; off < bytes; ) {
      const got = readSync(this.#open.fd, into, off, bytes - off, this.offset + seq * 32 + off);
      if (got === 0) throw new RangeError(`model: ${this.path} ends before the hash of transfer ${seq + Math.floor(off / 32)}`);
      off += got;
    }
  }
}

/** The payment or issue reference of transfer `seq`, or null. */
export function referenceOf(model: TraceModel, seq: number): Hex | null {
  return model.references.get(seq) ?? null;
}

/** The kind of transfer `seq`. */
export function kindOf(model: TraceModel, seq: number): TransferKind {
  return TRANSFER_KINDS[model.kind[seq]!]!;
}

/** Rebuilds a {@link TransferRow} from the model. */
export function transferRow(model: TraceModel, seq: number): TransferRow {
  return {
    checkpoint: checkpointOf(model, seq),
    block: model.block[seq]!,
    txIndex: model.txIndex[seq]!,
    logIndex: model.logIndex[seq]!,
    txHash: txHashOf(model, seq),
    timestamp: model.time[seq]!,
    from: model.address[model.from[seq]!]!,
    to: model.address[model.to[seq]!]!,
    amount: amountOf(model, seq),
    kind: kindOf(model, seq),
    lot: model.lot[seq]! < 0 ? null : model.lots[model.lot[seq]!]!,
    reference: referenceOf(model, seq),
  };
}

/** Most transfers a model holds: its columns reserve address space for this many and commit memory as they fill. */
export const MAX_TRANSFERS = 2 ** 28;
/** Most wallets a model holds. */
export const MAX_WALLETS = 2 ** 27;
const MAX_BLOCKS = 2 ** 28;

type Typed = Int32Array | Uint32Array | Uint8Array | Float64Array;
interface TypedCtor<A extends Typed> {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): A;
  readonly BYTES_PER_ELEMENT: number;
}
const GrowableSAB = SharedArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => SharedArrayBuffer;
const grow = (buffer: SharedArrayBuffer, bytes: number) => (buffer as unknown as { grow(n: number): void }).grow(bytes);

/**
 * A column of fixed-width items on a growable SharedArrayBuffer. It grows in place up to the address space it
 * reserved (views made on it stay valid, and worker threads holding the buffer see the growth); past that it
 * moves once to a buffer reserving 8 times more (earlier views keep the old buffer).
 */
export class Column<A extends Typed> {
  readonly #ctor: TypedCtor<A>;
  readonly #itemBytes: number;
  readonly #maxItems: number;
  #buffer: SharedArrayBuffer;
  #all: A;

  /**
   * @param ctor - the typed array class.
   * @param width - elements per item (32 for a hash in a Uint8Array).
   * @param maxItems - the most items it can ever hold.
   * @param reserve - items to reserve address space for now (memory is committed only as it fills).
   * @param buffer - an existing buffer to attach to (a buffer from another thread).
   */
  constructor(ctor: TypedCtor<A>, readonly width: number, maxItems: number, reserve: number, buffer?: SharedArrayBuffer) {
    this.#ctor = ctor;
    this.#itemBytes = width * ctor.BYTES_PER_ELEMENT;
    this.#maxItems = maxItems;
    this.#buffer = buffer ?? new GrowableSAB(0, { maxByteLength: Math.min(maxItems, Math.max(reserve, 1024)) * this.#itemBytes });
    this.#all = new ctor(this.#buffer);
  }

  /** The buffer holding the column now. */
  get buffer(): SharedArrayBuffer {
    return this.#buffer;
  }

  /** Items the buffer can hold now. */
  get capacity(): number {
    return Math.floor(this.#buffer.byteLength / this.#itemBytes);
  }

  /** The whole buffer as one array (items beyond the model's size are not part of it). */
  get all(): A {
    return this.#all;
  }

  /** Makes room for `items` items. @throws RangeError past the column's maximum. */
  ensure(items: number): A {
    if (items <= this.capacity) return this.#all;
    if (items > this.#maxItems) throw new RangeError(`model: more than ${this.#maxItems} items in one column`);
    const reserved = (this.#buffer as unknown as { maxByteLength: number }).maxByteLength / this.#itemBytes;
    const next = Math.min(this.#maxItems, Math.max(items, Math.ceil(this.capacity * 1.25) + 1024));
    if (next > reserved) {
      const moved = new GrowableSAB(next * this.#itemBytes, { maxByteLength: Math.min(this.#maxItems, Math.max(next, reserved * 8)) * this.#itemBytes });
      new Uint8Array(moved).set(new Uint8Array(this.#buffer));
      this.#buffer = moved;
    } else grow(this.#buffer, next * this.#itemBytes);
    this.#all = new this.#ctor(this.#buffer);
    return this.#all;
  }

  /** A fixed-length view of the first `items` items. */
  view(items: number): A {
    return new this.#ctor(this.#buffer, 0, items * this.width);
  }
}

/** Stored headers (hash known) a model remembers, newest last: a reorg's fork is looked for among them. */
const RECENT_TIPS = 1024;

/**
 * Where a CSR adjacency (one direction) is written: growable columns for the offsets and the list. A builder keeps
 * two pairs of them and writes each new adjacency into the pair its view before the current one used (L3).
 */
export interface CsrTarget {
  start: Column<Int32Array>;
  list: Column<Int32Array>;
}

/**
 * @internal Columns for one side of a snapshot's adjacency (`wallets` offsets, `entries` list items), so that the
 * restored builder appends into them like into the ones it wrote itself: a restored model then keeps two
 * adjacencies in all, not three.
 */
export function csrTargetFor(wallets: number, entries: number): CsrTarget {
  return csrRoom(null, wallets, entries);
}

/** Room in a target for `wallets` offsets and `entries` list items (address space reserved with a quarter spare). */
function csrRoom(target: CsrTarget | null, wallets: number, entries: number): CsrTarget {
  const t = target ?? {
    start: new Column(Int32Array, 1, MAX_WALLETS + 1, Math.ceil((wallets + 1) * 1.25) + 1024),
    list: new Column(Int32Array, 1, MAX_TRANSFERS, Math.ceil(entries * 1.25) + 1024),
  };
  t.start.ensure(wallets + 1);
  t.list.ensure(Math.max(1, entries));
  return t;
}

/** A wallet-sized scratch of zeros for {@link appendCsr} (left all zeros after each use). */
let csrScratch = new Int32Array(1024);

/**
 * Adds transfers `lo..hi-1` to a CSR adjacency (`side` names the wallet whose list a transfer joins), writing the
 * new arrays into `target` (which must not hold `start` or `list`). Old segments are moved as whole runs, so the
 * cost is one copy of the list plus a pass over the wallets.
 */
function appendCsr(
  start: Int32Array | null, list: Int32Array | null, wallets: number,
  side: Int32Array, from: Int32Array, to: Int32Array, lo: number, hi: number, target: CsrTarget | null,
): [Int32Array, Int32Array, CsrTarget] {
  const oldW = start === null ? 0 : start.length - 1;
  const oldE = start === null ? 0 : start[oldW]!;
  if (csrScratch.length < wallets + 1) csrScratch = new Int32Array(Math.ceil((wallets + 1) * 1.25));
  const add = csrScratch;
  const touched: number[] = [];
  let total = 0;
  for (let s = lo; s < hi; s++) {
    if (from[s] === to[s]) continue;
    const w = side[s]!;
    if (add[w]++ === 0) touched.push(w);
    total++;
  }
  let room: CsrTarget;
  try {
    room = csrRoom(target, wallets, oldE + total);
  } catch (error) {
    for (const w of touched) add[w] = 0;
    throw error;
  }
  const newStart = room.start.view(wallets + 1);
  const newList = room.list.view(oldE + total);
  let shift = 0;
  for (let w = 0; w < wallets; w++) {
    newStart[w] = (w < oldW ? start![w]! : oldE) + shift;
    shift += add[w]!;
  }
  newStart[wallets] = oldE + total;
  if (touched.length * 8 > wallets) {
    touched.length = 0;
    for (let w = 0; w < wallets; w++) if (add[w]! > 0) touched.push(w);
  } else touched.sort((a, b) => a - b);
  let copied = 0;
  shift = 0;
  for (const w of touched) {
    const oldEnd = w < oldW ? start![w + 1]! : oldE;
    if (oldEnd > copied) newList.set(list!.subarray(copied, oldEnd), copied + shift);
    const n = add[w]!;
    add[w] = oldEnd + shift; // now: where w's next new entry goes
    shift += n;
    copied = oldEnd;
  }
  if (oldE > copied) newList.set(list!.subarray(copied, oldE), copied + shift);
  for (let s = lo; s < hi; s++) if (from[s] !== to[s]) newList[add[side[s]!]!++] = s; // ascending s: sorted
  for (const w of touched) add[w] = 0;
  return [newStart, newList, room];
}

/** A CSR adjacency cut to its first `wallets` wallets and to seqs below `size` (a rollback), written into `target`. */
function truncateCsr(start: Int32Array, list: Int32Array, wallets: number, size: number, target: CsrTarget | null): [Int32Array, Int32Array, CsrTarget] {
  let n = 0;
  for (let w = 0; w < wallets; w++) n += lowerBound(list, start[w]!, start[w + 1]!, size) - start[w]!;
  const room = csrRoom(target, wallets, n);
  const newStart = room.start.view(wallets + 1);
  const newList = room.list.view(n);
  n = 0;
  for (let w = 0; w < wallets; w++) {
    newStart[w] = n;
    const k = lowerBound(list, start[w]!, start[w + 1]!, size) - start[w]!;
    newList.set(list.subarray(start[w]!, start[w]! + k), n);
    n += k;
  }
  newStart[wallets] = n;
  return [newStart, newList, room];
}

/** Value of each hex digit by character code. */
const NIBBLE = new Uint8Array(128);
for (let i = 0; i < 16; i++) NIBBLE["0123456789abcdef".charCodeAt(i)] = NIBBLE["0123456789ABCDEF".charCodeAt(i)] = i;

/** Writes the bytes of a `0x…` hex string into `out` at `at`. */
const hexBytes = (hex: string, out: Uint8Array, at: number, bytes: number) => {
  for (let i = 0, k = 2; i < bytes; i++, k += 2) out[at + i] = (NIBBLE[hex.charCodeAt(k)]! << 4) | NIBBLE[hex.charCodeAt(k + 1)]!;
};

const TWO64 = 1n << 64n;

/** The address of a store wallet id in a scan's address table. */
function addressOfId(addresses: readonly (Address | undefined)[], id: number): Address {
  const a = addresses[id];
  if (a === undefined) throw new RangeError(`model: a transfer refers to wallet id ${id}, which is not in the store's wallets table`);
  return a;
}

/** The columns of a model, by name: what a snapshot writes and a worker thread attaches to. */
export interface ModelColumns {
  from: Column<Int32Array>;
  to: Column<Int32Array>;
  amountLo: Column<Uint32Array>;
  amountHi: Column<Uint32Array>;
  block: Column<Uint32Array>;
  time: Column<Uint32Array>;
  txIndex: Column<Uint32Array>;
  logIndex: Column<Uint32Array>;
  kind: Column<Uint8Array>;
  lot: Column<Int32Array>;
  txHashes: Column<Uint8Array>;
  selfSeq: Column<Int32Array>;
  timesBlock: Column<Float64Array>;
  timesTime: Column<Float64Array>;
  walletBlock: Column<Uint32Array>;
}

/** Makes empty columns, or attaches to existing buffers. */
export function makeColumns(transfers = 0, buffers?: Record<keyof ModelColumns, SharedArrayBuffer>): ModelColumns {
  const b = buffers ?? ({} as Partial<Record<keyof ModelColumns, SharedArrayBuffer>>);
  const t = Math.ceil(transfers * 1.5);
  const w = Math.ceil(t / 4);
  return {
    from: new Column(Int32Array, 1, MAX_TRANSFERS, t, b.from),
    to: new Column(Int32Array, 1, MAX_TRANSFERS, t, b.to),
    amountLo: new Column(Uint32Array, 1, MAX_TRANSFERS, t, b.amountLo),
    amountHi: new Column(Uint32Array, 1, MAX_TRANSFERS, t, b.amountHi),
    block: new Column(Uint32Array, 1, MAX_TRANSFERS, t, b.block),
    time: new Column(Uint32Array, 1, MAX_TRANSFERS, t, b.time),
    txIndex: new Column(Uint32Array, 1, MAX_TRANSFERS, t, b.txIndex),
    logIndex: new Column(Uint32Array, 1, MAX_TRANSFERS, t, b.logIndex),
    kind: new Column(Uint8Array, 1, MAX_TRANSFERS, t, b.kind),
    lot: new Column(Int32Array, 1, MAX_TRANSFERS, t, b.lot),
    txHashes: new Column(Uint8Array, 32, MAX_TRANSFERS, t, b.txHashes),
    selfSeq: new Column(Int32Array, 1, MAX_TRANSFERS, t, b.selfSeq),
    timesBlock: new Column(Float64Array, 1, MAX_BLOCKS, t, b.timesBlock),
    timesTime: new Column(Float64Array, 1, MAX_BLOCKS, t, b.timesTime),
    walletBlock: new Column(Uint32Array, 1, MAX_WALLETS, w, b.walletBlock),
  };
}

/**
 * Where a view of a live model stands in its builder's history: its line (one per builder, renewed by every
 * rollback) and its size. A view extends another when both have the same line and it is at least as large: the
 * same transfers with the same wallet and lot numbers, followed by newer ones. Replays kept for the older view
 * (provenance, exposure) then carry over and only append (src/trace/replay.ts). A rollback or a rebuild starts a
 * new line, so replays start over. The lineage holds no view, so an old view (and its adjacency) is freed as soon
 * as no one uses it.
 */
export interface Lineage {
  readonly line: object;
  readonly size: number;
}
const lineages = new WeakMap<TraceModel, Lineage>();

/** The lineage of a view a {@link ModelBuilder} handed out (undefined for other models). */
export function lineageOf(model: TraceModel): Lineage | undefined {
  return lineages.get(model);
}

/** Whether `model` extends the view whose lineage is `earlier` (see {@link Lineage}). */
export function extendsLineage(model: TraceModel, earlier: Lineage): boolean {
  const l = lineages.get(model);
  return l !== undefined && l.line === earlier.line && l.size >= earlier.size;
}

/** How many builds from rows, appends and rollbacks this process has done (tests count them: "appended, not rebuilt"). */
export const modelCounters = { builds: 0, appends: 0, rollbacks: 0, snapshotLoads: 0 };

/** The builder (live model) behind each model view it handed out. */
const owners = new WeakMap<TraceModel, ModelBuilder>();

/** The live model a view came from, if it is still that builder's current view. */
export function liveBuilder(model: TraceModel): ModelBuilder | null {
  const b = owners.get(model);
  return b !== undefined && b.current === model ? b : null;
}

/**
 * The live model: compact columns that grow in place as blocks arrive ({@link ModelBuilder.append}), roll back on a
 * reorg ({@link ModelBuilder.rollback}), and hand out a consistent {@link TraceModel} view after each step.
 * @example const b = new ModelBuilder(); rows.forEach((r) => b.addTransfer(r)); const model = b.finish(events, tip);
 */
export class ModelBuilder {
  /** The columns (shared buffers). */
  readonly columns: ModelColumns;
  readonly #address: Address[] = [ZERO_ADDRESS];
  readonly #walletId = new Map<Address, number>([[ZERO_ADDRESS, 0]]);
  readonly #lots: Hex[] = [];
  readonly #lotId = new Map<Hex, number>();
  readonly #lotBlock: number[] = [];
  readonly #wide = new Map<number, bigint>();
  readonly #refs = new Map<number, Hex>();
  #events: LedgerEventRow[] = [];
  #registry = new RegistryTimeline([]);
  #coverage: LedgerEventRow[] = [];
  #size = 0;
  #selfSize = 0;
  #timesSize = 0;
  readonly #pendingTimes = new Map<number, number>();
  #csr: { outStart: Int32Array; outSeq: Int32Array; inStart: Int32Array; inSeq: Int32Array; size: number } | null = null;
  /** The columns holding {@link #csr} (null: it is on buffers of its own, as read from a snapshot). */
  #csrLive: { out: CsrTarget; in: CsrTarget } | null = null;
  /** The columns the next adjacency is written into: those of the view before the current one (L3). */
  #csrSpare: { out: CsrTarget; in: CsrTarget } | null = null;
  #tip: TraceModel["tip"] = { block: 0, hash: null, timestamp: null };
  /** This builder's line of views (see {@link Lineage}): renewed by a rollback. */
  #line: object = {};
  /** Recent tips with their hashes (newest last): where a reorg's fork is looked for. */
  readonly #recent: { block: number; hash: Hex }[] = [];
  #current: TraceModel | null = null;
  /** The file holding the hashes of the first {@link #hashBase} transfers (null: all are in memory). */
  #hashFile: HashFile | null = null;
  /** Transfers whose hashes are in {@link #hashFile}; the column `txHashes` holds those after them. */
  #hashBase = 0;

  /** @param columns - columns to start from, or `transfers`: about how many transfers to reserve room for. */
  constructor(columns?: ModelColumns | { transfers: number }) {
    this.columns = columns === undefined || "transfers" in columns ? makeColumns(columns?.transfers ?? 0) : columns;
    this.columns.walletBlock.ensure(1)[0] = 0;
  }

  /** Number of transfers added so far. */
  get size(): number {
    return this.#size;
  }

  /** The last view handed out (null before the first {@link finish} or {@link append}). */
  get current(): TraceModel | null {
    return this.#current;
  }

  #wallet(address: Address, block: number): number {
    let id = this.#walletId.get(address);
    if (id === undefined) {
      id = this.#address.length;
      this.#address.push(address);
      this.#walletId.set(address, id);
      this.columns.walletBlock.ensure(id + 1)[id] = block;
    }
    return id;
  }

  #lotNumber(lot: Hex, block: number): number {
    let id = this.#lotId.get(lot);
    if (id === undefined) {
      id = this.#lots.length;
      this.#lots.push(lot);
      this.#lotId.set(lot, id);
      this.#lotBlock.push(block);
    }
    return id;
  }

  /**
   * Appends one transfer to the columns (the adjacency follows at {@link finish} or {@link append}).
   * @throws RangeError when `row` does not come strictly after the previous one in checkpoint order.
   */
  addTransfer(row: TransferRow): void {
    this.#check(row.block, row.txIndex, row.logIndex);
    const from = this.#wallet(row.from, row.block);
    const to = this.#wallet(row.to, row.block);
    this.#put(row.block, row.txIndex, row.logIndex, row.txHash, row.timestamp, from, to, row.amount, row.kind, row.lot, row.reference);
  }

  /** @throws RangeError when a transfer at (block, txIndex, logIndex) does not come strictly after the last one. */
  #check(block: number, txIndex: number, logIndex: number): void {
    const i = this.#size;
    if (i === 0) return;
    const c = this.columns;
    const pb = c.block.all[i - 1]!;
    const pt = c.txIndex.all[i - 1]!;
    const pl = c.logIndex.all[i - 1]!;
    if (block < pb || (block === pb && (txIndex < pt || (txIndex === pt && logIndex <= pl)))) {
      throw new RangeError(`model: transfer ${encodeCheckpoint({ block, txIndex, logIndex })} does not come after ${encodeCheckpoint({ block: pb, txIndex: pt, logIndex: pl })}`);
    }
  }

  /**
   * Adds the transfers of a store's scan ({@link Store.scanTransfers}) with the registry and reserve events among
   * them, exactly as {@link addRows} adds the same rows (a block's transfers, then its events; wallets numbered in
   * the same order), without an object per row.
   * @param events - the events of the scanned range, in checkpoint order.
   * @param onProgress - called every 100,000 transfers with the transfers added so far.
   */
  addScan(scan: ReturnType<NonNullable<Store["scanTransfers"]>>, events: readonly LedgerEventRow[], onProgress?: (transfers: number) => void): void {
    const { addresses } = scan;
    /** Model wallet number + 1 by store wallet id (0: not met yet). */
    let byId = new Int32Array(Math.max(1024, addresses.length + 1));
    let j = 0;
    for (const [block, txIndex, logIndex, txHash, timestamp, fromId, toId, amount, kind, lot, reference] of scan.rows) {
      while (j < events.length && events[j]!.block < block) this.#addEvent(events[j++]!);
      this.#check(block, txIndex, logIndex);
      if (fromId >= byId.length || toId >= byId.length) {
        const bigger = new Int32Array(Math.max(fromId, toId) * 2 + 1);
        bigger.set(byId);
        byId = bigger;
      }
      let from = byId[fromId]! - 1;
      if (from < 0) byId[fromId] = (from = this.#wallet(addressOfId(addresses, fromId), block)) + 1;
      let to = byId[toId]! - 1;
      if (to < 0) byId[toId] = (to = this.#wallet(addressOfId(addresses, toId), block)) + 1;
      // Below 10^15 the text is an exact double: no bigint on the way.
      this.#put(block, txIndex, logIndex, txHash, timestamp, from, to, amount.length < 16 ? Number(amount) : BigInt(amount), kind, lot, reference);
      if (onProgress !== undefined && this.#size % 100_000 === 0) onProgress(this.#size);
    }
    while (j < events.length) this.#addEvent(events[j++]!);
  }

  #put(
    block: number, txIndex: number, logIndex: number, txHash: Hex, timestamp: number, from: number, to: number,
    amount: bigint | number, kind: TransferKind, lot: Hex | null, reference: Hex | null,
  ): void {
    const i = this.#size;
    const c = this.columns;
    if (i >= c.from.capacity) for (const col of [c.from, c.to, c.amountLo, c.amountHi, c.block, c.time, c.txIndex, c.logIndex, c.kind, c.lot]) col.ensure(i + 1);
    const h = i - this.#hashBase;
    if (h >= c.txHashes.capacity) c.txHashes.ensure(h + 1);
    c.from.all[i] = from;
    c.to.all[i] = to;
    if (typeof amount === "number") {
      if (!(amount >= 0) || !Number.isSafeInteger(amount)) throw new RangeError(`model: transfer ${encodeCheckpoint({ block, txIndex, logIndex })} has amount ${amount}, not a non-negative integer`);
      c.amountLo.all[i] = amount >>> 0;
      c.amountHi.all[i] = Math.floor(amount / 0x1_0000_0000);
    } else if (amount < 0n) throw new RangeError(`model: transfer ${encodeCheckpoint({ block, txIndex, logIndex })} has a negative amount`);
    else if (amount >= TWO64) {
      this.#wide.set(i, amount);
      c.amountLo.all[i] = 0xffff_ffff;
      c.amountHi.all[i] = 0xffff_ffff;
    } else if (amount <= 0x1f_ffff_ffff_ffffn) {
      const n = Number(amount);
      c.amountLo.all[i] = n >>> 0;
      c.amountHi.all[i] = Math.floor(n / 0x1_0000_0000);
    } else {
      c.amountLo.all[i] = Number(amount & 0xffff_ffffn);
      c.amountHi.all[i] = Number(amount >> 32n);
    }
    if (i === 0 || c.block.all[i - 1] !== block) this.#pendingTimes.set(block, timestamp);
    c.block.all[i] = block;
    c.time.all[i] = timestamp;
    c.txIndex.all[i] = txIndex;
    c.logIndex.all[i] = logIndex;
    c.kind.all[i] = TRANSFER_KINDS.indexOf(kind);
    c.lot.all[i] = lot === null ? -1 : this.#lotNumber(lot, block);
    hexBytes(txHash, c.txHashes.all, h * 32, 32);
    if (reference !== null) this.#refs.set(i, reference);
    if (from === to) c.selfSeq.ensure(this.#selfSize + 1)[this.#selfSize++] = i;
    this.#size = i + 1;
  }

  #addEvent(e: LedgerEventRow): void {
    const last = this.#events.at(-1);
    if (last !== undefined && e.checkpoint <= last.checkpoint) throw new RangeError(`model: event ${e.checkpoint} does not come after ${last.checkpoint}`);
    this.#events.push(e);
    const touched = this.#registry.apply(e);
    if (touched.wallet !== undefined) this.#wallet(touched.wallet, e.block);
    if (touched.lot !== undefined) this.#lotNumber(touched.lot, e.block);
    if (e.name === "ReserveShortfall" || e.name === "ReserveShortfallRecovered") this.#coverage.push(e);
    this.#pendingTimes.set(e.block, e.timestamp);
  }

  /**
   * Adds transfers and events block by block (a block's transfers, then its events), so wallets are numbered in
   * the same order however the history is cut into batches. The adjacency follows at the next {@link append}
   * (which may add nothing more): a view never shows rows added this way before then. A batch may end inside a
   * block only if the block's events come with the next batch.
   */
  addRows(transfers: readonly TransferRow[], events: readonly LedgerEventRow[]): void {
    let j = 0;
    for (const t of transfers) {
      while (j < events.length && events[j]!.block < t.block) this.#addEvent(events[j++]!);
      this.addTransfer(t);
    }
    while (j < events.length) this.#addEvent(events[j++]!);
  }

  /** Records block times, builds the adjacency of the new transfers, sets the tip and hands out the new view. */
  #seal(tip: TraceModel["tip"], headers: readonly { number: number; timestamp: number; hash?: Hex }[]): TraceModel {
    for (const h of headers) this.#pendingTimes.set(h.number, h.timestamp);
    if (tip.timestamp !== null) this.#pendingTimes.set(tip.block, tip.timestamp);
    this.#mergeTimes();
    const c = this.columns;
    const n = this.#size;
    const wallets = this.#address.length;
    const from = c.from.view(n);
    const to = c.to.view(n);
    const old = this.#csr;
    if (old === null || old.size !== n || old.outStart.length !== wallets + 1) {
      const lo = old?.size ?? 0;
      const spare = this.#csrSpare;
      const [outStart, outSeq, outRoom] = appendCsr(old?.outStart ?? null, old?.outSeq ?? null, wallets, from, from, to, lo, n, spare?.out ?? null);
      const [inStart, inSeq, inRoom] = appendCsr(old?.inStart ?? null, old?.inSeq ?? null, wallets, to, from, to, lo, n, spare?.in ?? null);
      this.#useCsr({ outStart, outSeq, inStart, inSeq, size: n }, { out: outRoom, in: inRoom });
    }
    this.#tip = tip;
    const known = [...headers.filter((x): x is { number: number; timestamp: number; hash: Hex } => typeof (x as { hash?: unknown }).hash === "string").map((x) => ({ block: x.number, hash: x.hash }))];
    if (tip.hash !== null) known.push({ block: tip.block, hash: tip.hash });
    for (const k of known.sort((a, b) => a.block - b.block)) {
      while (this.#recent.length > 0 && this.#recent.at(-1)!.block >= k.block) this.#recent.pop();
      this.#recent.push(k);
    }
    if (this.#recent.length > RECENT_TIPS) this.#recent.splice(0, this.#recent.length - RECENT_TIPS);
    return this.#view();
  }

  /**
   * Makes `csr` (written into `columns`) the current adjacency; the columns of the one it replaces take the next
   * (double buffering: no adjacency-sized garbage per append, and a view stays valid until the second append after
   * it, L3).
   */
  #useCsr(csr: { outStart: Int32Array; outSeq: Int32Array; inStart: Int32Array; inSeq: Int32Array; size: number }, columns: { out: CsrTarget; in: CsrTarget }): void {
    this.#csrSpare = this.#csrLive;
    this.#csrLive = columns;
    this.#csr = csr;
  }

  #mergeTimes(): void {
    if (this.#pendingTimes.size === 0) return;
    const c = this.columns;
    const k = this.#timesSize;
    const lastKnown = k === 0 ? -1 : c.timesBlock.all[k - 1]!;
    // Blocks whose time is already held (the tip's, when the model reseals) change nothing.
    for (const [b, t] of this.#pendingTimes) {
      if (b > lastKnown) continue;
      const at = lowerBound(c.timesBlock.all, 0, k, b);
      if (at < k && c.timesBlock.all[at] === b) {
        c.timesTime.all[at] = t;
        this.#pendingTimes.delete(b);
      }
    }
    if (this.#pendingTimes.size === 0) return;
    const blocks = [...this.#pendingTimes.keys()].sort((a, b) => a - b);
    if (blocks[0]! > lastKnown) {
      c.timesBlock.ensure(k + blocks.length);
      c.timesTime.ensure(k + blocks.length);
      blocks.forEach((b, i) => {
        c.timesBlock.all[k + i] = b;
        c.timesTime.all[k + i] = this.#pendingTimes.get(b)!;
      });
      this.#timesSize = k + blocks.length;
    } else {
      // A header of an older block (fetched on demand): merge.
      const all = new Map<number, number>();
      for (let i = 0; i < k; i++) all.set(c.timesBlock.all[i]!, c.timesTime.all[i]!);
      for (const [b, t] of this.#pendingTimes) all.set(b, t);
      const sorted = [...all.keys()].sort((a, b) => a - b);
      c.timesBlock.ensure(sorted.length);
      c.timesTime.ensure(sorted.length);
      sorted.forEach((b, i) => {
        c.timesBlock.all[i] = b;
        c.timesTime.all[i] = all.get(b)!;
      });
      this.#timesSize = sorted.length;
    }
    this.#pendingTimes.clear();
  }

  #view(): TraceModel {
    const c = this.columns;
    const n = this.#size;
    const csr = this.#csr!;
    const model: TraceModel = {
      tip: this.#tip,
      address: this.#address,
      walletId: this.#walletId,
      size: n,
      from: c.from.view(n),
      to: c.to.view(n),
      amountLo: c.amountLo.view(n),
      amountHi: c.amountHi.view(n),
      wideAmounts: this.#wide,
      block: c.block.view(n),
      time: c.time.view(n),
      txIndex: c.txIndex.view(n),
      logIndex: c.logIndex.view(n),
      kind: c.kind.view(n),
      lot: c.lot.view(n),
      txHashes: { file: this.#hashFile, memory: c.txHashes.view(n - this.#hashBase) },
      references: this.#refs,
      lots: this.#lots,
      lotId: this.#lotId,
      outStart: csr.outStart,
      outSeq: csr.outSeq,
      inStart: csr.inStart,
      inSeq: csr.inSeq,
      registry: this.#registry,
      selfSeq: c.selfSeq.view(this.#selfSize),
      blockTimes: { block: c.timesBlock.view(this.#timesSize), time: c.timesTime.view(this.#timesSize) },
      coverage: [...this.#coverage],
      events: this.#events,
    };
    this.#current = model;
    owners.set(model, this);
    lineages.set(model, { line: this.#line, size: n });
    return model;
  }

  /**
   * Finishes a model from the transfers added with {@link addTransfer}: adds the events, builds the adjacency.
   * @param events - registry and reserve events, in checkpoint order.
   * @param tip - the block the history ends at.
   * @param headers - stored block headers (their timestamps join those of the rows' blocks).
   */
  finish(events: readonly LedgerEventRow[], tip: TraceModel["tip"], headers: readonly { number: number; timestamp: number }[] = []): TraceModel {
    for (const e of events) this.#addEvent(e);
    modelCounters.builds++;
    return this.#seal(tip, headers);
  }

  /**
   * Appends the rows of the blocks after the tip, in place: the columns grow, the adjacency takes the new
   * transfers (old segments moved as whole runs), the registry applies the new events. The returned view holds
   * every new block whole; views handed out earlier stay as they were.
   * @param transfers - the new transfers, in checkpoint order, after every transfer already held.
   * @param events - the new registry and reserve events, in checkpoint order.
   * @param tip - the new tip.
   * @param headers - headers of the new blocks (for their timestamps).
   */
  append(transfers: readonly TransferRow[], events: readonly LedgerEventRow[], tip: TraceModel["tip"], headers: readonly { number: number; timestamp: number }[] = []): TraceModel {
    if (this.#current !== null && tip.block < this.#tip.block) throw new RangeError(`model: cannot append up to block ${tip.block}, below the tip ${this.#tip.block}`);
    const previous = this.#current;
    this.addRows(transfers, events);
    if (previous !== null) modelCounters.appends++;
    else modelCounters.builds++;
    return this.#seal(tip, headers);
  }

  /**
   * Rolls the model back to the end of `block` (a reorg): every transfer, event, wallet, lot and block time after
   * it goes. In place: views handed out before are no longer valid.
   * @param tip - the store's tip after its rollback (block `block`, with its hash).
   */
  rollback(tip: TraceModel["tip"]): TraceModel {
    const block = tip.block;
    const c = this.columns;
    const n = lowerBound(c.block.all, 0, this.#size, block + 1);
    for (const k of this.#wide.keys()) if (k >= n) this.#wide.delete(k);
    for (const k of this.#refs.keys()) if (k >= n) this.#refs.delete(k);
    this.#size = n;
    if (n < this.#hashBase) {
      // Below the hash file's end: it still answers for the seqs kept; none are in memory.
      this.#hashBase = n;
      this.#hashFile = this.#hashFile!.cut(n);
    }
    this.#selfSize = lowerBound(c.selfSeq.all, 0, this.#selfSize, n);
    this.#timesSize = lowerBound(c.timesBlock.all, 0, this.#timesSize, block + 1);
    this.#pendingTimes.clear();
    const keep = this.#events.findIndex((e) => e.block > block);
    if (keep >= 0) {
      this.#events = this.#events.slice(0, keep);
      this.#registry = new RegistryTimeline(this.#events);
      this.#coverage = this.#events.filter((e) => e.name === "ReserveShortfall" || e.name === "ReserveShortfallRecovered");
    }
    let wallets = this.#address.length;
    while (wallets > 1 && c.walletBlock.all[wallets - 1]! > block) wallets--;
    for (const a of this.#address.splice(wallets)) this.#walletId.delete(a);
    let lots = this.#lots.length;
    while (lots > 0 && this.#lotBlock[lots - 1]! > block) lots--;
    for (const l of this.#lots.splice(lots)) this.#lotId.delete(l);
    this.#lotBlock.length = lots;
    const csr = this.#csr!;
    const spare = this.#csrSpare;
    const [outStart, outSeq, outRoom] = truncateCsr(csr.outStart, csr.outSeq, wallets, n, spare?.out ?? null);
    const [inStart, inSeq, inRoom] = truncateCsr(csr.inStart, csr.inSeq, wallets, n, spare?.in ?? null);
    this.#useCsr({ outStart, outSeq, inStart, inSeq, size: n }, { out: outRoom, in: inRoom });
    while (this.#recent.length > 0 && this.#recent.at(-1)!.block > block) this.#recent.pop();
    modelCounters.rollbacks++;
    this.#line = {};
    return this.#seal(tip, []);
  }

  /** Recent tips with their hashes, newest last (where a reorg's fork is looked for). */
  get recentTips(): readonly { block: number; hash: Hex }[] {
    return this.#recent;
  }

  /** The last event's checkpoint, or undefined. */
  get lastEventCheckpoint(): string | undefined {
    return this.#events.at(-1)?.checkpoint;
  }

  /**
   * @internal After a snapshot holding the hashes of every transfer so far was written: read them from it from
   * now on, and free the memory that held them (views handed out before keep theirs).
   */
  useHashFile(file: HashFile): void {
    if (file.count !== this.#size) throw new RangeError(`model: a hash file of ${file.count} transfers for a model of ${this.#size}`);
    this.#hashFile = file;
    this.#hashBase = file.count;
    const c = this.columns as { txHashes: Column<Uint8Array> };
    c.txHashes = new Column(Uint8Array, 32, MAX_TRANSFERS, 1 << 16);
  }

  /** @internal The state a snapshot writes besides the columns. */
  state() {
    return {
      hashFile: this.#hashFile, hashBase: this.#hashBase,
      size: this.#size, selfSize: this.#selfSize, timesSize: this.#timesSize, tip: this.#tip, recent: this.#recent,
      address: this.#address, lots: this.#lots, lotBlock: this.#lotBlock, wide: this.#wide, refs: this.#refs, events: this.#events, csr: this.#csr,
    };
  }

  /** @internal Restores a builder from a snapshot's columns and state. */
  static restore(columns: ModelColumns, s: {
    hashFile: HashFile | null; size: number; selfSize: number; timesSize: number; tip: TraceModel["tip"]; recent: { block: number; hash: Hex }[];
    address: Address[]; lots: Hex[]; lotBlock: number[]; wide: Map<number, bigint>; refs: Map<number, Hex>; events: LedgerEventRow[];
    csr: { outStart: Int32Array; outSeq: Int32Array; inStart: Int32Array; inSeq: Int32Array; size: number };
    /** The columns holding `csr` ({@link csrTargetFor}); without them it is on buffers of its own. */
    csrColumns?: { out: CsrTarget; in: CsrTarget };
  }): ModelBuilder {
    const b = new ModelBuilder(columns);
    b.#address.length = 0;
    b.#walletId.clear();
    for (let i = 0; i < s.address.length; i++) {
      b.#address.push(s.address[i]!);
      b.#walletId.set(s.address[i]!, i);
    }
    s.lots.forEach((l, i) => {
      b.#lots.push(l);
      b.#lotId.set(l, i);
      b.#lotBlock.push(s.lotBlock[i]!);
    });
    for (const [k, v] of s.wide) b.#wide.set(k, v);
    for (const [k, v] of s.refs) b.#refs.set(k, v);
    b.#events = s.events;
    b.#registry = new RegistryTimeline(s.events);
    b.#coverage = s.events.filter((e) => e.name === "ReserveShortfall" || e.name === "ReserveShortfallRecovered");
    b.#size = s.size;
    b.#hashFile = s.hashFile;
    b.#hashBase = s.hashFile?.count ?? 0;
    b.#selfSize = s.selfSize;
    b.#timesSize = s.timesSize;
    b.#csr = s.csr;
    b.#csrLive = s.csrColumns ?? null;
    b.#recent.push(...s.recent);
    return b;
  }

  /** @internal Hands out the view of a restored builder. */
  reseal(tip: TraceModel["tip"]): TraceModel {
    return this.#seal(tip, []);
  }
}

/**
 * Builds a model from rows already in memory (tests, small histories).
 * @param transfers - in checkpoint order.
 * @param events - in checkpoint order.
 * @param tip - the block the history ends at (default: the last row's block).
 */
export function buildModel(
  transfers: readonly TransferRow[],
  events: readonly LedgerEventRow[] = [],
  tip?: TraceModel["tip"],
  headers: readonly { number: number; timestamp: number }[] = [],
): TraceModel {
  const last = Math.max(transfers.at(-1)?.block ?? 0, events.at(-1)?.block ?? 0);
  return new ModelBuilder().append(transfers, events, tip ?? { block: last, hash: null, timestamp: null }, headers);
}

const PAGE = 50_000;

/** Reads the store's rows after the builder's last ones, up to `toBlock`, and adds them block by block. */
async function readRows(builder: ModelBuilder, store: Store, toBlock: number, afterTransfer: string | undefined, afterEvent: string | undefined, onProgress?: (transfers: number) => void) {
  const events: LedgerEventRow[] = [];
  for (;;) {
    const rows = await store.events({ after: afterEvent, toBlock, limit: PAGE });
    events.push(...rows);
    if (rows.length < PAGE) break;
    afterEvent = rows.at(-1)!.checkpoint;
  }
  if (store.scanTransfers !== undefined) {
    // The store's fast path: one ordered scan, no object per row (the same rows, added the same way).
    builder.addScan(store.scanTransfers({ after: afterTransfer, toBlock }), events, onProgress);
    return;
  }
  let j = 0;
  for (;;) {
    const rows = await store.transfers({ after: afterTransfer, toBlock, limit: PAGE });
    // Events of blocks before the page's last block go in now; those of its last block wait for the block's end.
    const lastBlock = rows.length < PAGE ? Infinity : rows.at(-1)!.block;
    let k = j;
    while (k < events.length && events[k]!.block < lastBlock) k++;
    builder.addRows(rows, events.slice(j, k));
    j = k;
    onProgress?.(builder.size);
    if (rows.length < PAGE) break;
    afterTransfer = rows.at(-1)!.checkpoint;
  }
  builder.addRows([], events.slice(j));
}

/**
 * The hash the store holds for a block: its position's, or a stored header's; null when it keeps neither. The
 * indexer keeps every header it fetched (a batch's last block's at least) and removes them only when rolling back,
 * so a model tip whose hash the store no longer holds is treated as reorged away.
 */
export async function storedHash(store: Store, block: number): Promise<Hex | null> {
  const position = await store.position();
  if (position?.block === block) return position.hash;
  const [header] = await store.headers(block, block);
  return header?.hash ?? null;
}

/**
 * Brings a model up to the store's position in place: only the rows after the model's tip are read and appended
 * (live use: `index --follow`, a server). When the store no longer holds the model's tip block with the same hash
 * (a reorg), the model is rolled back to the newest recent tip the store still holds, then appended; when there
 * is none (or the model is not the live view of a builder), it is rebuilt from the store.
 * @param toBlock - append up to this block only (default: the store's position).
 * @returns the model itself when the store has not moved, else the new view.
 */
export async function extendModel(model: TraceModel, store: Store, toBlock?: number): Promise<TraceModel> {
  const stored = await store.position();
  if (stored === null) throw new RangeError(`the store ${store.location} is empty: run \`goods-ledger index\` first`);
  if (toBlock !== undefined && toBlock > stored.block) throw new RangeError(`block ${toBlock} is above the indexed position ${stored.block}: index further first`);
  const position = { block: toBlock ?? stored.block };
  const builder = liveBuilder(model);
  if (builder === null || model.tip.hash === null) return loadModel(store, { toBlock: position.block });
  let current = model;
  const tipHash = await storedHash(store, model.tip.block);
  if (tipHash !== model.tip.hash || stored.block < model.tip.block || position.block < model.tip.block) {
    let fork: { block: number; hash: Hex } | undefined;
    for (const r of [...builder.recentTips].reverse()) {
      if (r.block > position.block) continue;
      if ((await storedHash(store, r.block)) === r.hash) {
        fork = r;
        break;
      }
    }
    if (fork === undefined) return loadModel(store, { toBlock: position.block });
    const [h] = await store.headers(fork.block, fork.block);
    current = builder.rollback({ block: fork.block, hash: fork.hash, timestamp: h?.timestamp ?? null });
  }
  if (position.block === current.tip.block) return current;
  if (position.block < current.tip.block) return loadModel(store, { toBlock: position.block });
  return appendFromStore(builder, store, position.block);
}

/** Appends the store's rows after the builder's tip up to `toBlock` (one step of the live model). */
export async function appendFromStore(builder: ModelBuilder, store: Store, toBlock: number): Promise<TraceModel> {
  const model = builder.current!;
  await readRows(builder, store, toBlock, model.size === 0 ? undefined : checkpointOf(model, model.size - 1), builder.lastEventCheckpoint);
  const headers = await store.headers(model.tip.block + 1, toBlock);
  const top = headers.at(-1)?.number === toBlock ? headers.at(-1) : undefined;
  return builder.append([], [], { block: toBlock, hash: top?.hash ?? (await storedHash(store, toBlock)), timestamp: top?.timestamp ?? null }, headers);
}

/**
 * Loads a model from a store, up to `toBlock` (default: the store's position).
 * @param store - the indexer's store.
 * @param options.toBlock - the last block to include; must not be above the store's position.
 * @param options.onProgress - called after each page of rows with the transfers read so far.
 * @throws RangeError when the store is empty or `toBlock` is above its position.
 */
export async function loadModel(store: Store, options: { toBlock?: number; onProgress?: (transfers: number) => void } = {}): Promise<TraceModel> {
  const position = await store.position();
  if (position === null) throw new RangeError(`the store ${store.location} is empty: run \`goods-ledger index\` first`);
  const toBlock = options.toBlock ?? position.block;
  if (toBlock > position.block) throw new RangeError(`block ${toBlock} is above the indexed position ${position.block}: index further first`);
  const builder = new ModelBuilder({ transfers: (await store.counts()).transfers });
  await readRows(builder, store, toBlock, undefined, undefined, options.onProgress);
  const headers = await store.headers(0, toBlock);
  const header = headers.at(-1)?.number === toBlock ? headers.at(-1) : undefined;
  const hash = header?.hash ?? (position.block === toBlock ? position.hash : null);
  return builder.append([], [], { block: toBlock, hash, timestamp: header?.timestamp ?? null }, headers);
}
