/**
 * A query worker thread: opens its own handle on the index, keeps a trace model of the block it was last asked
 * for, and answers one job at a time. It renders the response body itself (JSON, CSV, GraphML, evidence pack),
 * so the server's event loop only moves strings. The pool ends a job that runs past its deadline, or whose client
 * went away, by terminating this thread: the work really stops.
 */
import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { openStore } from "../indexer/store/open.js";
import type { Store } from "../indexer/store/store.js";
import { TraceInputError } from "../trace/errors.js";
import { buildPack, type EvidencePack } from "../trace/evidence.js";
import { exportResult } from "../trace/export.js";
import { extendModel, loadModel, modelCounters, storedHash, type TraceModel } from "../trace/model.js";
import { loadWithSnapshot } from "../trace/snapshot.js";
import { runQuery, type TraceQuery } from "../trace/query.js";
import { labelsById, loadLotLabels, peopleReplacer } from "../trace/present.js";
import { walletRecords } from "./records.js";
import { checkResults } from "./verify.js";

/** What the pool sends a worker. */
export type WorkerRequest =
  | { type: "warm"; block: number }
  | { type: "job"; id: number; block: number; job: Job };

/** One unit of work. */
export type Job =
  | { op: "query"; query: TraceQuery; format: "json" | "csv" | "graphml" }
  | { op: "evidence"; query: TraceQuery; chain: Omit<EvidencePack["chain"], "block">; code: EvidencePack["code"] }
  /** The results check of a pack, run at the pack's block: answers its PackCheck as JSON. */
  | { op: "verify"; pack: EvidencePack }
  /** Registry records of many wallets as of one block (`POST /api/asof/wallets`): answers WalletRecords (records.ts) as JSON. */
  | { op: "wallets"; wallets: string[]; block?: number };

/** What a worker sends back. */
export type WorkerReply =
  | { type: "loaded"; block: number; ms: number; transfers: number; how: ModelLoad }
  | { type: "load-failed"; block: number; message: string }
  | { type: "started"; id: number }
  | { type: "done"; id: number; body: Uint8Array; ms: number }
  | { type: "failed"; id: number; status: number; code: string; message: string };

/**
 * How a worker got the model of a block: read from the snapshot (then appended to the index's tip), rebuilt from
 * the index's rows, appended in place to its live model, rolled back with the index on a reorg, or built on its
 * own for an older block (an evidence pack's) while the live model stays at the tip.
 */
export type ModelLoad = "snapshot" | "built" | "appended" | "rolled-back" | "past";

/** Data the pool gives a new worker. */
export interface WorkerData {
  /** The index as `openStore` takes it (a folder or a PostgreSQL URL, password included). */
  storeSpec: string;
  /** The all-wallet alerts scan is refused above this many transfers. */
  maxScanTransfers: number;
  /** This thread's priority below the server's event loop, as a nice offset (its lane's, see pool.ts LANE_NICE). */
  niceOffset: number;
  /** The trace model's snapshot file (kept fresh by `index --follow`), or null to build from the index's rows. */
  snapshotPath?: string | null;
  /** Lot labels as issued (`serve --lot-labels`), besides those the index keeps (`trace label`). */
  lotLabels?: readonly string[];
}

const data = workerData as WorkerData;

/**
 * This thread's scheduling priority is lower than the server's event loop (Linux nice values are per thread), by
 * its lane's offset: a CPU-bound query then never delays /api/status, /healthz, /readyz or the routing of other
 * requests, and a heavy-lane query yields to a cheap-lane one.
 */
try {
  const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
  setPriority(tid, Math.min(19, getPriority(tid) + data.niceOffset));
} catch {
  // Not Linux, or not allowed: the workers run at the server's priority.
}
const port = parentPort!;
let store: Store | null = null;
/** The live model: appended in place as the index moves, rolled back with it on a reorg (docs/TRACE.md). */
let live: TraceModel | null = null;
/** A model of an older block than the live one (an evidence pack's), kept for the next job at that block. */
let past: { block: number; model: TraceModel } | null = null;

const post = (reply: WorkerReply) => port.postMessage(reply);

/** A query refused by the cost estimate before it runs. */
class TooCostly extends Error {}

/** Whether the index still holds `m`'s tip block with the same hash (no reorg since). */
async function current(m: TraceModel): Promise<boolean> {
  return m.tip.hash !== null && (await storedHash(store!, m.tip.block)) === m.tip.hash;
}

async function model(block: number): Promise<TraceModel> {
  store ??= await openStore(data.storeSpec);
  if (live?.tip.block === block && (await current(live))) return live;
  if (past?.block === block && (await current(past.model))) return past.model;
  const started = performance.now();
  const counters = { ...modelCounters };
  let how: ModelLoad | undefined;
  if (live === null) {
    const loaded = await loadWithSnapshot(store, data.snapshotPath ?? null);
    live = loaded.model;
    how = loaded.outcome === "snapshot" || loaded.outcome === "snapshot-rolled-back" ? "snapshot" : "built";
    if (how === "built" && data.snapshotPath && loaded.reason) process.stderr.write(`goods-ledger serve worker: snapshot not used (${loaded.reason}); built the model from the index\n`);
  }
  if (live.tip.block !== block || !(await current(live))) {
    if (block < live.tip.block && (await current(live))) {
      // No reorg: an older block is asked for. Build it on its own; the live model stays at the tip.
      past = { block, model: await loadModel(store, { toBlock: block }) };
      post({ type: "loaded", block, ms: performance.now() - started, transfers: past.model.size, how: "past" });
      return past.model;
    }
    live = await extendModel(live, store, block);
  }
  how ??= modelCounters.builds > counters.builds ? "built" : modelCounters.rollbacks > counters.rollbacks ? "rolled-back" : "appended";
  post({ type: "loaded", block, ms: performance.now() - started, transfers: live.size, how });
  return live;
}

const givenLabels = labelsById(data.lotLabels ?? []);

/** The lot labels JSON answers name lots by: the index's (`trace label`), then those `serve --lot-labels` gave. */
async function lotLabels(): Promise<Map<string, string>> {
  return new Map([...givenLabels, ...(await loadLotLabels(store!))]);
}

function answer(m: TraceModel, job: Job, labels: ReadonlyMap<string, string>): string {
  // The same records as GET /api/asof gives them: tier limits in base units and in tokens (O1).
  if (job.op === "wallets") return `${JSON.stringify(walletRecords(m, job.wallets, job.block), peopleReplacer())}\n`;
  const q = job.op === "verify" ? job.pack.query : job.query;
  if (q.kind === "alerts" && q.wallet === undefined && m.size > data.maxScanTransfers) {
    throw new TooCostly(`an alerts scan of every wallet reads all ${m.size} transfers, over this server's cap of ${data.maxScanTransfers}: give a wallet`);
  }
  if (job.op === "verify") return JSON.stringify(checkResults(job.pack, m));
  const result = runQuery(m, q);
  if (job.op === "evidence") return `${JSON.stringify(buildPack({ query: q, answer: result, model: m, chain: job.chain, code: job.code }))}\n`;
  // The CLI's --json document (docs/TRACE.md O1, O2): base units, each amount also in tokens, each lot with its
  // label; written by a replacer, without copying the result first (about 3× faster on a 100,000-edge trace).
  if (job.format === "json") return `${JSON.stringify({ kind: result.kind, result: result.result }, peopleReplacer({ lotLabels: labels }))}\n`;
  return exportResult(result, job.format, { lotLabels: labels });
}

let queue = Promise.resolve();
port.on("message", (msg: WorkerRequest) => {
  queue = queue.then(async () => {
    if (msg.type === "warm") {
      try {
        await model(msg.block);
      } catch (error) {
        post({ type: "load-failed", block: msg.block, message: (error as Error).message });
      }
      return;
    }
    let m: TraceModel;
    try {
      m = await model(msg.block);
    } catch (error) {
      post({ type: "load-failed", block: msg.block, message: (error as Error).message });
      post({ type: "failed", id: msg.id, status: 503, code: "model-unavailable", message: `the trace model could not be loaded: ${(error as Error).message}` });
      return;
    }
    post({ type: "started", id: msg.id });
    const started = performance.now();
    try {
      // UTF-8 bytes in a buffer of their own, transferred (not copied) to the server's thread.
      const labels = msg.job.op === "query" ? await lotLabels() : new Map<string, string>();
      const body = new TextEncoder().encode(answer(m, msg.job, labels));
      port.postMessage({ type: "done", id: msg.id, body, ms: performance.now() - started } satisfies WorkerReply, [body.buffer as ArrayBuffer]);
    } catch (error) {
      if (error instanceof TooCostly) post({ type: "failed", id: msg.id, status: 400, code: "too-costly", message: error.message });
      else if (error instanceof TraceInputError) post({ type: "failed", id: msg.id, status: 400, code: error.code, message: error.message });
      else if (error instanceof RangeError && /hash of block/.test(error.message)) {
        post({ type: "failed", id: msg.id, status: 503, code: "no-block-hash", message: error.message });
      } else {
        process.stderr.write(`goods-ledger serve worker: ${(error as Error).stack ?? String(error)}\n`);
        post({ type: "failed", id: msg.id, status: 500, code: "internal", message: "internal error (logged on the server)" });
      }
    }
  });
});
