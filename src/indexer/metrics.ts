/**
 * Prometheus metrics and health state for the long-running processes (`index --follow`, `serve`), with
 * prom-client: one registry per process, the process's default metrics (memory, CPU, event loop, GC) and the
 * ledger's own series, all prefixed `goods_ledger_`. Served on a separate loopback port by
 * {@link serveMetrics}, so a Prometheus scrape needs no API token and never reaches analyst data (flags, traces).
 * README: "Running around the clock".
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { renameSync, writeFileSync } from "node:fs";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { hexToNumber, type JsonRpc } from "./rpc.js";
import type { Store } from "./store/store.js";
import type { SyncBatch } from "./types.js";

/** The chain head as a metric source reads it: number and timestamp (seconds). */
export interface HeadBlock {
  number: number;
  timestamp: number;
}

/** Reads the head block (number and time) through the indexer's JSON-RPC client. */
export function headReader(rpc: JsonRpc): () => Promise<HeadBlock> {
  return async () => {
    const b = await rpc.call<{ number: string; timestamp: string } | null>("eth_getBlockByNumber", ["latest", false]);
    if (b === null) throw new Error("the node has no latest block");
    return { number: hexToNumber(b.number), timestamp: hexToNumber(b.timestamp) };
  };
}

/** Latency buckets in seconds, from 1 ms to 30 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Readiness: whether, and why not, with the figures it was decided on. */
export interface HealthState {
  ready: boolean;
  /** The last indexed block (null: empty index). */
  indexedBlock: number | null;
  /** The chain head (null: the node did not answer). */
  headBlock: number | null;
  lagBlocks: number | null;
  lagSeconds: number | null;
  /** Why not ready; empty when ready. */
  reasons: string[];
  /** When this state was decided (ISO 8601). */
  updatedAt: string;
}

/**
 * The series both processes share: the index position against the chain head (read on each scrape), errors by
 * code, and the default process metrics. Subclassed per process.
 */
export class LedgerMetrics {
  readonly registry = new Registry();
  readonly errors: Counter<"code">;
  readonly headBlock: Gauge;
  readonly indexedBlock: Gauge;
  readonly lagBlocks: Gauge;
  readonly lagSeconds: Gauge;
  /** The head and position read by the last scrape or health check (cached for a second). */
  #last: { at: number; state: HealthState } | null = null;
  #pending: Promise<HealthState> | null = null;
  readonly #source: { store: Store; head?: () => Promise<HeadBlock>; readyLagBlocks: number };

  /**
   * @param source.store - the index (its position is read on each scrape).
   * @param source.head - reads the chain head; absent: the head and lag series stay unset.
   * @param source.readyLagBlocks - readiness wants the index within this many blocks of the head.
   * @param process - the process's name, a label on every series (`index` or `serve`).
   */
  constructor(source: { store: Store; head?: () => Promise<HeadBlock>; readyLagBlocks: number }, process: "index" | "serve") {
    this.#source = source;
    this.registry.setDefaultLabels({ process });
    collectDefaultMetrics({ register: this.registry, prefix: "goods_ledger_" });
    const r = [this.registry];
    this.errors = new Counter({ name: "goods_ledger_errors_total", help: "Errors by code (the rule's name, e.g. rpc-unreachable, rate-limited, deadline)", labelNames: ["code"], registers: r });
    // The position gauges are read when scraped (at most a second old); prom-client collects them concurrently,
    // so each waits for the same health check.
    const refresh = async () => {
      await this.health();
    };
    this.headBlock = new Gauge({ name: "goods_ledger_chain_head_block", help: "The chain head block number (eth_getBlockByNumber latest)", registers: r, collect: refresh });
    this.indexedBlock = new Gauge({ name: "goods_ledger_indexed_block", help: "The last block committed to the index", registers: r, collect: refresh });
    this.lagBlocks = new Gauge({ name: "goods_ledger_index_lag_blocks", help: "Blocks the index is behind the chain head", registers: r, collect: refresh });
    this.lagSeconds = new Gauge({ name: "goods_ledger_index_lag_seconds", help: "Seconds between the head block's time and the indexed block's time", registers: r, collect: refresh });
  }

  /** Counts an error by its code. */
  error(code: string): void {
    this.errors.inc({ code });
  }

  /** Extra readiness reasons of the process (e.g. the trace model is not loaded). */
  protected async extraReasons(_indexedBlock: number | null): Promise<string[]> {
    return [];
  }

  /**
   * Decides readiness: the index is not empty, the node answers, the index is within `readyLagBlocks` of the
   * head, and whatever the process adds. Cached for a second, so probes and scrapes never pile work on the store
   * or the node. Updates the position gauges.
   */
  async health(): Promise<HealthState> {
    if (this.#last !== null && Date.now() - this.#last.at < 1_000) return this.#last.state;
    this.#pending ??= this.#check().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  async #check(): Promise<HealthState> {
    const reasons: string[] = [];
    const position = await this.#source.store.position();
    let indexedTime: number | null = null;
    if (position === null) reasons.push("the index is empty: run `goods-ledger index`");
    else {
      const [h] = await this.#source.store.headers(position.block, position.block);
      indexedTime = h?.timestamp ?? null;
    }
    let head: HeadBlock | null = null;
    if (this.#source.head !== undefined) {
      try {
        head = await Promise.race([this.#source.head(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer within 2 s")), 2_000).unref())]);
      } catch (error) {
        reasons.push(`the chain head is unknown: ${(error as Error).message}`);
        this.error("head-unknown");
      }
    }
    const indexed = position?.block ?? null;
    const lagBlocks = head !== null && indexed !== null ? Math.max(0, head.number - indexed) : null;
    const lagSeconds = head !== null && indexedTime !== null ? Math.max(0, head.timestamp - indexedTime) : null;
    if (lagBlocks !== null && lagBlocks > this.#source.readyLagBlocks) reasons.push(`the index is ${lagBlocks} blocks behind the chain head (at most ${this.#source.readyLagBlocks})`);
    reasons.push(...(await this.extraReasons(indexed)));
    if (indexed !== null) this.indexedBlock.set(indexed);
    if (head !== null) this.headBlock.set(head.number);
    if (lagBlocks !== null) this.lagBlocks.set(lagBlocks);
    if (lagSeconds !== null) this.lagSeconds.set(lagSeconds);
    const state: HealthState = { ready: reasons.length === 0, indexedBlock: indexed, headBlock: head?.number ?? null, lagBlocks, lagSeconds, reasons, updatedAt: new Date().toISOString() };
    this.#last = { at: Date.now(), state };
    return state;
  }

  /** The registry as Prometheus text (exposition format 0.0.4). */
  async text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The indexer's series: ingest, commits, follow polls. */
export class IndexerMetrics extends LedgerMetrics {
  readonly eventsIngested: Counter<"type">;
  readonly commitSeconds: Histogram;
  readonly commits: Counter;

  constructor(source: { store: Store; head?: () => Promise<HeadBlock>; readyLagBlocks: number }) {
    super(source, "index");
    const r = [this.registry];
    this.eventsIngested = new Counter({ name: "goods_ledger_events_ingested_total", help: "Events committed to the index, by type (transfer, other); rate() gives events per second", labelNames: ["type"], registers: r });
    this.commitSeconds = new Histogram({ name: "goods_ledger_store_commit_seconds", help: "Latency of one atomic store commit (a block range's rows and the position)", buckets: LATENCY_BUCKETS, registers: r });
    this.commits = new Counter({ name: "goods_ledger_store_commits_total", help: "Store commits", registers: r });
  }

  /**
   * The store with its commits timed and counted (every other call passes through). The indexer syncs into
   * this wrapper; the original stays usable.
   */
  instrument(store: Store): Store {
    const commit = async (batch: SyncBatch) => {
      const stop = this.commitSeconds.startTimer();
      await store.commit(batch);
      stop();
      this.commits.inc();
      this.eventsIngested.inc({ type: "transfer" }, batch.transfers.length);
      this.eventsIngested.inc({ type: "other" }, batch.events.length);
      this.indexedBlock.set(batch.toBlock);
    };
    return new Proxy(store, {
      get(target, key, receiver) {
        if (key === "commit") return commit;
        const v = Reflect.get(target, key, receiver) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }
}

/**
 * Writes the health state to `file` atomically (a temporary file in the same folder, then rename), so a reader
 * never sees half a document.
 */
export function writeHealthFile(file: string, state: HealthState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

/** A running metrics endpoint. */
export interface MetricsEndpoint {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text), `GET /healthz` (alive) and `GET /readyz` (200 or 503 with the
 * {@link HealthState} as JSON) on its own port, loopback by default. Nothing else: no token, no analyst data.
 */
export async function serveMetrics(metrics: LedgerMetrics, options: { host?: string; port: number }): Promise<MetricsEndpoint> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
      res.end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "application/json", '{"error":{"code":"method-not-allowed","message":"GET only"}}\n');
    const work = async () => {
      if (path === "/metrics") return send(200, metrics.registry.contentType, await metrics.text());
      if (path === "/healthz") return send(200, "application/json", '{"status":"alive"}\n');
      if (path === "/readyz") {
        const state = await metrics.health();
        return send(state.ready ? 200 : 503, "application/json", `${JSON.stringify(state)}\n`);
      }
      return send(404, "application/json", `{"error":{"code":"not-found","message":"nothing at ${JSON.stringify(path).slice(1, -1)}: /metrics, /healthz, /readyz"}}\n`);
    };
    work().catch((error: unknown) => send(500, "application/json", `${JSON.stringify({ error: { code: "internal", message: (error as Error).message } })}\n`));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
