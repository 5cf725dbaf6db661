/**
 * The analyst server's Prometheus series (README, "Running around the clock"): requests by route and status,
 * query latency by kind, trace model loads, the query pool, on top of {@link LedgerMetrics} (index position
 * against the chain head, errors by code, process memory). `serve --metrics-port` serves them on a loopback
 * port of their own ({@link serveMetrics}).
 */
import { Counter, Gauge, Histogram } from "prom-client";
import { LATENCY_BUCKETS, LedgerMetrics, type HeadBlock } from "../indexer/metrics.js";
import type { Store } from "../indexer/store/store.js";
import type { PoolStats } from "./pool.js";
import type { ModelLoad } from "./worker.js";

/** The server's metrics; hand it to `startServer({ metrics })`. */
export class ServerMetrics extends LedgerMetrics {
  readonly requests: Counter<"route" | "method" | "status">;
  readonly requestSeconds: Histogram<"route">;
  readonly querySeconds: Histogram<"kind">;
  readonly modelLoadSeconds: Histogram<"how">;
  readonly modelBlock: Gauge;
  readonly modelTransfers: Gauge;
  /** Set by the server once its pool runs: whether a worker holds the model of a block, and the pool's counters. */
  pool: { loaded(block: number): boolean; stats(): PoolStats } | null = null;
  #modelBlock = -1;

  constructor(source: { store: Store; head?: () => Promise<HeadBlock>; readyLagBlocks: number }) {
    super(source, "serve");
    const r = [this.registry];
    this.requests = new Counter({ name: "goods_ledger_http_requests_total", help: "HTTP requests answered, by route pattern, method and status", labelNames: ["route", "method", "status"], registers: r });
    this.requestSeconds = new Histogram({ name: "goods_ledger_http_request_seconds", help: "HTTP request latency by route pattern", labelNames: ["route"], buckets: LATENCY_BUCKETS, registers: r });
    this.querySeconds = new Histogram({ name: "goods_ledger_query_seconds", help: "Trace query latency by kind (queue wait and run on a worker), answered queries only", labelNames: ["kind"], buckets: LATENCY_BUCKETS, registers: r });
    this.modelLoadSeconds = new Histogram({ name: "goods_ledger_model_load_seconds", help: "Time a query worker took to bring its trace model to a new indexed block, by how (appended in place, rolled-back, snapshot, built, past)", labelNames: ["how"], buckets: LATENCY_BUCKETS, registers: r });
    this.modelBlock = new Gauge({ name: "goods_ledger_model_block", help: "The newest block a query worker's trace model holds", registers: r });
    this.modelTransfers = new Gauge({ name: "goods_ledger_model_transfers", help: "Transfers in the newest trace model", registers: r });
    const self = this;
    const poolGauge = (name: string, help: string, pick: (s: PoolStats) => number) =>
      new Gauge({ name, help, registers: r, collect() { if (self.pool !== null) this.set(pick(self.pool.stats())); } });
    poolGauge("goods_ledger_query_workers_busy", "Query workers running a job", (s) => s.busy);
    poolGauge("goods_ledger_query_queue_length", "Queries waiting for a worker", (s) => s.queued);
    poolGauge("goods_ledger_query_timeouts", "Queries stopped at the deadline since start", (s) => s.timedOut);
  }

  /** A worker loaded (or appended to) its model. */
  modelLoaded(block: number, ms: number, transfers: number, how: ModelLoad): void {
    this.modelLoadSeconds.observe({ how }, ms / 1000);
    if (how === "past" || block < this.#modelBlock) return;
    this.#modelBlock = block;
    this.modelBlock.set(block);
    this.modelTransfers.set(transfers);
  }

  /** One answered request (Fastify's onResponse). */
  request(route: string, method: string, status: number, seconds: number): void {
    this.requests.inc({ route, method, status: String(status) });
    this.requestSeconds.observe({ route }, seconds);
  }

  protected override async extraReasons(indexedBlock: number | null): Promise<string[]> {
    if (indexedBlock === null || this.pool === null || this.pool.loaded(indexedBlock)) return [];
    return [`the trace model of block ${indexedBlock} is not loaded yet`];
  }
}
