/**
 * `npm run bench -- scale`: the trace model at national scale. Writes the `scale` key of bench/results/trace.json.
 *
 * 1. Bulk-loads a synthetic history (default 20,000,000 transfers among 2,000,000 wallets, 1% of them hubs taking
 *    20% of the traffic, every wallet first issued against one of 50 lots; as bench/trace.ts) straight into a
 *    SQLite index with the store's schema: 50-row INSERTs in 2,000,000-row transactions, the wallet indexes built
 *    once after the load with a 1 GB sort cache.
 * 2. Builds the trace model from the store (loadModel: SQLite's one ordered scan) and writes its snapshot.
 * 3. In a fresh process: loads the model from the snapshot (`loadSeconds`, `bytesPerTransfer` = resident memory it
 *    added / transfers), runs the queries of {@link QUERIES} (p50/p99), appends 1,000-transfer blocks in place
 *    (`appendMs`), and reports the process's peak RSS (`rssMB`).
 *
 * Bars (issue 9): every p50 ≤ 100 ms, every p99 ≤ 1,000 ms, rssMB ≤ 3,072, loadSeconds ≤ 30, appendMs p99 ≤ 1,000,
 * and the whole run ≤ 20 minutes on 2 cores. The load average is printed and written with the figures, with the
 * seconds of each set-up step and the query shapes skipped. Only a run at 20M / 2M or more writes the result.
 *
 *   node --import tsx bench/scale.ts [--transfers N] [--wallets N] [--queries N] [--appends N] [--keep DIR] [--skip provenance]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { encodeCheckpoint } from "../src/indexer/checkpoint.js";
import { SqliteStore } from "../src/indexer/store/sqlite.js";
import type { Address, Hex, TransferRow } from "../src/indexer/types.js";
import { liveBuilder, loadModel, type TraceModel } from "../src/trace/model.js";
import { findPaths } from "../src/trace/paths.js";
import { readSnapshot, writeSnapshot } from "../src/trace/snapshot.js";
import { traceForward } from "../src/trace/trace.js";
import { numberArg, rng } from "./lib/args.js";
import { replayQueries, setUpReplays } from "./lib/replay-queries.js";
import { mergeResults, percentiles } from "./lib/results.js";

const TRANSFERS = numberArg("--transfers", 20_000_000);
const WALLETS = numberArg("--wallets", 2_000_000);
const QUERY_COUNT = numberArg("--queries", 100);
const APPENDS = numberArg("--appends", 40);
const HUBS = Math.max(10, Math.floor(WALLETS / 100));
/** `--skip a,b`: query shapes left out of this run (their keys are then absent from the result). */
const SKIP = new Set((process.argv.includes("--skip") ? process.argv[process.argv.indexOf("--skip") + 1]! : "").split(",").filter(Boolean));
const LOTS = 50;
/** Rows per multi-row INSERT of the bulk load. */
const ROWS = 50;
const PER_BLOCK = 10;
const EDGE_CAP = 10_000;
const DEPLOYMENT = JSON.stringify({ chainId: 31337, token: "0x00000000000000000000000000000000000000aa", reserveRegistry: "0x00000000000000000000000000000000000000bb", startBlock: 1 });

const hex = (n: number, bytes: number) => `0x${n.toString(16).padStart(bytes * 2, "0")}`;
const walletAddress = (i: number) => hex(0x10_0000 + i, 20) as Address;
const ZERO = "0x0000000000000000000000000000000000000000" as Address;
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
const log = (msg: string) => console.error(`[scale ${elapsed()} load ${load()}] ${msg}`);
const round = (x: number) => Math.round(x * 100) / 100;
const mb = (bytes: number) => Math.round(bytes / 2 ** 20).toLocaleString("en");

/** Writes the synthetic history into a SQLite index at `file`; returns the tip block. */
/** Seconds each set-up step took in this run (absent: reused from `--keep DIR`, so `totalSeconds` leaves it out). */
const setupSeconds: { insert?: number; walletIndexes?: number; model?: number; snapshot?: number } = {};
const since = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

function bulkLoad(file: string): number {
  const loadStarted = performance.now();
  new SqliteStore(file).close(); // the store's schema
  const db = new Database(file);
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  db.pragma("locking_mode = EXCLUSIVE");
  db.pragma("cache_size = -1048576");
  db.pragma("temp_store = MEMORY");
  db.pragma("threads = 2");
  db.exec("DROP INDEX IF EXISTS transfers_from; DROP INDEX IF EXISTS transfers_to;");
  // Multi-row statements (ROWS rows each): one call into SQLite per ROWS rows.
  const multi = (sql: string, columns: number) => db.prepare(`${sql} VALUES ${Array.from({ length: ROWS }, () => `(${Array(columns).fill("?").join(", ")})`).join(", ")}`);
  const insWallets = multi("INSERT INTO wallets (id, address)", 2);
  const insWallet = db.prepare("INSERT INTO wallets (id, address) VALUES (?, ?)");
  const insTransfers = multi("INSERT INTO transfers", 12);
  const insTransfer = db.prepare("INSERT INTO transfers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const insHeader = db.prepare("INSERT INTO headers VALUES (?, ?, ?, ?)");
  db.transaction(() => {
    insWallet.run(1, ZERO);
    const args: (string | number)[] = [];
    for (let w = 0; w < WALLETS; w++) {
      args.push(w + 2, walletAddress(w));
      if (args.length === ROWS * 2) insWallets.run(args), (args.length = 0);
    }
    for (let k = 0; k < args.length; k += 2) insWallet.run(args[k]!, args[k + 1]!);
  })();
  const random = rng(42);
  const balance = new Float64Array(WALLETS);
  const lots = Array.from({ length: LOTS }, (_, i) => hex(0xa0_0000 + i, 32));
  const time = (b: number) => 1_700_000_000 + b * 12;
  let block = 1;
  let inBlock = 0;
  let written = 0;
  let t0 = performance.now();
  const args: (string | number | null)[] = [];
  const flush = () => {
    for (let k = 0; k < args.length; k += 12) insTransfer.run(args.slice(k, k + 12));
    args.length = 0;
  };
  const push = (from: number, to: number, amount: number, lot: number | null) => {
    if (inBlock === PER_BLOCK) {
      inBlock = 0;
      block++;
    }
    args.push(
      encodeCheckpoint({ block, txIndex: inBlock, logIndex: inBlock }), block, inBlock, inBlock, hex(block * 16 + inBlock, 32), time(block),
      from + 2, to + 2, String(amount), lot === null ? "transfer" : "issue", lot === null ? null : lots[lot]!, null,
    );
    if (args.length === ROWS * 12) insTransfers.run(args), (args.length = 0);
    inBlock++;
    if (++written % 1_000_000 === 0) log(`wrote ${written / 1e6}M transfers (${Math.round(1_000_000 / ((performance.now() - t0) / 1000)).toLocaleString("en")} rows/s)`), (t0 = performance.now());
  };
  const pick = () => Math.floor(random() * WALLETS);
  const hub = () => Math.floor(random() * HUBS);
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      if (i < WALLETS) {
        const amount = 1_000_000 + Math.floor(random() * 1_000_000_000);
        balance[i] = amount;
        push(-1, i, amount, Math.floor(random() * LOTS));
        continue;
      }
      let f: number;
      let t: number;
      if (random() < 0.2) {
        if (random() < 0.5) (f = pick()), (t = hub());
        else (f = hub()), (t = pick());
      } else (f = pick()), (t = pick());
      if (f === t) t = (t + 1) % WALLETS;
      const amount = Math.max(1, Math.floor(balance[f]! * (0.05 + random() * 0.4)));
      if (balance[f]! < amount) {
        // Keep the count exact: a wallet short of funds receives from a hub instead.
        f = hub();
        if (f === t) t = (t + 1) % WALLETS;
        const a = Math.max(1, Math.floor(balance[f]! * 0.01));
        balance[f]! -= a;
        balance[t]! += a;
        push(f, t, a, null);
        continue;
      }
      balance[f]! -= amount;
      balance[t]! += amount;
      push(f, t, amount, null);
    }
    flush();
  });
  // The zero address mints: its id is 1, wallet w is w + 2 (from = -1 → 1).
  for (let i = 0; i < TRANSFERS; i += 2_000_000) batch(i, Math.min(TRANSFERS, i + 2_000_000));
  db.transaction(() => {
    for (let b = Math.max(1, block - 64); b <= block; b++) insHeader.run(b, hex(b, 32), hex(b - 1, 32), time(b));
    db.prepare("INSERT INTO position (id, block, hash) VALUES (1, ?, ?)").run(block, hex(block, 32));
    db.prepare("INSERT INTO meta VALUES ('deployment', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(DEPLOYMENT);
  })();
  setupSeconds.insert = since(loadStarted);
  // The store's wallet indexes, built once after the load with a big sort cache (opening the store would build them
  // with its own smaller one).
  t0 = performance.now();
  db.exec("CREATE INDEX IF NOT EXISTS transfers_from ON transfers (from_id); CREATE INDEX IF NOT EXISTS transfers_to ON transfers (to_id);");
  setupSeconds.walletIndexes = since(t0);
  log(`built the wallet indexes in ${setupSeconds.walletIndexes} s`);
  db.close();
  return block;
}

/** One measured query shape: `run` answers query i and returns how many items it gave. Add new shapes here. */
interface QueryShape {
  name: string;
  unit: string;
  run: (model: TraceModel, i: number) => number;
}

function queryShapes(model: TraceModel): QueryShape[] {
  const random = rng(7);
  const n = QUERY_COUNT + 10;
  const starts = Array.from({ length: n }, () => walletAddress(HUBS + Math.floor(random() * (WALLETS - HUBS))));
  let connected: Address[] | null = null;
  // Path targets: a wallet 4–6 hops downstream of the source (found outside the clock), as in bench/trace.ts.
  const targets = () => (connected ??= starts.map((a) => {
    const far = traceForward(model, { wallet: a }, { hops: 6, maxEdges: EDGE_CAP }).wallets.filter((w) => w.hop >= 4);
    return far.length > 0 ? far[Math.floor(random() * far.length)]!.address : starts[(starts.indexOf(a) + 1) % n]!;
  }));
  return [
    { name: "forward6", unit: "edges", run: (m, i) => traceForward(m, { wallet: starts[i]! }, { hops: 6, maxEdges: EDGE_CAP }).edges.length },
    { name: "path6", unit: "edges", run: (m, i) => findPaths(m, starts[i]!, targets()[i]!, { hops: 6, maxEdges: EDGE_CAP }).edges.length },
    // Provenance and exposure (bench/lib/replay-queries.ts): a random wallet, at the tip or a random past block.
    ...Object.entries(replayQueries(model).runners).map(([name, run]) => ({ name, unit: name.startsWith("provenance") ? "lots" : "sources", run: (m: TraceModel) => run(m, random) })),
  ];
}

/** The replays' one-time set-up (bench/lib/replay-queries.ts), before their queries: seconds per replay. */
function replaySetUp(model: TraceModel): Record<string, number> {
  if (["provenance", "provenanceAt", "exposurePoison", "exposureHaircut", "exposureFifo"].every((n) => SKIP.has(n))) return {};
  const seconds = setUpReplays(model, replayQueries(model));
  log(`replays set up (one time, s): ${Object.entries(seconds).map(([k, v]) => `${k} ${v}`).join(", ")}; ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB resident`);
  return seconds;
}

function measure(model: TraceModel, q: QueryShape): { p50_ms: number; p99_ms: number } {
  let t0 = performance.now();
  for (let i = 0; i < 10; i++) q.run(model, QUERY_COUNT + i); // warm-up (JIT, replay caches), not measured
  log(`${q.name}: warm-up (10 queries, first-use caches included) ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < QUERY_COUNT; i++) {
    t0 = performance.now();
    items += q.run(model, i);
    times.push(performance.now() - t0);
  }
  const { p50, p99 } = percentiles(times);
  log(`${q.name.padEnd(12)} p50 ${round(p50)} ms  p99 ${round(p99)} ms  (${QUERY_COUNT} queries; ${q.unit} returned: mean ${Math.round(items / QUERY_COUNT)})`);
  return { p50_ms: round(p50), p99_ms: round(p99) };
}

/** The fresh process: snapshot load, queries, appends. Prints its figures as one JSON line on stdout. */
function measureFromSnapshot(path: string): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const { model } = readSnapshot(path);
  const loadSeconds = (performance.now() - t0) / 1000;
  gc?.();
  const rss1 = process.memoryUsage().rss;
  const bytesPerTransfer = (rss1 - rss0) / model.size;
  log(`loaded the model from the snapshot in ${loadSeconds.toFixed(1)} s: ${model.size.toLocaleString("en")} transfers, ${(model.address.length - 1).toLocaleString("en")} wallets, ${Math.round((rss1 - rss0) / 2 ** 20)} MB resident (${bytesPerTransfer.toFixed(1)} B/transfer)`);
  const results: Record<string, { p50_ms: number; p99_ms: number }> = {};
  const replaySetUpSeconds = replaySetUp(model);
  for (const q of queryShapes(model)) {
    if (SKIP.has(q.name)) log(`${q.name}: skipped (--skip)`);
    else results[q.name] = measure(model, q);
  }
  const heap = () => {
    const u = process.memoryUsage();
    return `${mb(u.rss)} MB resident (JS heap ${mb(u.heapUsed)} of ${mb(u.heapTotal)} MB, array buffers ${mb(u.arrayBuffers)} MB), peak ${mb(process.resourceUsage().maxRSS * 1024)} MB`;
  };
  log(`after the queries: ${heap()}`);
  gc?.();
  log(`after a full collection: ${heap()}`);
  // Appends: 1,000-transfer blocks among the existing wallets, in place.
  const builder = liveBuilder(model)!;
  const random = rng(99);
  let current = model;
  const times: number[] = [];
  for (let k = 0; k < APPENDS + 3; k++) {
    const block = current.tip.block + 1;
    const rows: TransferRow[] = Array.from({ length: 1_000 }, (_, i) => {
      const f = Math.floor(random() * WALLETS);
      return {
        checkpoint: encodeCheckpoint({ block, txIndex: i, logIndex: i }), block, txIndex: i, logIndex: i,
        txHash: hex(block * 4096 + i, 32) as Hex, timestamp: 1_700_000_000 + block * 12, from: walletAddress(f),
        to: walletAddress((f + 1 + Math.floor(random() * (WALLETS - 1))) % WALLETS), amount: 1n, kind: "transfer", lot: null, reference: null,
      };
    });
    const t = performance.now();
    current = builder.append(rows, [], { block, hash: hex(block, 32) as Hex, timestamp: 1_700_000_000 + block * 12 });
    if (k >= 3) times.push(performance.now() - t);
  }
  log(`after the appends: ${heap()}`);
  const a = percentiles(times);
  const appendMs = { p50: round(a.p50), p99: round(a.p99) };
  log(`append of a 1,000-transfer block in place: p50 ${appendMs.p50} ms, p99 ${appendMs.p99} ms (${APPENDS} blocks)`);
  const rssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify({ transfers: model.size, wallets: model.address.length - 1, rssMB, bytesPerTransfer: round(bytesPerTransfer), loadSeconds: round(loadSeconds), appendMs, replaySetUpSeconds, ...results }));
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--measure");
  if (i >= 0) return measureFromSnapshot(process.argv[i + 1]!);
  const keep = process.argv.indexOf("--keep");
  const dir = keep >= 0 ? process.argv[keep + 1]! : mkdtempSync(join(tmpdir(), "goods-ledger-bench-scale-"));
  mkdirSync(dir, { recursive: true });
  log(`${TRANSFERS.toLocaleString("en")} transfers among ${WALLETS.toLocaleString("en")} wallets (${HUBS} hubs) in ${dir}; load average ${load()} on ${(await import("node:os")).cpus().length} cores`);
  try {
    const file = join(dir, "index.sqlite");
    const snapshot = join(dir, "trace-model.snapshot");
    if (!existsSync(file)) {
      const t0 = performance.now();
      const tip = bulkLoad(file);
      const s = (performance.now() - t0) / 1000;
      log(`bulk-loaded ${TRANSFERS.toLocaleString("en")} transfers (tip block ${tip}) in ${s.toFixed(0)} s: inserted at ${Math.round(TRANSFERS / setupSeconds.insert!).toLocaleString("en")} rows/s, then the wallet indexes`);
    }
    let t0 = performance.now();
    const store = new SqliteStore(file); // builds the wallet indexes
    log(`opened the store (wallet indexes built) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    if (!existsSync(snapshot)) {
      t0 = performance.now();
      let next = 1_000_000;
      const model = await loadModel(store, { onProgress: (n) => n >= next && (log(`model: ${n / 1e6}M transfers read from the store`), (next += 2_000_000)) });
      setupSeconds.model = since(t0);
      log(`built the model from the store's rows in ${setupSeconds.model} s`);
      t0 = performance.now();
      writeSnapshot(model, snapshot, await store.getMeta("deployment"));
      setupSeconds.snapshot = since(t0);
      log(`wrote the snapshot (${Math.round(statSync(snapshot).size / 2 ** 20)} MB) in ${setupSeconds.snapshot} s`);
    }
    await store.close();
    log("measuring in a fresh process (snapshot load, queries, appends)…");
    const child = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), "--measure", snapshot, ...process.argv.slice(2)], { stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 24 });
    if (child.status !== 0) throw new Error(`the measuring process failed (exit ${child.status})`);
    const figures = JSON.parse(child.stdout.toString().trim().split("\n").at(-1)!) as Record<string, unknown> & { rssMB: number; loadSeconds: number; appendMs: { p50: number; p99: number } };
    const totalSeconds = Math.round((performance.now() - started) / 1000);
    const scale = { ...figures, totalSeconds, setupSeconds, ...(SKIP.size > 0 ? { skipped: [...SKIP] } : {}), loadAverage: loadavg().map(round) };
    // Only a run at the issue's size is the bench's figure: smaller ones (profiling) are printed, not written.
    const full = TRANSFERS >= 20_000_000 && WALLETS >= 2_000_000;
    const file2 = full ? mergeResults("scale", scale) : "nothing (below 20,000,000 transfers / 2,000,000 wallets: printed only)";
    const queries = Object.values(figures).filter((v): v is { p50_ms: number; p99_ms: number } => typeof v === "object" && v !== null && "p50_ms" in v);
    const ok = queries.every((q) => q.p50_ms <= 100 && q.p99_ms <= 1_000) && figures.rssMB <= 3_072 && figures.loadSeconds <= 30 && figures.appendMs.p99 <= 1_000 && totalSeconds <= 1_200;
    console.log(JSON.stringify(scale, null, 2));
    console.log(`${ok ? "within" : "OUTSIDE"} the bars (p50 ≤ 100 ms, p99 ≤ 1,000 ms, rssMB ≤ 3,072, loadSeconds ≤ 30, appendMs p99 ≤ 1,000, whole run ≤ 20 min); load average ${load()}; wrote ${file2}`);
    if (!ok) process.exitCode = 1;
  } finally {
    if (keep < 0) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
