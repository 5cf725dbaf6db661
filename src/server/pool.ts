/**
 * The query pool: worker threads that answer trace queries off the server's event loop, each job with a
 * deadline, cancelled (its thread terminated) when its client goes away, and scheduled so that no one token
 * holds every worker.
 *
 * Two lanes (README, "Limits"). Every job has a cost class, given by the route ({@link CostClass}). The first
 * `cheapWorkers` threads (default 1 when there are 2 or more) take cheap jobs only, so a cheap query never
 * queues behind a heavy one; the other threads take both kinds, oldest first. A heavy-lane thread also runs at a
 * much lower scheduling priority than a cheap-lane one ({@link LANE_NICE}), so on a machine with few cores a
 * heavy query yields the CPU to a cheap one and to the event loop instead of sharing it.
 */
import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { Worker } from "node:worker_threads";
import type { Job, ModelLoad, WorkerData, WorkerReply, WorkerRequest } from "./worker.js";

/** Options of {@link QueryPool}. */
export interface PoolOptions {
  /** The index as `openStore` takes it. */
  storeSpec: string;
  /** Worker threads (each holds its own model). */
  workers: number;
  /** A job running longer than this is stopped and answered 504. */
  deadlineMs: number;
  /** A job waiting longer than this for a worker is answered 503. */
  queueWaitMs: number;
  /**
   * Jobs of one owner (token) and one cost class running at once; default workers - 1 (at least 1), so one token
   * never holds every worker. Counted per class, so a token's heavy query does not hold up its own cheap ones.
   */
  maxRunningPerOwner?: number;
  /** The all-wallet alerts scan is refused above this many transfers. */
  maxScanTransfers: number;
  /** Called when a worker has loaded the model of a block (for metrics). */
  onLoaded?: ((block: number, ms: number, transfers: number, how: ModelLoad) => void) | undefined;
  /** Threads reserved for cheap jobs (default 1 with 2 or more workers, else 0). */
  cheapWorkers?: number;
  /** The trace model's snapshot (workers start from it), or null to build from the index's rows. */
  snapshotPath?: string | null;
  /** Lot labels as issued (`serve --lot-labels`): JSON answers name lots by them, besides the index's own labels. */
  lotLabels?: readonly string[];
}

/**
 * How costly a job is, decided from its parameters before it runs (the server's `costClass`): a cheap one is
 * bounded small (a registry record, a short trace at the default caps); everything else is heavy.
 */
export type CostClass = "cheap" | "heavy";

/**
 * Each lane's thread priority below the server's event loop, as a Linux nice offset (nice values are per thread;
 * a higher one is a lower priority). Cheap-lane threads sit just under the event loop; heavy-lane threads far
 * under it (a nice-10 thread weighs about a tenth of a nice-0 one, so the scheduler hands the core to a waking
 * cheap query at once instead of splitting it).
 */
export const LANE_NICE: Record<CostClass, number> = { cheap: 1, heavy: 10 };

/**
 * The priority offset of the process's helper threads (V8's garbage-collection helpers, libuv's pool): between the
 * lanes. They are shared by every thread, and a heavy query's large heap keeps them busy with concurrent marking;
 * at the event loop's priority they would take the core a waking cheap query needs.
 */
export const HELPER_NICE = 5;

let helpersLowered = false;
/**
 * Lowers the priority of the threads this process has before the pool starts any (Linux nice values are per
 * thread; elsewhere, or when not allowed, nothing changes). Once per process: later threads are the pool's own.
 */
function lowerHelperThreads(): void {
  if (helpersLowered) return;
  helpersLowered = true;
  try {
    for (const tid of readdirSync("/proc/self/task").map(Number)) {
      if (tid !== process.pid) setPriority(tid, Math.min(19, getPriority(tid) + HELPER_NICE));
    }
  } catch {
    // Not Linux, or not allowed: the helpers keep the server's priority.
  }
}

/** A job's answer, with where its time went (sent to the client as Server-Timing). */
export interface PoolAnswer {
  /** The response body the worker rendered (UTF-8). */
  body: Buffer;
  /** From the request's arrival at the pool to the worker starting it (queue, model load, message hops). */
  waitMs: number;
  /** The worker's own time on it, rendering the body included. */
  runMs: number;
  /** The lane of the thread that ran it. */
  lane: CostClass;
}

/** A refusal or failure of a job, with the HTTP status and the rule's code. */
export class PoolError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfter?: number) {
    super(message);
  }
}

/** Counters a test or an operator reads. */
export interface PoolStats {
  workers: number;
  busy: number;
  queued: number;
  completed: number;
  failed: number;
  /** Jobs stopped because their client went away. */
  cancelled: number;
  /** Jobs stopped at their deadline. */
  timedOut: number;
  /** Worker threads started, and ended (an ended thread does no more work). */
  threadsStarted: number;
  threadsExited: number;
  /** The block each worker's model is loaded at (null: none yet). */
  modelBlocks: (number | null)[];
  /** Each worker's lane: a cheap-lane thread takes cheap jobs only. */
  lanes: CostClass[];
  /** Jobs answered, by cost class. */
  completedBy: Record<CostClass, number>;
  /** How the workers got their models, by kind: a new block is appended in place, not rebuilt. */
  modelLoads: Record<ModelLoad, number>;
}

interface Slot {
  lane: CostClass;
  worker: Worker;
  job: Pending | null;
  loaded: number | null;
  alive: boolean;
}

interface Pending {
  id: number;
  job: Job;
  block: number;
  owner: string;
  cost: CostClass;
  /** When it reached the pool, and when its worker started it (performance.now()). */
  queuedAt: number;
  startedAt: number | null;
  slot: Slot | null;
  timer: NodeJS.Timeout | null;
  resolve(answer: PoolAnswer): void;
  reject(error: PoolError): void;
}

/** The key a job's owner limit is counted under: its owner and cost class. */
const runKey = (p: Pending) => `${p.cost}:${p.owner}`;

const WORKER_URL = new URL("./worker.ts", import.meta.url);
/** The worker is TypeScript: it runs under the same tsx loader as the server. */
const TSX = import.meta.resolve("tsx");

/** Worker threads answering jobs; see the module comment. */
export class QueryPool {
  readonly #options: PoolOptions;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  readonly #running = new Map<string, number>();
  readonly #maxRunning: number;
  #next = 1;
  #block: number | null = null;
  #closed = false;
  readonly #stats = { completed: 0, failed: 0, cancelled: 0, timedOut: 0, threadsStarted: 0, threadsExited: 0 };
  readonly #completedBy: Record<CostClass, number> = { cheap: 0, heavy: 0 };
  readonly #loads: Record<ModelLoad, number> = { snapshot: 0, built: 0, appended: 0, "rolled-back": 0, past: 0 };

  constructor(options: PoolOptions) {
    this.#options = options;
    this.#maxRunning = options.maxRunningPerOwner ?? Math.max(1, options.workers - 1);
    const cheap = Math.min(options.cheapWorkers ?? (options.workers >= 2 ? 1 : 0), options.workers - 1);
    lowerHelperThreads();
    for (let i = 0; i < options.workers; i++) this.#slots.push(this.#spawn(i < cheap ? "cheap" : "heavy"));
  }

  #spawn(lane: CostClass): Slot {
    const data: WorkerData = { storeSpec: this.#options.storeSpec, maxScanTransfers: this.#options.maxScanTransfers, niceOffset: LANE_NICE[lane], snapshotPath: this.#options.snapshotPath ?? null, lotLabels: [...(this.#options.lotLabels ?? [])] };
    // Only the TypeScript loader: the process's own flags are not passed on (Node refuses per-process ones, such
    // as --trace-gc, in a worker's execArgv).
    const worker = new Worker(WORKER_URL, { workerData: data, execArgv: ["--import", TSX] });
    const slot: Slot = { lane, worker, job: null, loaded: null, alive: true };
    this.#stats.threadsStarted++;
    worker.on("message", (reply: WorkerReply) => this.#onReply(slot, reply));
    worker.on("error", (error) => {
      process.stderr.write(`goods-ledger serve: a query worker failed: ${error.stack ?? String(error)}\n`);
    });
    worker.on("exit", () => {
      this.#stats.threadsExited++;
      if (!slot.alive) return;
      // An unexpected exit: fail its job and replace the thread.
      slot.alive = false;
      const job = slot.job;
      slot.job = null;
      if (job !== null) this.#finish(job, new PoolError(500, "internal", "the query worker stopped unexpectedly (logged on the server)"));
      this.#replace(slot);
    });
    if (this.#block !== null) this.#post(slot, { type: "warm", block: this.#block });
    return slot;
  }

  #post(slot: Slot, msg: WorkerRequest): void {
    slot.worker.postMessage(msg);
  }

  #replace(slot: Slot): void {
    const i = this.#slots.indexOf(slot);
    if (i < 0 || this.#closed) return;
    this.#slots[i] = this.#spawn(slot.lane);
    this.#dispatch();
  }

  /** Stops a slot's thread for good (the job on it stops with it) and starts a fresh one in its place. */
  #kill(slot: Slot): void {
    slot.alive = false;
    slot.job = null;
    void slot.worker.terminate();
    this.#replace(slot);
  }

  #onReply(slot: Slot, reply: WorkerReply): void {
    if (!slot.alive) return;
    if (reply.type === "loaded") {
      this.#loads[reply.how]++;
      if (reply.how !== "past") slot.loaded = reply.block;
      this.#options.onLoaded?.(reply.block, reply.ms, reply.transfers, reply.how);
      return;
    }
    if (reply.type === "load-failed") return;
    const job = slot.job;
    if (job === null || job.id !== reply.id) return;
    if (reply.type === "started") {
      job.startedAt = performance.now();
      job.timer = setTimeout(() => {
        this.#stats.timedOut++;
        this.#kill(slot);
        this.#finish(job, new PoolError(504, "deadline", `the query ran past this server's deadline of ${this.#options.deadlineMs} ms and was stopped: narrow it (fewer hops, a time or block window, a wallet)`));
      }, this.#options.deadlineMs);
      return;
    }
    slot.job = null;
    if (reply.type === "done") {
      this.#stats.completed++;
      this.#completedBy[job.cost]++;
      const body = Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength);
      this.#finish(job, null, { body, waitMs: (job.startedAt ?? job.queuedAt) - job.queuedAt, runMs: reply.ms, lane: slot.lane });
    } else {
      this.#stats.failed++;
      this.#finish(job, new PoolError(reply.status, reply.code, reply.message));
    }
    this.#dispatch();
  }

  #finish(job: Pending, error: PoolError | null, answer?: PoolAnswer): void {
    if (job.timer !== null) clearTimeout(job.timer);
    job.timer = null;
    if (job.slot !== null) {
      this.#running.set(runKey(job), (this.#running.get(runKey(job)) ?? 1) - 1);
      job.slot = null;
    }
    if (error !== null) job.reject(error);
    else job.resolve(answer!);
  }

  /**
   * Starts waiting jobs on idle threads, oldest first: a cheap job goes to a cheap-lane thread when one is idle
   * (keeping the heavy lane free), else to a heavy-lane one; a heavy job only to a heavy-lane thread. Among
   * fitting threads, one that already holds the job's model.
   */
  #dispatch(): void {
    for (;;) {
      const idle = this.#slots.filter((s) => s.alive && s.job === null);
      if (idle.length === 0) return;
      const fits = (p: Pending) => (p.cost === "cheap" ? idle : idle.filter((s) => s.lane === "heavy"));
      const i = this.#queue.findIndex((p) => (this.#running.get(runKey(p)) ?? 0) < this.#maxRunning && fits(p).length > 0);
      if (i < 0) return;
      const job = this.#queue.splice(i, 1)[0]!;
      if (job.timer !== null) clearTimeout(job.timer);
      job.timer = null;
      const candidates = fits(job);
      const lane = candidates.some((s) => s.lane === job.cost) ? candidates.filter((s) => s.lane === job.cost) : candidates;
      const slot = lane.find((s) => s.loaded === job.block) ?? lane[0]!;
      slot.job = job;
      job.slot = slot;
      this.#running.set(runKey(job), (this.#running.get(runKey(job)) ?? 0) + 1);
      this.#post(slot, { type: "job", id: job.id, block: job.block, job: job.job });
    }
  }

  /**
   * Runs a job on a worker.
   * @param block - the indexed block to answer at (the worker loads that model first if it must; loading is not
   *   counted against the deadline, which starts when the query itself does).
   * @param owner - who asked (a token name): at most `maxRunningPerOwner` of an owner's jobs run at once.
   * @param signal - aborting it (the client went away) removes a waiting job, or stops a running one by ending its thread.
   * @param cost - the job's cost class: a heavy job never runs on a cheap-lane thread.
   * @returns the response body the worker rendered (UTF-8), with its wait and run times.
   * @throws PoolError: 503 busy when no worker frees up in time, 504 deadline, 499 cancelled, or the query's own 4xx.
   */
  run(job: Job, block: number, owner: string, signal?: AbortSignal, cost: CostClass = "heavy"): Promise<PoolAnswer> {
    if (this.#closed) return Promise.reject(new PoolError(503, "closing", "the server is shutting down"));
    this.#block = Math.max(this.#block ?? block, block);
    return new Promise<PoolAnswer>((resolve, reject) => {
      const pending: Pending = { id: this.#next++, job, block, owner, cost, queuedAt: performance.now(), startedAt: null, slot: null, timer: null, resolve, reject };
      const onAbort = () => {
        const queued = this.#queue.indexOf(pending);
        if (queued >= 0) {
          this.#queue.splice(queued, 1);
          this.#stats.cancelled++;
          this.#finish(pending, new PoolError(499, "cancelled", "the client went away"));
        } else if (pending.slot !== null) {
          this.#stats.cancelled++;
          const slot = pending.slot;
          this.#finish(pending, new PoolError(499, "cancelled", "the client went away"));
          this.#kill(slot);
        }
      };
      if (signal?.aborted) return reject(new PoolError(499, "cancelled", "the client went away"));
      signal?.addEventListener("abort", onAbort, { once: true });
      const settle = <T>(f: (v: T) => void) => (v: T) => {
        signal?.removeEventListener("abort", onAbort);
        f(v);
      };
      pending.resolve = settle(resolve);
      pending.reject = settle(reject);
      pending.timer = setTimeout(() => {
        const queued = this.#queue.indexOf(pending);
        if (queued < 0) return;
        this.#queue.splice(queued, 1);
        this.#finish(pending, new PoolError(503, "busy", `every query worker stayed busy for ${this.#options.queueWaitMs} ms: try again shortly`, 1));
      }, this.#options.queueWaitMs);
      this.#queue.push(pending);
      this.#dispatch();
    });
  }

  /** Has idle workers load the model of `block` ahead of the next query. */
  warm(block: number): void {
    if (this.#block !== null && block <= this.#block) return;
    this.#block = block;
    for (const slot of this.#slots) if (slot.alive) this.#post(slot, { type: "warm", block });
  }

  /** Whether some worker holds the model of `block`. */
  loaded(block: number): boolean {
    return this.#slots.some((s) => s.alive && s.loaded === block);
  }

  stats(): PoolStats {
    return {
      workers: this.#slots.length,
      busy: this.#slots.filter((s) => s.job !== null).length,
      queued: this.#queue.length,
      ...this.#stats,
      modelBlocks: this.#slots.map((s) => s.loaded),
      lanes: this.#slots.map((s) => s.lane),
      completedBy: { ...this.#completedBy },
      modelLoads: { ...this.#loads },
    };
  }

  /** Ends every thread; waiting and running jobs fail with 503. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) this.#finish(job, new PoolError(503, "closing", "the server is shutting down"));
    await Promise.all(this.#slots.map(async (slot) => {
      slot.alive = false;
      const job = slot.job;
      slot.job = null;
      if (job !== null) this.#finish(job, new PoolError(503, "closing", "the server is shutting down"));
      await slot.worker.terminate();
    }));
  }
}
