/**
 * Trace latency on a synthetic ledger: 1,000,000 transfers among 100,000 wallets (20% of them touching 1,000
 * hub wallets, like agents and merchants), written into a SQLite store through the Store interface, loaded
 * into the trace model, then queried from random wallets:
 * - forward6: a 6-hop forward trace, at most 10,000 edges;
 * - path6: all transfers on 6-hop paths between two connected wallets (the target 4–6 hops downstream of the
 *   source), at most 10,000 edges (random pairs, mostly unconnected, are printed too);
 * - provenance: FIFO lot provenance of a random wallet at the tip;
 * - provenanceAt: FIFO lot provenance of a random wallet at a random past block (a different block per query);
 * - exposurePoison / exposureHaircut / exposureFifo: exposure of a random wallet to 5 flagged wallets at a random
 *   past block (bench/lib/replay-queries.ts).
 * The one-time replays behind provenance and exposure are timed apart (`replaySetUpSeconds`).
 * Writes the `trace` key of bench/results/trace.json (bench/ingest.ts writes `ingest`).
 *
 *   node --import tsx bench/trace.ts [--transfers N] [--wallets N] [--queries N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../src/indexer/store/sqlite.js";
import type { Address } from "../src/indexer/types.js";
import { loadModel } from "../src/trace/model.js";
import { findPaths } from "../src/trace/paths.js";
import { traceForward } from "../src/trace/trace.js";
import { numberArg, rng } from "./lib/args.js";
import { writeSyntheticLedger } from "./lib/ledger.js";
import { mergeResults, percentiles } from "./lib/results.js";
import { replayQueries, setUpReplays } from "./lib/replay-queries.js";
import os from "node:os";

const arg = numberArg;
const TRANSFERS = arg("--transfers", 1_000_000);
const WALLETS = arg("--wallets", 100_000);
const QUERIES = arg("--queries", 200);
const HUBS = 1_000;
const LOTS = 50;
const PER_BLOCK = 10;
const EDGE_CAP = 10_000;

const hex = (n: number, bytes: number) => `0x${n.toString(16).padStart(bytes * 2, "0")}`;
const walletAddress = (i: number) => hex(0x10_0000 + i, 20) as Address;

/**
 * Writes the synthetic ledger into the store in batches of blocks (bench/lib/ledger.ts): every wallet first gets
 * an issue against one of the lots; then transfers move a random part of the sender's balance.
 */
async function generate(store: SqliteStore): Promise<void> {
  await writeSyntheticLedger(store, { transfers: TRANSFERS, wallets: WALLETS, hubs: HUBS, lots: LOTS, perBlock: PER_BLOCK, seed: 42 });
}

function measure(name: string, unit: string, run: (i: number) => number): { p50_ms: number; p99_ms: number; meanEdges: number; maxEdges: number } {
  for (let i = 0; i < 10; i++) run(QUERIES + i); // warm-up (JIT), not measured
  const times: number[] = [];
  let edges = 0;
  let most = 0;
  for (let i = 0; i < QUERIES; i++) {
    const t0 = performance.now();
    const n = run(i);
    times.push(performance.now() - t0);
    edges += n;
    most = Math.max(most, n);
  }
  const { p50, p99 } = percentiles(times);
  const r = { p50_ms: round(p50), p99_ms: round(p99), meanEdges: Math.round(edges / QUERIES), maxEdges: most };
  console.log(`${name.padEnd(13)} p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms  (${QUERIES} queries; ${unit} returned: mean ${r.meanEdges}, max ${r.maxEdges})`);
  return r;
}

const round = (x: number) => Math.round(x * 100) / 100;

const dir = mkdtempSync(join(tmpdir(), "goods-ledger-bench-trace-"));
try {
  const store = new SqliteStore(join(dir, "index.sqlite"));
  let t0 = performance.now();
  await generate(store);
  const counts = await store.counts();
  console.log(`wrote ${counts.transfers} transfers among ${WALLETS} wallets into SQLite in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  const model = await loadModel(store);
  console.log(`loaded the trace model (${model.size} transfers, ${model.address.length - 1} wallets) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // The one-time set-up of provenance and exposure (one replay each, then kept up to date), reported apart.
  const queries = replayQueries(model);
  const setUp = setUpReplays(model, queries);
  console.log(`one-time replays (s): ${Object.entries(setUp).map(([k, v]) => `${k} ${v}`).join(", ")}; rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`);
  const random = rng(7);
  const starts = Array.from({ length: QUERIES + 10 }, () => walletAddress(HUBS + Math.floor(random() * (WALLETS - HUBS))));
  const ends = Array.from({ length: QUERIES + 10 }, () => walletAddress(HUBS + Math.floor(random() * (WALLETS - HUBS))));
  const forward6 = measure("forward6", "edges", (i) => traceForward(model, { wallet: starts[i]! }, { hops: 6, maxEdges: EDGE_CAP }).edges.length);
  // Path queries between connected wallets: the target is a wallet 4–6 hops downstream of the source (so a
  // path exists), picked from a forward trace outside the clock. Random pairs are mostly unconnected.
  const connected = starts.map((a, i) => {
    const far = traceForward(model, { wallet: a }, { hops: 6, maxEdges: EDGE_CAP }).wallets.filter((w) => w.hop >= 4);
    return far.length > 0 ? far[Math.floor(random() * far.length)]!.address : ends[i]!;
  });
  measure("path6 random", "edges", (i) => findPaths(model, starts[i]!, ends[i]!, { hops: 6, maxEdges: EDGE_CAP }).edges.length);
  const path6 = measure("path6", "edges", (i) => findPaths(model, starts[i]!, connected[i]!, { hops: 6, maxEdges: EDGE_CAP }).edges.length);
  // Provenance and exposure: a random wallet at a random past block per query (bench/lib/replay-queries.ts).
  const replayRng = rng(11);
  const timed: Record<string, { p50_ms: number; p99_ms: number }> = {};
  for (const [name, run] of Object.entries(queries.runners)) {
    const r = measure(name, name.startsWith("exposure") ? "sources" : "lots", () => run(model, replayRng));
    timed[name] = { p50_ms: r.p50_ms, p99_ms: r.p99_ms };
  }
  const { provenance: prov, provenanceAt: provAt, ...exposures } = timed;
  await store.close();
  const trace = {
    transfers: counts.transfers,
    wallets: WALLETS,
    forward6: { p50_ms: forward6.p50_ms, p99_ms: forward6.p99_ms },
    path6: { p50_ms: path6.p50_ms, p99_ms: path6.p99_ms },
    provenance: prov!,
    provenanceAt: provAt!,
    ...exposures,
    replaySetUpSeconds: setUp,
    rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
  const file = mergeResults("trace", trace);
  const ok = [forward6, path6, ...Object.values(timed)].every((r) => r.p50_ms <= 100 && r.p99_ms <= 500);
  console.log(`${ok ? "within" : "OUTSIDE"} the bars (every p50 ≤ 100 ms, every p99 ≤ 500 ms); wrote ${file}`);
  if (!ok) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
