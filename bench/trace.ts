/**
 * Trace latency on a synthetic ledger: 1,000,000 transfers among 100,000 wallets (20% of them touching 1,000
 * hub wallets, like agents and merchants), written into a SQLite store through the Store interface, loaded
 * into the trace model, then queried from random wallets:
 * - forward6: a 6-hop forward trace, at most 10,000 edges;
 * - path6: all transfers on 6-hop paths between two connected wallets (the target 4–6 hops downstream of the
 *   source), at most 10,000 edges (random pairs, mostly unconnected, are printed too);
 * - provenance: FIFO lot provenance of one wallet;
 * - provenanceAt: FIFO lot provenance of one wallet at a random past block;
 * - exposurePoison / exposureHaircut / exposureFifo: exposure of one wallet to 5 flagged wallets at the tip.
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
import { exposure } from "../src/trace/exposure.js";
import { findPaths } from "../src/trace/paths.js";
import { provenance } from "../src/trace/provenance.js";
import { traceForward } from "../src/trace/trace.js";
import { numberArg, rng } from "./lib/args.js";
import { writeSyntheticLedger } from "./lib/ledger.js";
import { mergeResults, percentiles } from "./lib/results.js";

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
  t0 = performance.now();
  provenance(model, walletAddress(0), { policy: "fifo" });
  console.log(`replayed FIFO lot provenance over the whole history once (then reused per query) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
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
  const prov = measure("provenance", "lots", (i) => provenance(model, starts[i]!, { policy: "fifo" }).lots.length);
  const pastBlocks = Array.from({ length: QUERIES + 10 }, () => 1 + Math.floor(random() * model.tip.block));
  const provAt = measure("provenanceAt", "lots", (i) => provenance(model, starts[i]!, { policy: "fifo", atBlock: pastBlocks[i]! }).lots.length);
  const flagged = Array.from({ length: 5 }, () => walletAddress(HUBS + Math.floor(random() * (WALLETS - HUBS))));
  const exposures: Record<string, { p50_ms: number; p99_ms: number }> = {};
  for (const policy of (process.env.BENCH_EXPOSURE_POLICIES ?? "poison,fifo,haircut").split(",")) {
    t0 = performance.now();
    exposure(model, starts[0]!, { policy, flagged });
    console.log(`exposure ${policy}: every wallet's taint from the 5 flagged wallets, one replay (then reused per query) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const r = measure(`exposure ${policy}`, "sources", (i) => exposure(model, starts[i]!, { policy, flagged }).bySource.length);
    exposures[`exposure${policy[0]!.toUpperCase()}${policy.slice(1)}`] = { p50_ms: r.p50_ms, p99_ms: r.p99_ms };
  }
  await store.close();
  const trace = {
    transfers: counts.transfers,
    wallets: WALLETS,
    forward6: { p50_ms: forward6.p50_ms, p99_ms: forward6.p99_ms },
    path6: { p50_ms: path6.p50_ms, p99_ms: path6.p99_ms },
    provenance: { p50_ms: prov.p50_ms, p99_ms: prov.p99_ms },
    provenanceAt: { p50_ms: provAt.p50_ms, p99_ms: provAt.p99_ms },
    ...exposures,
  };
  const file = mergeResults("trace", trace);
  const ok = [forward6, path6, prov, provAt, ...Object.values(exposures)].every((r) => r.p50_ms <= 100 && r.p99_ms <= 500);
  console.log(`${ok ? "within" : "OUTSIDE"} the bars (every p50 ≤ 100 ms, every p99 ≤ 500 ms); wrote ${file}`);
  if (!ok) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
