import type { Store } from "../indexer/store/store.js";
import { TRANSFER_KINDS, ZERO_ADDRESS } from "../indexer/types.js";
import type { Address, Hex, LedgerEventRow, TransferKind, TransferRow } from "../indexer/types.js";
import { RegistryTimeline } from "./registry.js";

/**
 * The in-memory, column-oriented view of the indexed history that every trace query runs over.
 *
 * - Transfers are numbered by their position in checkpoint order (`seq`, 0-based): comparing seqs compares
 *   times, so "funds leave a wallet only after they arrived" is `seq(out) > seq(in)`.
 * - Wallets are numbered; wallet 0 is the zero address (the counterpart of mints and burns).
 * - `outSeq[outStart[w] .. outStart[w+1])` are the seqs of wallet w's outgoing transfers, ascending;
 *   `inSeq` / `inStart` the same for incoming ones (a CSR adjacency). Self-transfers (from = to) are left out
 *   of the adjacency: they move nothing (docs/TRACE.md, rule S1), so no walk, replay, degree or alert sees them.
 * - `blockTimes` holds the timestamp of every block the model knows one for (blocks holding a transfer or an
 *   event, and every stored header), so as-of facts use the queried block's own time (rule T1).
 *
 * A model is immutable once built; build a new one when the store moves.
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
  /** Exact amount, by seq. */
  readonly amount: readonly bigint[];
  /** Block number, by seq (non-decreasing). */
  readonly block: Float64Array;
  /** Timestamp in seconds, by seq (non-decreasing). */
  readonly time: Float64Array;
  /** Index into {@link TRANSFER_KINDS}, by seq. */
  readonly kind: Uint8Array;
  /** Lot number (index into `lots`) of an issue or redemption, else -1, by seq. */
  readonly lot: Int32Array;
  /** Encoded checkpoint (the transfer's id), by seq. */
  readonly checkpoint: readonly string[];
  /** Transaction hash, by seq. */
  readonly txHash: readonly Hex[];
  /** Payment or issue reference, by seq. */
  readonly reference: readonly (Hex | null)[];
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
  /** The registry and reserve events the model was built from, in checkpoint order (kept to extend it). */
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
  return model.amount[seq]!;
}

/** The encoded checkpoint (the transfer's id) of transfer `seq`. */
export function checkpointOf(model: TraceModel, seq: number): string {
  return model.checkpoint[seq]!;
}

/** The transaction hash of transfer `seq`. */
export function txHashOf(model: TraceModel, seq: number): Hex {
  return model.txHash[seq]!;
}

/** The payment or issue reference of transfer `seq`, or null. */
export function referenceOf(model: TraceModel, seq: number): Hex | null {
  return model.reference[seq]!;
}

/** The kind of transfer `seq`. */
export function kindOf(model: TraceModel, seq: number): TransferKind {
  return TRANSFER_KINDS[model.kind[seq]!]!;
}

/** Rebuilds a {@link TransferRow} from the model. */
export function transferRow(model: TraceModel, seq: number): TransferRow {
  const cp = checkpointOf(model, seq);
  return {
    checkpoint: cp,
    block: model.block[seq]!,
    txIndex: Number(cp.slice(16, 24)),
    logIndex: Number(cp.slice(24)),
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

/**
 * Collects transfers (in checkpoint order) and events into a {@link TraceModel}.
 * @example const b = new ModelBuilder(); rows.forEach((r) => b.addTransfer(r)); const model = b.finish(events, tip);
 */
export class ModelBuilder {
  readonly #address: Address[] = [ZERO_ADDRESS];
  readonly #walletId = new Map<Address, number>([[ZERO_ADDRESS, 0]]);
  readonly #lots: Hex[] = [];
  readonly #lotId = new Map<Hex, number>();
  #from = new Int32Array(1024);
  #to = new Int32Array(1024);
  #block = new Float64Array(1024);
  #time = new Float64Array(1024);
  #kind = new Uint8Array(1024);
  #lot = new Int32Array(1024);
  readonly #amount: bigint[] = [];
  readonly #checkpoint: string[] = [];
  readonly #txHash: Hex[] = [];
  readonly #reference: (Hex | null)[] = [];
  #size = 0;

  /**
   * A builder holding a copy of `model`'s transfers, to append newer ones (the model itself stays as it is).
   */
  static from(model: TraceModel): ModelBuilder {
    const b = new ModelBuilder();
    b.#address.length = 0;
    b.#walletId.clear();
    for (let i = 0; i < model.address.length; i++) {
      b.#address.push(model.address[i]!);
      b.#walletId.set(model.address[i]!, i);
    }
    for (let i = 0; i < model.lots.length; i++) {
      b.#lots.push(model.lots[i]!);
      b.#lotId.set(model.lots[i]!, i);
    }
    const n = model.size;
    const cap = Math.max(1024, n * 2);
    const i32 = (src: Int32Array) => {
      const a = new Int32Array(cap);
      a.set(src.subarray(0, n));
      return a;
    };
    const f64 = (src: Float64Array) => {
      const a = new Float64Array(cap);
      a.set(src.subarray(0, n));
      return a;
    };
    b.#from = i32(model.from);
    b.#to = i32(model.to);
    b.#block = f64(model.block);
    b.#time = f64(model.time);
    b.#kind = new Uint8Array(cap);
    b.#kind.set(model.kind.subarray(0, n));
    b.#lot = i32(model.lot);
    b.#amount.push(...model.amount.slice(0, n));
    for (let i = 0; i < n; i++) {
      b.#checkpoint.push(model.checkpoint[i]!);
      b.#txHash.push(model.txHash[i]!);
      b.#reference.push(model.reference[i]!);
    }
    b.#size = n;
    return b;
  }

  #wallet(address: Address): number {
    let id = this.#walletId.get(address);
    if (id === undefined) {
      id = this.#address.length;
      this.#address.push(address);
      this.#walletId.set(address, id);
    }
    return id;
  }

  #lotNumber(lot: Hex): number {
    let id = this.#lotId.get(lot);
    if (id === undefined) {
      id = this.#lots.length;
      this.#lots.push(lot);
      this.#lotId.set(lot, id);
    }
    return id;
  }

  #grow(): void {
    const n = this.#from.length * 2;
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.#from = grow(this.#from, (k) => new Int32Array(k));
    this.#to = grow(this.#to, (k) => new Int32Array(k));
    this.#block = grow(this.#block, (k) => new Float64Array(k));
    this.#time = grow(this.#time, (k) => new Float64Array(k));
    this.#kind = grow(this.#kind, (k) => new Uint8Array(k));
    this.#lot = grow(this.#lot, (k) => new Int32Array(k));
  }

  /**
   * Appends one transfer.
   * @throws RangeError when `row` does not come strictly after the previous one in checkpoint order.
   */
  addTransfer(row: TransferRow): void {
    const i = this.#size;
    if (i > 0 && row.checkpoint <= this.#checkpoint[i - 1]!) {
      throw new RangeError(`model: transfer ${row.checkpoint} does not come after ${this.#checkpoint[i - 1]}`);
    }
    if (i === this.#from.length) this.#grow();
    this.#from[i] = this.#wallet(row.from);
    this.#to[i] = this.#wallet(row.to);
    this.#amount.push(row.amount);
    this.#block[i] = row.block;
    this.#time[i] = row.timestamp;
    this.#kind[i] = TRANSFER_KINDS.indexOf(row.kind);
    this.#lot[i] = row.lot === null ? -1 : this.#lotNumber(row.lot);
    this.#checkpoint.push(row.checkpoint);
    this.#txHash.push(row.txHash);
    this.#reference.push(row.reference);
    this.#size = i + 1;
  }

  /**
   * Finishes the model: builds the adjacency and the registry timeline.
   * @param events - registry and reserve events, in checkpoint order.
   * @param tip - the block the history ends at.
   * @param headers - stored block headers (their timestamps join those of the rows' blocks).
   */
  finish(events: readonly LedgerEventRow[], tip: TraceModel["tip"], headers: readonly { number: number; timestamp: number }[] = []): TraceModel {
    const n = this.#size;
    const registry = new RegistryTimeline(events);
    for (const address of registry.wallets()) this.#wallet(address);
    for (const lot of registry.lotIds()) this.#lotNumber(lot);
    const wallets = this.#address.length;
    const from = this.#from.slice(0, n);
    const to = this.#to.slice(0, n);
    // Self-transfers stay in the columns (they are listed in a wallet's history) but not in the adjacency.
    const csr = (side: Int32Array): [Int32Array, Int32Array] => {
      const start = new Int32Array(wallets + 1);
      for (let i = 0; i < n; i++) if (from[i] !== to[i]) start[side[i]! + 1]!++;
      for (let w = 0; w < wallets; w++) start[w + 1]! += start[w]!;
      const fill = start.slice(0, wallets);
      const list = new Int32Array(start[wallets]!);
      for (let i = 0; i < n; i++) if (from[i] !== to[i]) list[fill[side[i]!]!++] = i; // ascending i, so each slice is sorted
      return [start, list];
    };
    const times = new Map<number, number>();
    for (const h of headers) times.set(h.number, h.timestamp);
    for (const e of events) times.set(e.block, e.timestamp);
    for (let i = 0; i < n; i++) times.set(this.#block[i]!, this.#time[i]!);
    if (tip.timestamp !== null) times.set(tip.block, tip.timestamp);
    const known = [...times.keys()].sort((x, y) => x - y);
    const blockTimes = { block: Float64Array.from(known), time: Float64Array.from(known, (b) => times.get(b)!) };
    const [outStart, outSeq] = csr(from);
    const [inStart, inSeq] = csr(to);
    return {
      tip,
      address: this.#address,
      walletId: this.#walletId,
      size: n,
      from,
      to,
      amount: this.#amount,
      block: this.#block.slice(0, n),
      time: this.#time.slice(0, n),
      kind: this.#kind.slice(0, n),
      lot: this.#lot.slice(0, n),
      checkpoint: this.#checkpoint,
      txHash: this.#txHash,
      reference: this.#reference,
      lots: this.#lots,
      lotId: this.#lotId,
      outStart,
      outSeq,
      inStart,
      inSeq,
      registry,
      blockTimes,
      events,
      selfSeq: Int32Array.from({ length: n }, (_, i) => i).filter((i) => from[i] === to[i]),
      coverage: events.filter((e) => e.name === "ReserveShortfall" || e.name === "ReserveShortfallRecovered"),
    };
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
  const builder = new ModelBuilder();
  for (const row of transfers) builder.addTransfer(row);
  const last = Math.max(transfers.at(-1)?.block ?? 0, events.at(-1)?.block ?? 0);
  return builder.finish(events, tip ?? { block: last, hash: null, timestamp: null }, headers);
}

const PAGE = 50_000;

/**
 * For a model made by {@link extendModel} from another, that other model: the same transfers with the same
 * wallet and lot numbers, followed by newer ones. Replays kept for the older model (provenance, exposure) carry
 * over to it and only append (src/trace/replay.ts).
 */
export const extensionOf = new WeakMap<TraceModel, TraceModel>();

/**
 * Brings a model up to the store's position without reading the history again: only the rows after the
 * model's tip are read and appended to a copy of its columns (live use: `index --follow`, a server). When the
 * store no longer holds the model's tip block with the same hash (a reorg rolled it back), or the model was not
 * built from a store, the model is rebuilt from the store.
 * @returns the model itself when the store has not moved, else a new model.
 */
export async function extendModel(model: TraceModel, store: Store): Promise<TraceModel> {
  const position = await store.position();
  if (position === null) throw new RangeError(`the store ${store.location} is empty: run \`goods-ledger index\` first`);
  const [tipHeader] = await store.headers(model.tip.block, model.tip.block);
  if (model.tip.hash === null || tipHeader?.hash !== model.tip.hash || position.block < model.tip.block) return loadModel(store);
  if (position.block === model.tip.block) return model;
  const builder = ModelBuilder.from(model);
  let after = model.checkpoint[model.size - 1];
  for (;;) {
    const rows = await store.transfers({ after, toBlock: position.block, limit: PAGE });
    for (const row of rows) builder.addTransfer(row);
    if (rows.length < PAGE) break;
    after = rows.at(-1)!.checkpoint;
  }
  const events = [...model.events];
  let afterEvent = events.at(-1)?.checkpoint;
  for (;;) {
    const rows = await store.events({ after: afterEvent, toBlock: position.block, limit: PAGE });
    events.push(...rows);
    if (rows.length < PAGE) break;
    afterEvent = rows.at(-1)!.checkpoint;
  }
  const known = Array.from(model.blockTimes.block, (number, i) => ({ number, timestamp: model.blockTimes.time[i]! }));
  const headers = [...known, ...(await store.headers(model.tip.block + 1, position.block))];
  const [top] = await store.headers(position.block, position.block);
  const next = builder.finish(events, { block: position.block, hash: top?.hash ?? null, timestamp: top?.timestamp ?? null }, headers);
  extensionOf.set(next, model);
  return next;
}

/**
 * Loads a model from a store, up to `toBlock` (default: the store's position).
 * @param store - the indexer's store.
 * @param options.toBlock - the last block to include; must not be above the store's position.
 * @throws RangeError when the store is empty or `toBlock` is above its position.
 */
export async function loadModel(store: Store, options: { toBlock?: number } = {}): Promise<TraceModel> {
  const position = await store.position();
  if (position === null) throw new RangeError(`the store ${store.location} is empty: run \`goods-ledger index\` first`);
  const toBlock = options.toBlock ?? position.block;
  if (toBlock > position.block) throw new RangeError(`block ${toBlock} is above the indexed position ${position.block}: index further first`);
  const builder = new ModelBuilder();
  let after: string | undefined;
  for (;;) {
    const rows = await store.transfers({ after, toBlock, limit: PAGE });
    for (const row of rows) builder.addTransfer(row);
    if (rows.length < PAGE) break;
    after = rows.at(-1)!.checkpoint;
  }
  const events: LedgerEventRow[] = [];
  after = undefined;
  for (;;) {
    const rows = await store.events({ after, toBlock, limit: PAGE });
    events.push(...rows);
    if (rows.length < PAGE) break;
    after = rows.at(-1)!.checkpoint;
  }
  const headers = await store.headers(0, toBlock);
  const header = headers.at(-1)?.number === toBlock ? headers.at(-1) : undefined;
  return builder.finish(events, { block: toBlock, hash: header?.hash ?? null, timestamp: header?.timestamp ?? null }, headers);
}
