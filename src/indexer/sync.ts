import { decodeLogs } from "./decode.js";
import type { RawLog } from "./decode.js";
import { IndexerRpcError, JsonRpc, hexToNumber, numberToHex } from "./rpc.js";
import type { Store } from "./store/store.js";
import { toAddress } from "./types.js";
import type { Address, BlockHeader, Hex, SyncBatch, SyncPosition } from "./types.js";

/** What to index: the chain and the two contracts of a deployment file (docs/DESIGN.md §6). */
export interface SyncTarget {
  /** JSON-RPC URL. */
  rpcUrl: string;
  /** Expected chain id. */
  chainId: number;
  /** GoodsToken (also the wallet registry). */
  token: string;
  /** ReserveRegistry. */
  reserveRegistry: string;
  /** First block with events (the deployment block). */
  startBlock: number;
}

/** The deployment a store indexes, recorded in its metadata by the first sync. */
export interface IndexedDeployment {
  chainId: number;
  token: Address;
  reserveRegistry: Address;
  startBlock: number;
}

const DEPLOYMENT_META = "deployment";

/**
 * The deployment a store indexes.
 * @returns null for a store no sync has written to.
 */
export async function indexedDeployment(store: Store): Promise<IndexedDeployment | null> {
  const raw = await store.getMeta(DEPLOYMENT_META);
  return raw === null ? null : (JSON.parse(raw) as IndexedDeployment);
}

/** Sync settings. */
export interface SyncOptions {
  /**
   * Blocks this far below the head are final: they are never re-checked, and a reorg deeper than this is an
   * error. Blocks above are kept with their headers and checked through `parentHash`. Default 12.
   */
  finalityDepth?: number;
  /** First block range to ask `eth_getLogs` for (it then adapts). Default 16. */
  initialRange?: number;
  /** Largest block range. Default 100,000. */
  maxRange?: number;
  /** Logs one `eth_getLogs` answer should hold: each next range is sized for it (at most 4× the last). Default 10,000. */
  targetLogs?: number;
  /** Called after every commit. */
  onProgress?: (p: SyncProgress) => void;
  /** Called when a reorg is rolled back. */
  onReorg?: (r: { from: number; to: number; depth: number }) => void;
}

/** Progress after a commit. */
export interface SyncProgress {
  /** The block now committed. */
  block: number;
  /** The block sync is heading for. */
  target: number;
  /** Where this run started. */
  startedAt: number;
  /** Transfers and other events committed by this run. */
  transfers: number;
  events: number;
  /** The block range of the last request. */
  range: number;
}

/** What one {@link Syncer.syncOnce} did. */
export interface SyncReport {
  fromBlock: number;
  toBlock: number;
  transfers: number;
  events: number;
  /** Reorgs rolled back during the run. */
  reorgs: { from: number; to: number; depth: number }[];
  /** Milliseconds from the first `eth_getLogs` to the last commit (0 when there was nothing to do). */
  elapsedMs: number;
}

/** Why sync stopped; `retryable` says whether running it again can help. */
export type IndexerErrorCode = "wrong-chain" | "wrong-store" | "reorg-too-deep" | "inconsistent-rpc";

/** Sync cannot go on. The message says what to do next. */
export class IndexerError extends Error {
  override readonly name = "IndexerError";
  readonly code: IndexerErrorCode;
  readonly retryable: boolean;
  constructor(code: IndexerErrorCode, message: string, retryable: boolean) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }
}

interface RawBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
}

/** Block ranges requested ahead of the one being committed (2 measured slower here: the node interleaves them). */
const PREFETCH = 1;

/** A range with this many logs, not the last one, switches the store to bulk loading (see Store.setBulk). */
const BULK_LOGS = 5_000;

/** A reorg was seen in the middle of a range: roll back and start the range again. */
class ReorgDetected extends Error {}

/**
 * Follows the ledger's events into a {@link Store}: `eth_getLogs` over adaptive block ranges, one atomic commit
 * per range (rows + position together, so a crash resumes with no gap and no duplicate), reorgs detected through
 * block hashes and `parentHash` and rolled back to the common ancestor.
 */
export class Syncer {
  readonly #store: Store;
  readonly #rpc: JsonRpc;
  readonly #target: SyncTarget;
  readonly #token: Address;
  readonly #reserve: Address;
  readonly #finality: number;
  readonly #maxRange: number;
  readonly #targetLogs: number;
  readonly #options: SyncOptions;
  #range: number;

  constructor(store: Store, target: SyncTarget, options: SyncOptions = {}) {
    this.#store = store;
    this.#rpc = new JsonRpc(target.rpcUrl);
    this.#target = target;
    this.#token = toAddress(target.token);
    this.#reserve = toAddress(target.reserveRegistry);
    this.#finality = options.finalityDepth ?? 12;
    this.#maxRange = options.maxRange ?? 100_000;
    this.#targetLogs = options.targetLogs ?? 10_000;
    this.#range = Math.min(options.initialRange ?? 16, this.#maxRange);
    this.#options = options;
    if (!Number.isSafeInteger(this.#finality) || this.#finality < 0) throw new RangeError(`finality depth must be a non-negative integer, got ${this.#finality}`);
  }

  /** The JSON-RPC client sync uses (reconciliation shares it). */
  get rpc(): JsonRpc {
    return this.#rpc;
  }

  /**
   * Checks that the node is the expected chain and that the store indexes this deployment (recording it in an
   * empty store).
   * @throws IndexerError (`wrong-chain`, `wrong-store`).
   */
  async checkIdentity(): Promise<void> {
    const chainId = hexToNumber(await this.#rpc.call<string>("eth_chainId"));
    if (chainId !== this.#target.chainId) {
      throw new IndexerError("wrong-chain", `${this.#target.rpcUrl} is chain ${chainId}, but the deployment is on chain ${this.#target.chainId}`, false);
    }
    const identity: IndexedDeployment = { chainId: this.#target.chainId, token: this.#token, reserveRegistry: this.#reserve, startBlock: this.#target.startBlock };
    const stored = await indexedDeployment(this.#store);
    if (stored === null) await this.#store.setMeta(DEPLOYMENT_META, JSON.stringify(identity));
    else if (stored.chainId !== identity.chainId || stored.token !== identity.token || stored.reserveRegistry !== identity.reserveRegistry) {
      throw new IndexerError(
        "wrong-store",
        `the store ${this.#store.location} indexes token ${stored.token} on chain ${stored.chainId}, not token ${identity.token} on chain ${identity.chainId}: use another data directory (or database schema)`,
        false,
      );
    }
  }

  static #header(b: RawBlock): BlockHeader {
    return { number: hexToNumber(b.number), hash: b.hash.toLowerCase() as Hex, parentHash: b.parentHash.toLowerCase() as Hex, timestamp: hexToNumber(b.timestamp) };
  }

  async #headers(unique: readonly number[], into: Map<number, BlockHeader>): Promise<void> {
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500);
      const blocks = await this.#rpc.batch<RawBlock | null>(chunk.map((n) => ({ method: "eth_getBlockByNumber", params: [numberToHex(n), false] })));
      blocks.forEach((b, k) => {
        if (b === null) throw new ReorgDetected(`block ${chunk[k]} vanished`);
        into.set(chunk[k]!, Syncer.#header(b));
      });
    }
  }

  /**
   * One request (a JSON-RPC batch) for a range: its logs, the header of its last block (the new position) and
   * the headers of its blocks above the finality depth (and the one before them, for the parentHash chain).
   * Asking for them together keeps the node busy with one request while the previous range is committed.
   */
  async #fetchRange(from: number, to: number, head: number): Promise<{ logs: RawLog[]; headers: Map<number, BlockHeader> }> {
    const firstUnfinal = Math.max(from, head - this.#finality + 1);
    const numbers = new Set<number>([to]);
    for (let b = Math.max(from, firstUnfinal - 1); b <= to; b++) numbers.add(b);
    const list = [...numbers];
    const answers = await this.#rpc.batch<unknown>([
      { method: "eth_getLogs", params: [{ fromBlock: numberToHex(from), toBlock: numberToHex(to), address: [this.#token, this.#reserve] }] },
      ...list.map((n) => ({ method: "eth_getBlockByNumber", params: [numberToHex(n), false] })),
    ]);
    const headers = new Map<number, BlockHeader>();
    list.forEach((n, k) => {
      const b = answers[k + 1] as RawBlock | null;
      if (b === null) throw new ReorgDetected(`block ${n} vanished`);
      headers.set(n, Syncer.#header(b));
    });
    return { logs: answers[0] as RawLog[], headers };
  }

  /**
   * If the chain no longer holds the stored position's block, rolls back to the newest stored block the chain
   * still holds.
   * @returns the rollback, or null when the position is on the chain.
   * @throws IndexerError (`reorg-too-deep`) when no stored block above the finality depth matches.
   */
  async #checkReorg(position: SyncPosition, head: number): Promise<{ from: number; to: number; depth: number } | null> {
    const [chainBlock] = await this.#rpc.batch<RawBlock | null>([{ method: "eth_getBlockByNumber", params: [numberToHex(position.block), false] }]);
    if (chainBlock !== null && chainBlock !== undefined && chainBlock.hash.toLowerCase() === position.hash) return null;
    const floor = Math.max(0, head - this.#finality);
    const stored = (await this.#store.headers(Math.min(floor, position.block), position.block)).reverse();
    for (const h of stored) {
      if (h.number === position.block) continue;
      const [b] = await this.#rpc.batch<RawBlock | null>([{ method: "eth_getBlockByNumber", params: [numberToHex(h.number), false] }]);
      if (b !== null && b !== undefined && b.hash.toLowerCase() === h.hash) {
        await this.#store.rollback(h.number);
        const r = { from: position.block, to: h.number, depth: position.block - h.number };
        this.#options.onReorg?.(r);
        return r;
      }
    }
    throw new IndexerError(
      "reorg-too-deep",
      `block ${position.block} (${position.hash}) is no longer on the chain and no stored block down to ${floor} (finality depth ${this.#finality}) is: the reorg is deeper than the finality depth; re-index into a new data directory`,
      false,
    );
  }

  /**
   * Indexes from the store's position up to `toBlock` (default: the head), then returns.
   * @throws IndexerRpcError when the node fails (see `retryable`), IndexerError when sync cannot go on.
   */
  async syncOnce(toBlock?: number): Promise<SyncReport> {
    await this.checkIdentity();
    const reorgs: SyncReport["reorgs"] = [];
    let transfers = 0;
    let events = 0;
    let began = 0;
    let startedAt = -1;
    let firstBlock = -1;
    let bulk = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const head = hexToNumber(await this.#rpc.call<string>("eth_blockNumber"));
        const target = Math.min(toBlock ?? head, head);
        let position = await this.#store.position();
        if (position !== null) {
          const r = await this.#checkReorg(position, head);
          if (r !== null) {
            reorgs.push(r);
            position = await this.#store.position();
          }
        }
        let from = position === null ? this.#target.startBlock : position.block + 1;
        if (startedAt < 0) startedAt = from - 1;
        if (firstBlock < 0) firstBlock = from;
        let prevHash = position?.hash ?? null;
        // Fetch the next range while committing the current one.
        type Fetch = { from: number; to: number; answer: Promise<{ logs: RawLog[]; headers: Map<number, BlockHeader> }> };
        // Up to PREFETCH ranges in flight: the node works on the next ones while this process commits.
        const inflight: Fetch[] = [];
        let next = from;
        const request = (f: number): Fetch => {
          const t = Math.min(f + this.#range - 1, target);
          if (began === 0) began = performance.now();
          const answer = this.#fetchRange(f, t, head);
          answer.catch(() => undefined); // a prefetch may be abandoned (reorg, error); its failure is read where awaited
          return { from: f, to: t, answer };
        };
        const topUp = () => {
          while (inflight.length < PREFETCH && next <= target) {
            const r = request(next);
            inflight.push(r);
            next = r.to + 1;
          }
        };
        while (from <= target) {
          topUp();
          const current = inflight.shift()!;
          let logs: RawLog[];
          let headers: Map<number, BlockHeader>;
          try {
            ({ logs, headers } = await current.answer);
          } catch (error) {
            if (error instanceof IndexerRpcError && error.failure === "too-large" && current.to > current.from) {
              this.#range = Math.max(1, Math.floor((current.to - current.from + 1) / 2));
              inflight.length = 0; // abandon the prefetches: ranges restart from this one, halved
              next = current.from;
              continue;
            }
            throw error;
          }
          // Aim the next ranges at the target log count, growing at most 4× a step.
          const size = current.to - current.from + 1;
          this.#range = Math.max(1, Math.min(this.#maxRange, Math.floor(size * Math.min(4, this.#targetLogs / Math.max(1, logs.length)))));
          if (next <= target) {
            topUp();
            // Let the HTTP client send the prefetch before the synchronous decode and commit below; otherwise the
            // node would only see it after them and nothing would overlap.
            await new Promise((resolve) => setImmediate(resolve));
          }
          // Catching up over many events: let the store defer its secondary indexes until the run ends.
          if (!bulk && logs.length >= BULK_LOGS && current.to < target) {
            bulk = true;
            await this.#store.setBulk(true);
          }
          const batch = await this.#batch(current.from, current.to, head, prevHash, logs, headers);
          await this.#store.commit(batch);
          transfers += batch.transfers.length;
          events += batch.events.length;
          prevHash = batch.toHash;
          from = current.to + 1;
          this.#options.onProgress?.({ block: current.to, target, startedAt, transfers, events, range: size });
        }
        if (bulk) {
          bulk = false;
          await this.#store.setBulk(false); // inside the clock: the index build is part of ingest
        }
        const elapsedMs = began === 0 ? 0 : performance.now() - began;
        return { fromBlock: firstBlock, toBlock: Math.max(target, firstBlock - 1), transfers, events, reorgs, elapsedMs };
      } catch (error) {
        if (bulk) {
          bulk = false;
          await this.#store.setBulk(false);
        }
        // A reorg in the middle of a range: start over from the committed position (which the check rolls back).
        if (error instanceof ReorgDetected && attempt < 10) continue;
        if (error instanceof ReorgDetected) throw new IndexerError("inconsistent-rpc", `the node kept changing its answers (${error.message}); try again`, true);
        throw error;
      }
    }
  }

  /** Turns one range's logs into a batch, checking block hashes and the parentHash chain above finality. */
  async #batch(from: number, to: number, head: number, prevHash: Hex | null, logs: RawLog[], headers: Map<number, BlockHeader>): Promise<SyncBatch> {
    const live = logs.filter((l) => l.removed !== true);
    // Timestamps: from the logs when the node sends them (blockTimestamp), else from the blocks' headers.
    const missing = new Set<number>();
    for (const l of live) {
      if (l.blockTimestamp !== undefined) continue;
      const n = hexToNumber(l.blockNumber);
      if (!headers.has(n)) missing.add(n);
    }
    if (missing.size > 0) await this.#headers([...missing], headers);
    for (const l of live) {
      const h = headers.get(hexToNumber(l.blockNumber));
      if (h !== undefined && h.hash !== l.blockHash.toLowerCase()) throw new ReorgDetected(`block ${h.number} changed between eth_getLogs and eth_getBlockByNumber`);
    }
    for (let b = Math.max(from, head - this.#finality + 1); b <= to; b++) {
      const parent = b === from ? prevHash : headers.get(b - 1)!.hash;
      if (parent !== null && headers.get(b)!.parentHash !== parent) throw new ReorgDetected(`block ${b}'s parent is not the block indexed before it`);
    }
    const { transfers, events } = decodeLogs(live, this.#token, (b) => headers.get(b)!.timestamp);
    const kept = [...headers.values()].sort((a, b) => a.number - b.number);
    return { fromBlock: from, toBlock: to, toHash: headers.get(to)!.hash, headers: kept, transfers, events };
  }

  /**
   * Keeps up with new blocks until `signal` aborts: syncs, waits `pollMs`, syncs again. Node failures that are
   * retryable are retried after the same wait.
   */
  async follow(signal: AbortSignal, pollMs = 1_000, onIdle?: (report: SyncReport) => void | Promise<void>, onRetry?: (error: Error) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        await onIdle?.(await this.syncOnce()); // awaited: a live trace model follows each commit before the next
      } catch (error) {
        if (!((error instanceof IndexerRpcError || error instanceof IndexerError) && error.retryable)) throw error;
        onRetry?.(error);
      }
      await new Promise<void>((resolve) => {
        // The listener goes when the wait ends either way: one left per poll would pile up on the signal.
        const done = () => {
          clearTimeout(t);
          signal.removeEventListener("abort", done);
          resolve();
        };
        const t = setTimeout(done, pollMs);
        signal.addEventListener("abort", done, { once: true });
      });
    }
  }
}
