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
import { encodeCheckpoint } from "../src/indexer/checkpoint.js";
import { SqliteStore } from "../src/indexer/store/sqlite.js";
import type { Address, BlockHeader, Hex, LedgerEventRow, TransferRow } from "../src/indexer/types.js";
import { loadModel } from "../src/trace/model.js";
import { exposure } from "../src/trace/exposure.js";
import { findPaths } from "../src/trace/paths.js";
import { provenance } from "../src/trace/provenance.js";
import { traceForward } from "../src/trace/trace.js";
import { mergeResults, percentiles } from "./lib/results.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TRANSFERS = arg("--transfers", 1_000_000);
const WALLETS = arg("--wallets", 100_000);
const QUERIES = arg("--queries", 200);
const HUBS = 1_000;
const LOTS = 50;
const PER_BLOCK = 10;
const EDGE_CAP = 10_000;

/** Deterministic PRNG (mulberry32), so every run measures the same ledger. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n: number, bytes: number) => `0x${n.toString(16).padStart(bytes * 2, "0")}`;
const walletAddress = (i: number) => hex(0x10_0000 + i, 20) as Address;
const ZERO = "0x0000000000000000000000000000000000000000" as Address;

/**
 * Writes the synthetic ledger into the store in batches of blocks. Every wallet first gets an issue against
 * one of the lots; then transfers move a random part of the sender's balance, so balances never go negative.
 */
async function generate(store: SqliteStore): Promise<void> {
  const random = rng(42);
  const balance = new Float64Array(WALLETS);
  const pick = () => Math.floor(random() * WALLETS);
  const hub = () => Math.floor(random() * HUBS); // wallets 0..HUBS-1 are hubs
  let block = 1;
  let inBlock = 0;
  let transfers: TransferRow[] = [];
  const events: LedgerEventRow[] = [];
  let batchStart = 1;
  const lots = Array.from({ length: LOTS }, (_, i) => hex(0xa0_0000 + i, 32) as Hex);
  const header = (n: number): BlockHeader => ({ number: n, hash: hex(n, 32) as Hex, parentHash: hex(n - 1, 32) as Hex, timestamp: 1_700_000_000 + n * 12 });
  const flush = async () => {
    await store.commit({ fromBlock: batchStart, toBlock: block, toHash: header(block).hash, headers: [header(block)], transfers, events: events.splice(0) });
    transfers = [];
    batchStart = block + 1;
  };
  const push = (from: number, to: number, amount: number, lot: number | null) => {
    if (inBlock === PER_BLOCK) {
      inBlock = 0;
      block++;
    }
    transfers.push({
      checkpoint: encodeCheckpoint({ block, txIndex: inBlock, logIndex: inBlock }), block, txIndex: inBlock, logIndex: inBlock,
      txHash: hex(block * 16 + inBlock, 32) as Hex, timestamp: header(block).timestamp,
      from: from < 0 ? ZERO : walletAddress(from), to: walletAddress(to), amount: BigInt(amount), kind: lot === null ? "transfer" : "issue",
      lot: lot === null ? null : lots[lot]!, reference: null,
    });
    inBlock++;
  };
  for (let w = 0; w < WALLETS; w++) {
    const amount = 1_000_000 + Math.floor(random() * 1_000_000_000);
    balance[w] = amount;
    push(-1, w, amount, Math.floor(random() * LOTS));
  }
  for (let i = WALLETS; i < TRANSFERS; i++) {
    let from: number;
    let to: number;
    if (random() < 0.2) {
      // Hub traffic: a wallet pays into a hub, or a hub pays out.
      if (random() < 0.5) {
        from = pick();
        to = hub();
      } else {
        from = hub();
        to = pick();
      }
    } else {
      from = pick();
      to = pick();
    }
    if (from === to) to = (to + 1) % WALLETS;
    const amount = Math.max(1, Math.floor(balance[from]! * (0.05 + random() * 0.4)));
    if (balance[from]! < amount) continue;
    balance[from]! -= amount;
    balance[to]! += amount;
    push(from, to, amount, null);
    if (transfers.length >= 50_000 && inBlock === PER_BLOCK) await flush();
  }
  if (transfers.length > 0) await flush();
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
