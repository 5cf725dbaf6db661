/**
 * `npm run soak -- --minutes N [--tps X] [--seed S] [--out DIR]`: everything on loopback, for N minutes, with
 * chaos on a seeded schedule, then checks that nothing was lost (issue 11; README, "Running around the clock").
 *
 * - a persistent local chain (`goods-ledger chain --data-dir --keep-transactions`, anvil, a block a second), deployed, behind a TCP
 *   proxy that the indexer, the server and the payment generator all use;
 * - `goods-ledger index --follow` and `goods-ledger serve` as child processes, each in its own process group,
 *   with their metrics endpoints;
 * - a history of `--history` transfers built at set-up (`batchTransfer` of many legs), then a payment load
 *   through the SDK (pipelined bulk payouts, QR payments, single transfers, registrations, a freeze) and an
 *   analyst load of mixed trace queries with several tokens (on a worker thread);
 * - chaos: SIGKILL of the indexer and of the server at random times (restarted), one chain restart from its
 *   data directory, one node outage of 10–30 s (the proxy cuts every connection);
 * - at the end: `index --reconcile`; every Transfer log of the chain (read as each block was mined, since the
 *   chain keeps only its last {@link KEEP_TRANSACTIONS} blocks' logs; each block's hash checked again at the end) in
 *   the index once and nothing else; every payment confirmed exactly once or reported failed, none paid twice
 *   (references, balances, nonces); memory growth of each long-running process after warm-up under 20%; index
 *   lag recovered after each fault; no process left.
 *
 * Writes DIR/soak.json and the plots DIR/soak/*.svg (default DIR: bench/results). Exit status 1 when a check fails.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { toEventSelector, type Address } from "viem";
import { JsonRpc, hexToNumber, numberToHex } from "../src/indexer/rpc.js";
import { SqliteStore } from "../src/indexer/store/sqlite.js";
import { addToken } from "../src/server/auth.js";
import { deployLedger } from "../scripts/lib/deploy.js";
import { devAccounts } from "../scripts/lib/keystore.js";
import { rng } from "./lib/args.js";
import { percentiles } from "./lib/results.js";
import { parsePrometheusText, sampleValue } from "./lib/prometheus.js";
import type { AnalystConfig, AnalystTick } from "./lib/soak/analyst.js";
import { runPayments, setUpLedger, type GeneratorStats, type Payment, type SoakAccounts } from "./lib/soak/payments.js";
import { ChainLogs } from "./lib/soak/chain-logs.js";
import { lineChart, type Band } from "./lib/soak/plots.js";
import { groupPids, Managed } from "./lib/soak/procs.js";
import { freePort, startProxy, type TcpProxy } from "./lib/soak/proxy.js";

// ---------------------------------------------------------------------------------------------------- options
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(`usage: npm run soak -- --minutes N [--tps X] [--seed S] [--out DIR] [--history N] [--analysts N] [--keep]

  --minutes N     length of the load and chaos phase (default 2)
  --tps X         payments per second the generator aims at (default 10)
  --seed S        seed of the chaos schedule, the history and the load (default 1)
  --out DIR       where soak.json and soak/*.svg go (default bench/results)
  --history N     transfers written at set-up (default 100000)
  --analysts N    concurrent analyst clients (default 24)
  --keep          keep the work folder (chain, index, logs) at the end

Example: npm run soak -- --minutes 30`);
  process.exit(0);
}
const opt = (name: string, fallback: number): number => {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`soak: ${name} must be a non-negative number, got ${JSON.stringify(argv[i + 1])}`);
    process.exit(2);
  }
  return v;
};
const MINUTES = opt("--minutes", 2);
const TPS = opt("--tps", 10);
const SEED = opt("--seed", 1);
const HISTORY = opt("--history", 100_000);
const ANALYSTS = opt("--analysts", 24);
const OUT = resolve(argv.includes("--out") ? argv[argv.indexOf("--out") + 1]! : join(root, "bench", "results"));
const KEEP = argv.includes("--keep");
const DURATION_MS = MINUTES * 60_000;
const READY_LAG = 5;
/**
 * The chain keeps the transactions, receipts and logs of its last this many blocks only (`chain
 * --keep-transactions`): anvil otherwise holds every one in memory and in each state save, so its memory grew with
 * the history (+57% in a 30-minute run). Ten minutes of blocks: the indexer starts well within it after set-up, and
 * the soak reads the chain's logs as they are mined (ChainLogs).
 */
const KEEP_TRANSACTIONS = 600;
/** A fault counts as recovered when the index is back within this many blocks of the head. */
const RECOVERY_LIMIT_MS = 180_000;

const random = rng(SEED);
const startedAt = Date.now();
const say = (line: string) => console.log(`[soak ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(5)} s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const node = process.execPath;
const bin = join(root, "bin", "goods-ledger.js");
const work = mkdtempSync(join(tmpdir(), "goods-ledger-soak-"));
const logs = join(work, "logs");
mkdirSync(logs);
const chainDir = join(work, "chain");
const indexDir = join(work, "index");
const deploymentsDir = join(work, "deployments");
const tokensFile = join(work, "tokens.json");
const healthFile = join(work, "index-health.json");
const load0 = loadavg();

// ---------------------------------------------------------------------------------------------------- state
interface Sample {
  t: number;
  head: number | null;
  indexed: number | null;
  lagBlocks: number | null;
  lagSeconds: number | null;
  transfers: number | null;
  rss: Record<string, number>;
  api: { requests: number; p50: number | null; p99: number | null; connectionErrors: number; latencies: number[] };
  paymentsConfirmed: number;
  /** The server's /readyz status this second (0: no answer). */
  readyz: number;
}
interface Fault {
  type: "kill-indexer" | "kill-server" | "restart-chain" | "node-outage";
  at: number;
  /** When the fault ended (the process restarted, the proxy back up). */
  endedAt: number | null;
  /** When the index was back within READY_LAG blocks of the head (and, for the server, /readyz said ready). */
  recoveredAt: number | null;
  detail: string;
}
const samples: Sample[] = [];
const faults: Fault[] = [];
const payments: Payment[] = [];
const stats: GeneratorStats = { registrations: { sent: 0, confirmed: 0, failed: 0 }, freezes: [], inFlight: 0 };
const apiLatencies: number[] = [];
const apiStatuses: Record<string, number> = {};
let apiConnectionErrors = 0;
let lastTick: AnalystTick | null = null;
const managed: Managed[] = [];
let proxy: TcpProxy | null = null;
let chainRpc: JsonRpc;
let store: SqliteStore | null = null;
let chainLogs: ChainLogs;

// ---------------------------------------------------------------------------------------------------- processes
const cliEnv = (rpcUrl: string) => ({ ...process.env, GOODS_LEDGER_NETWORK: "soak", GOODS_LEDGER_DEPLOYMENTS: deploymentsDir, GOODS_LEDGER_RPC_URL: rpcUrl });
const jsonDoc = (out: string): Record<string, unknown> | null => {
  try {
    return JSON.parse(out) as Record<string, unknown>;
  } catch {
    return null;
  }
};

async function main(): Promise<number> {
  say(`work folder ${work}; ${MINUTES} min, ${TPS} payments/s aimed at, seed ${SEED}, history ${HISTORY} transfers, ${ANALYSTS} analyst clients`);
  const chainPort = await freePort();
  const chain = new Managed("chain", node, [bin, "chain", "--json", "--data-dir", chainDir, "--port", String(chainPort), "--block-time", "1", "--keep-transactions", String(KEEP_TRANSACTIONS)], join(logs, "chain.log"));
  managed.push(chain);
  await chain.start((out) => jsonDoc(out));
  chainRpc = new JsonRpc(`http://127.0.0.1:${chainPort}`, { timeoutMs: 10_000 });
  proxy = await startProxy(chainPort);
  say(`chain on 127.0.0.1:${chainPort} (anvil, data dir), proxy on ${proxy.url}`);

  // Deploy and build the history.
  const dev = devAccounts();
  const { deployment } = await deployLedger({
    network: "soak", rpcUrl: proxy.url, deployerKey: dev[0]!.privateKey, deploymentsDir, ignitionDir: join(work, "ignition"),
    parameters: { pauser: dev[1]!.address, registrar: dev[2]!.address, compliance: dev[3]!.address, issuer: dev[4]!.address, custodian: dev[5]!.address, auditor: dev[6]!.address },
  });
  say(`deployed token ${deployment.contracts.token} at block ${deployment.startBlock}`);
  chainLogs = new ChainLogs(chainRpc, deployment.contracts.token, deployment.startBlock);
  chainLogs.start();
  const t0 = Date.now();
  const accounts = await setUpLedger({
    deployment, rpcUrl: proxy.url, wallets: 2_000, hubs: 4, singles: Math.max(2, Math.ceil(0.3 * TPS)), merchants: Math.max(1, Math.ceil(0.2 * TPS)),
    payers: Math.max(2, Math.ceil(0.2 * TPS) * 2), history: HISTORY, legsPerTx: 500, random, note: say,
  });
  const historySeconds = (Date.now() - t0) / 1000;

  // The indexer and the server.
  const indexerMetricsPort = await freePort();
  const serverPort = await freePort();
  const serverMetricsPort = await freePort();
  const indexer = new Managed("indexer", node, [bin, "index", "--json", "--follow", "--store", indexDir, "--finality", "12", "--metrics-port", String(indexerMetricsPort), "--health-file", healthFile, "--ready-lag", String(READY_LAG), "--poll-ms", "500"], join(logs, "indexer.log"), cliEnv(proxy.url));
  managed.push(indexer);
  const t1 = Date.now();
  // index --follow --json prints its result once caught up, then keeps following.
  const startIndexer = () => indexer.start((out) => (jsonDoc(out.slice(0, out.lastIndexOf("}") + 1)) !== null ? true : null), 600_000);
  await startIndexer().catch(async (e: unknown) => {
    throw new Error(`the indexer did not catch up: ${(e as Error).message}`);
  });
  store = new SqliteStore(join(indexDir, "index.sqlite"));
  const indexSeconds = (Date.now() - t1) / 1000;
  const historyIndexed = (await store.counts()).transfers;
  say(`indexed ${historyIndexed} transfers in ${indexSeconds.toFixed(1)} s`);

  const tokens = Array.from({ length: 6 }, (_, i) => addToken(tokensFile, `analyst-${i}`, "analyst"));
  const server = new Managed("server", node, [bin, "serve", "--json", "--store", indexDir, "--tokens", tokensFile, "--port", String(serverPort), "--metrics-port", String(serverMetricsPort), "--rate", "100000", "--max-in-flight", "256", "--workers", "2", "--ready-lag", String(READY_LAG)], join(logs, "server.log"), cliEnv(proxy.url));
  managed.push(server);
  const serverUrl = `http://127.0.0.1:${serverPort}`;
  serverMetricsUrl = `http://127.0.0.1:${serverMetricsPort}/metrics`;
  const startServer = async () => {
    await server.start((out) => jsonDoc(out));
    await until(() => serving(), 300_000, "the server's trace model near the indexed tip");
  };
  await startServer();
  say(`serve on ${serverUrl}, answering (a worker's model within ${READY_LAG} blocks of the index)`);

  // Balances and nonces before the load, at one block.
  const loadBlock = hexToNumber(await chainRpc.call<string>("eth_blockNumber"));
  const involved = new Set<Address>([...accounts.wallets, accounts.bulk.account.address, ...accounts.singles.map((c) => c.account.address), ...accounts.merchants.map((c) => c.account.address), ...accounts.payers.map((c) => c.account.address)].map((a) => a.toLowerCase() as Address));
  const senders = [accounts.bulk, ...accounts.singles, ...accounts.merchants].map((c) => c.account.address.toLowerCase() as Address);
  const before = await balancesAt(deployment.contracts.token, [...involved], loadBlock);
  const noncesBefore = await noncesAt(senders, loadBlock);

  // ------------------------------------------------------------------------------------------------ load + chaos
  const stop = new AbortController();
  const loadStart = Date.now();
  const schedule = chaosSchedule(loadStart);
  say(`load from block ${loadBlock}; chaos: ${schedule.map((s) => `${s.type} at ${((s.at - loadStart) / 1000).toFixed(0)} s${s.type === "node-outage" ? ` for ${(s.length / 1000).toFixed(0)} s` : ""}`).join(", ")}`);
  const analyst = new Worker(new URL("./lib/soak/analyst.ts", import.meta.url), {
    workerData: { analyst: { url: serverUrl, tokens, wallets: accounts.wallets, hubs: accounts.hubs.map((h) => h.account.address), concurrency: ANALYSTS, seed: SEED } satisfies AnalystConfig },
    execArgv: ["--import", import.meta.resolve("tsx")],
  });
  const analystDone = new Promise<void>((resolve) => {
    analyst.on("message", (m: AnalystTick | { type: "done" }) => {
      if (m.type === "done") return resolve();
      lastTick = m;
      for (const v of m.latencies) apiLatencies.push(v);
      for (const [k, v] of Object.entries(m.statuses)) apiStatuses[k] = (apiStatuses[k] ?? 0) + v;
      apiConnectionErrors += m.connectionErrors;
    });
    analyst.on("error", (e) => {
      say(`analyst worker failed: ${e.message}`);
      resolve();
    });
  });
  let paused = false;
  const generator = runPayments(accounts, { tps: TPS, seed: SEED, stop: stop.signal, random, freezeAt: loadStart + DURATION_MS * 0.4, payments, stats, paused: () => paused });
  const sampler = sampleLoop(loadStart, [chain, indexer, server], stop.signal);

  for (const event of schedule) {
    await sleep(Math.max(0, event.at - Date.now()));
    const fault: Fault = { type: event.type, at: Date.now(), endedAt: null, recoveredAt: null, detail: "" };
    faults.push(fault);
    say(`chaos: ${event.type}`);
    try {
      if (event.type === "kill-indexer") {
        await indexer.stop("SIGKILL");
        await sleep(1_000 + random() * 4_000);
        await startIndexer();
        fault.detail = `SIGKILL of the indexer's process group, restarted after ${((Date.now() - fault.at) / 1000).toFixed(1)} s`;
      } else if (event.type === "kill-server") {
        await server.stop("SIGKILL");
        await sleep(1_000 + random() * 4_000);
        await startServer();
        fault.detail = `SIGKILL of the server's process group, restarted, a model within 5 blocks of the index after ${((Date.now() - fault.at) / 1000).toFixed(1)} s`;
      } else if (event.type === "restart-chain") {
        // A planned restart: the payments pause and settle, and the chain gets two state saves (4 s) before it
        // stops. Without that, a SIGTERM lost its last blocks (anvil restored an older save) with payments the SDK
        // had confirmed, and the restored state disagreed with the restored logs (reconcile failed): a finding
        // about the local chain's persistence, reported in the README.
        paused = true;
        await until(async () => {
          if (stats.inFlight > 0) return false;
          for (const a of senders) {
            const [p, l] = await chainRpc.batch<string>([{ method: "eth_getTransactionCount", params: [a, "pending"] }, { method: "eth_getTransactionCount", params: [a, "latest"] }]);
            if (p !== l) return false;
          }
          return true;
        }, 30_000, "the payments to settle").catch(() => undefined);
        await sleep(4_000);
        await chain.stop("SIGTERM");
        await sleep(1_000);
        const doc = await chain.start((out) => jsonDoc(out));
        paused = false;
        fault.detail = `payments paused and settled, SIGTERM of the chain, started again from its data directory: ${JSON.stringify((doc as { resumed?: unknown }).resumed ?? null)}`;
      } else {
        proxy.down();
        await sleep(event.length);
        proxy.up();
        fault.detail = `the proxy cut every connection to the node for ${(event.length / 1000).toFixed(0)} s`;
      }
    } catch (error) {
      fault.detail += ` FAILED: ${(error as Error).message}`;
    }
    paused = false;
    fault.endedAt = Date.now();
    void watchRecovery(fault, accounts);
  }
  await sleep(Math.max(0, loadStart + DURATION_MS - Date.now()));

  // ------------------------------------------------------------------------------------------------ drain
  say("load ends: stopping the generator and the analysts");
  stop.abort();
  analyst.postMessage({ type: "stop" });
  await Promise.race([generator, sleep(120_000)]);
  await Promise.race([analystDone, sleep(30_000)]);
  await analyst.terminate();
  const loadEnd = Date.now();
  await sampler;
  // Let the node settle: every sender's pending nonce equals its mined one.
  await until(async () => {
    for (const a of senders) {
      const [p, l] = await chainRpc.batch<string>([{ method: "eth_getTransactionCount", params: [a, "pending"] }, { method: "eth_getTransactionCount", params: [a, "latest"] }]);
      if (p !== l) return false;
    }
    return true;
  }, 120_000, "the senders' pending transactions").catch((e: unknown) => say((e as Error).message));
  const endHead = hexToNumber(await chainRpc.call<string>("eth_blockNumber"));
  await until(async () => ((await store!.position())?.block ?? 0) >= endHead, 300_000, `the index at block ${endHead}`);
  await until(async () => faults.every((f) => f.recoveredAt !== null), 60_000, "every fault's recovery").catch(() => undefined);
  say(`index at the head ${endHead}; stopping serve and index --follow`);
  const serverMetricsText = await fetch(`http://127.0.0.1:${serverMetricsPort}/metrics`).then((r) => r.text(), () => "");
  await server.stop("SIGTERM");
  await indexer.stop("SIGTERM");

  // ------------------------------------------------------------------------------------------------ checks
  const checks: { name: string; ok: boolean; detail: string }[] = [];
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    say(`check ${ok ? "PASS" : "FAIL"}: ${name}: ${detail}`);
  };

  // 1. index --reconcile
  const rec = spawnSync(node, [bin, "index", "--json", "--reconcile", "--store", indexDir], { env: cliEnv(`http://127.0.0.1:${chainPort}`), encoding: "utf8", timeout: 600_000 });
  const recDoc = jsonDoc(rec.stdout ?? "") as { reconcile?: { ok: boolean; wallets: number; block: number; differences: unknown[] } } | null;
  check("index --reconcile finds no difference", rec.status === 0 && recDoc?.reconcile?.ok === true,
    recDoc?.reconcile ? `${recDoc.reconcile.wallets} wallets and the total supply at block ${recDoc.reconcile.block}: ${recDoc.reconcile.differences.length} differences (exit ${rec.status})` : `exit ${rec.status}: ${(rec.stderr ?? "").trim().split("\n").at(-1)}`);

  // 2. Transfer logs against the store.
  // The chain's logs as read while it mined them (it keeps only its last blocks' logs), each block's hash
  // checked again now.
  const position = (await store.position())!.block;
  await chainLogs.finish(Math.max(position, endHead));
  const changedBlocks = await chainLogs.verify(Math.max(position, endHead));
  const chainKeys = chainLogs.transfers.filter((k) => Number(k.slice(0, k.indexOf(":"))) <= position);
  const storeKeys: string[] = [];
  for (let after: string | undefined; ;) {
    const rows = await store.transfers({ after, limit: 50_000 });
    if (rows.length === 0) break;
    for (const r of rows) storeKeys.push(`${r.block}:${r.logIndex}:${r.txHash.toLowerCase()}`);
    after = rows.at(-1)!.checkpoint;
  }
  const chainSet = new Set(chainKeys);
  const storeSet = new Set(storeKeys);
  const missing = chainKeys.filter((k) => !storeSet.has(k));
  const extra = storeKeys.filter((k) => !chainSet.has(k));
  const dupChain = chainKeys.length - chainSet.size;
  const dupStore = storeKeys.length - storeSet.size;
  check("no Transfer event missing or duplicated in the store", missing.length === 0 && extra.length === 0 && dupStore === 0 && dupChain === 0 && changedBlocks.length === 0,
    `chain ${chainKeys.length} Transfer logs (blocks ${deployment.startBlock}–${position}, read as mined; ${changedBlocks.length} blocks changed since${changedBlocks.length > 0 ? `, first ${changedBlocks[0]}` : ""}), store ${storeKeys.length}: ${missing.length} missing, ${extra.length} not on chain, ${dupStore} duplicated${missing.length > 0 ? `; first missing ${missing[0]}` : ""}`);

  // 3. Payments: each confirmed exactly once or reported failed; none paid twice (references, balances, nonces).
  const onChain = new Map<string, number>();
  for (const r of chainLogs.references) if (r.block > loadBlock && r.block <= endHead) onChain.set(r.reference, (onChain.get(r.reference) ?? 0) + 1);
  const inStore = new Map<string, number>();
  for (let after: string | undefined; ;) {
    const rows = await store.transfers({ after, limit: 50_000 });
    if (rows.length === 0) break;
    for (const r of rows) if (r.block > loadBlock && r.reference !== null) inStore.set(r.reference.toLowerCase(), (inStore.get(r.reference.toLowerCase()) ?? 0) + 1);
    after = rows.at(-1)!.checkpoint;
  }
  const count = (m: Map<string, number>, p: Payment) => m.get(p.reference.toLowerCase()) ?? 0;
  const sdkConfirmed = payments.filter((p) => p.outcome === "confirmed");
  const sdkFailed = payments.filter((p) => p.outcome === "failed");
  const sdkUnknown = payments.filter((p) => p.outcome === "unknown");
  const confirmedWrong = sdkConfirmed.filter((p) => count(onChain, p) !== 1 || count(inStore, p) !== 1);
  const failedPaid = sdkFailed.filter((p) => count(onChain, p) !== 0);
  const unknownPaid = sdkUnknown.filter((p) => count(onChain, p) === 1).length;
  const twice = payments.filter((p) => count(onChain, p) > 1 || count(inStore, p) > 1);
  const unknownStoreWrong = sdkUnknown.filter((p) => count(inStore, p) !== count(onChain, p));
  check("every payment confirmed exactly once or reported failed, none paid twice (references)",
    confirmedWrong.length === 0 && failedPaid.length === 0 && twice.length === 0 && unknownStoreWrong.length === 0,
    `${payments.length} submitted: ${sdkConfirmed.length} confirmed by the SDK (each once on chain and in the index: ${sdkConfirmed.length - confirmedWrong.length}), ${sdkFailed.length} reported failed (none on chain: ${failedPaid.length === 0}), ${sdkUnknown.length} unknown at the SDK's deadline (resolved on chain: ${unknownPaid} paid once, ${sdkUnknown.length - unknownPaid} never), ${twice.length} paid twice`);

  const paid = payments.filter((p) => count(onChain, p) === 1);
  const expected = new Map<string, bigint>([...before].map(([k, v]) => [k, v]));
  for (const p of paid) {
    expected.set(p.from.toLowerCase(), (expected.get(p.from.toLowerCase()) ?? 0n) - p.amount);
    expected.set(p.to.toLowerCase(), (expected.get(p.to.toLowerCase()) ?? 0n) + p.amount);
  }
  const after = await balancesAt(deployment.contracts.token, [...involved], endHead);
  const balanceWrong = [...involved].filter((w) => after.get(w) !== expected.get(w));
  check("balances: every involved wallet's balance moved by exactly its paid payments", balanceWrong.length === 0,
    `${involved.size} wallets between blocks ${loadBlock} and ${endHead}: ${balanceWrong.length} differ${balanceWrong.length > 0 ? ` (first ${balanceWrong[0]}: chain ${after.get(balanceWrong[0]!)}, expected ${expected.get(balanceWrong[0]!)})` : ""}`);

  const noncesAfter = await noncesAt(senders, endHead);
  const nonceWrong: string[] = [];
  for (const s of senders) {
    const mine = payments.filter((p) => p.kind !== "qr" ? p.from.toLowerCase() === s : p.to.toLowerCase() === s);
    const used = noncesAfter.get(s)! - noncesBefore.get(s)!;
    const paidHere = mine.filter((p) => count(onChain, p) === 1).length;
    const reverted = mine.filter((p) => p.revertedOnChain).length;
    // The pipeline's no-op self-transfers (a call a node refused outright) also take a nonce: counted by outcome.
    const noops = mine.filter((p) => p.kind === "payout" && p.outcome === "failed" && !p.revertedOnChain && p.hash !== null).length;
    if (paidHere > used || used > paidHere + reverted + noops) nonceWrong.push(`${s}: ${used} nonces used, ${paidHere} paid, ${reverted} reverted, ${noops} no-ops`);
  }
  check("nonces: each sender used exactly the nonces of its paid, reverted and no-op transactions", nonceWrong.length === 0,
    `${senders.length} senders${nonceWrong.length > 0 ? `: ${nonceWrong.slice(0, 3).join("; ")}` : ": all accounted for"}`);

  // 4. Memory growth after warm-up, per long-running process (its last incarnation).
  const memory: Record<string, { warm: number; end: number; growth: number; seconds: number }> = {};
  for (const name of ["chain", "indexer", "server", "harness"]) {
    const series = samples.filter((s) => (s.rss[name] ?? 0) > 0).map((s) => ({ t: s.t, v: s.rss[name]! }));
    const proc = managed.find((m) => m.name === name);
    const since = proc === undefined ? loadStart : proc.incarnations.at(-1)!.startedAt;
    const life = series.filter((s) => s.t >= since);
    if (life.length < 10) {
      memory[name] = { warm: 0, end: 0, growth: 0, seconds: 0 };
      continue;
    }
    // Warm-up: the first quarter of the incarnation's life (at least 30 s: JIT, heap sizing, the workers' first
    // models). Then the median of the next fifth against the median of the last fifth, so one GC cycle's
    // sawtooth does not decide it.
    const span = life.at(-1)!.t - life[0]!.t;
    const warmAt = life[0]!.t + (span >= 120_000 ? Math.max(30_000, span * 0.25) : span * 0.25);
    const window = Math.max(5_000, span * 0.2);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const warm = median(life.filter((s) => s.t >= warmAt && s.t < warmAt + window).map((s) => s.v));
    const end = median(life.filter((s) => s.t >= life.at(-1)!.t - window).map((s) => s.v));
    memory[name] = { warm, end, growth: warm > 0 ? end / warm - 1 : 0, seconds: span / 1000 };
  }
  // A process whose last life was too short to measure fails the check rather than passing it unmeasured.
  const tooMuch = Object.entries(memory).filter(([, m]) => m.growth >= 0.2 || m.warm === 0 || m.end === 0);
  check("memory of each long-running process grows < 20% after warm-up", tooMuch.length === 0,
    Object.entries(memory).map(([n, m]) => `${n} ${(m.warm / 2 ** 20).toFixed(0)} → ${(m.end / 2 ** 20).toFixed(0)} MiB (${(m.growth * 100).toFixed(1)}% over ${m.seconds.toFixed(0)} s)`).join(", "));

  // 5. Lag recovered after every fault; the faults the issue asks for all happened.
  const unrecovered = faults.filter((f) => f.recoveredAt === null || f.recoveredAt - f.endedAt! > RECOVERY_LIMIT_MS);
  const kinds = new Set(faults.filter((f) => !f.detail.includes("FAILED")).map((f) => f.type));
  check("index lag recovers after each fault", unrecovered.length === 0 && kinds.size === 4,
    faults.map((f) => `${f.type}: ${f.recoveredAt === null ? "not recovered" : `within ${READY_LAG} blocks ${((f.recoveredAt - f.endedAt!) / 1000).toFixed(1)} s after`}`).join("; "));

  // 6. Nothing left running.
  await chain.stop("SIGTERM");
  await proxy.close();
  await store.close();
  store = null;
  for (const m of managed) m.closeLog();
  await sleep(500);
  const leftovers = managed.flatMap((m) => m.incarnations.flatMap((i) => groupPids(i.pid)));
  const pgrep = spawnSync("pgrep", ["-f", work], { encoding: "utf8" });
  const pgrepPids = (pgrep.stdout ?? "").split("\n").filter((l) => l.trim() !== "" && Number(l) !== process.pid);
  check("nothing left running", leftovers.length === 0 && pgrepPids.length === 0, `process groups left: ${leftovers.length}; pgrep -f ${work}: ${pgrepPids.length === 0 ? "nothing" : pgrepPids.join(", ")}`);

  // ------------------------------------------------------------------------------------------------ report
  const loadSeconds = (loadEnd - loadStart) / 1000;
  const answered = apiLatencies.length;
  const api = percentiles(apiLatencies.length > 0 ? apiLatencies : [0]);
  const payLat = percentiles(sdkConfirmed.map((p) => p.settledAt! - p.submittedAt).concat(sdkConfirmed.length === 0 ? [0] : []));
  const lags = samples.filter((s) => s.lagBlocks !== null);
  const lagB = percentiles(lags.map((s) => s.lagBlocks!).concat(lags.length === 0 ? [0] : []));
  const lagS = percentiles(lags.map((s) => s.lagSeconds ?? 0).concat(lags.length === 0 ? [0] : []));
  const endTransfers = (await reopenCount()) ?? historyIndexed;
  const steady = samples.filter((s) => faults.every((f) => s.t < f.at || s.t > (f.recoveredAt ?? f.endedAt ?? f.at) + 5_000));
  const steadyRate = steady.length > 0 ? steady.reduce((a, s) => a + s.api.requests, 0) / steady.length : 0;
  const steadyLat = percentiles(steadyLatencies(steady).concat(steady.length === 0 ? [0] : []));
  const loadFigures = {
    bar: "≥ 300 API requests/s with p99 ≤ 250 ms on an index of ≥ 100,000 transfers while payments run",
    indexTransfersAtStart: historyIndexed,
    requestsPerSecond: round(answered / loadSeconds),
    p50Ms: round(api.p50),
    p99Ms: round(api.p99),
    steadyRequestsPerSecond: round(steadyRate),
    steadyP99Ms: round(steadyLat.p99),
    met: answered / loadSeconds >= 300 && api.p99 <= 250 && historyIndexed >= 100_000,
  };
  const load1 = loadavg();
  const result = {
    run: {
      minutes: MINUTES, tps: TPS, seed: SEED, analysts: ANALYSTS, startedAt: new Date(startedAt).toISOString(), loadSeconds: round(loadSeconds),
      machine: { cpus: cpus().length, loadavgBefore: load0.map(round), loadavgAfter: load1.map(round), note: "a shared 2-core machine: other engineers' builds and tests ran at the same time" },
    },
    setup: { historyTransfers: HISTORY, historySeconds: round(historySeconds), indexedAtStart: historyIndexed, indexCatchUpSeconds: round(indexSeconds) },
    totals: {
      payments: { submitted: payments.length, confirmed: sdkConfirmed.length, failed: sdkFailed.length, unknown: sdkUnknown.length, unknownPaidOnChain: unknownPaid, paidOnChain: paid.length, byKind: byKind(payments) },
      registrations: stats.registrations, freezes: stats.freezes,
      apiRequests: answered, apiStatuses, apiConnectionErrors,
      transfersIndexed: endTransfers, blocks: { load: loadBlock, end: endHead },
    },
    throughput: {
      paymentsConfirmedPerSecond: round(paid.length / loadSeconds),
      apiRequestsPerSecond: round(answered / loadSeconds),
      transfersIndexedPerSecond: round((endTransfers - historyIndexed) / loadSeconds),
    },
    latency: { apiMs: { p50: round(api.p50), p99: round(api.p99) }, paymentConfirmMs: { p50: round(payLat.p50), p99: round(payLat.p99) }, apiByRouteFromServer: routeLatencies(serverMetricsText) },
    lag: { blocks: { p50: lagB.p50, p99: lagB.p99, max: Math.max(0, ...lags.map((s) => s.lagBlocks!)) }, seconds: { p50: lagS.p50, p99: lagS.p99, max: Math.max(0, ...lags.map((s) => s.lagSeconds ?? 0)) } },
    memorySeriesMiB: samples.filter((_, i) => i % 10 === 0).map((s) => ({ second: round((s.t - loadStart) / 1000), ...Object.fromEntries(Object.entries(s.rss).map(([k, v]) => [k, round(v / 2 ** 20)])) })),
    memory: Object.fromEntries(Object.entries(memory).map(([n, m]) => [n, { warmMiB: round(m.warm / 2 ** 20), endMiB: round(m.end / 2 ** 20), growthPercent: round(m.growth * 100), seconds: round(m.seconds) }])),
    faults: faults.map((f) => ({ type: f.type, atSecond: round((f.at - loadStart) / 1000), endedAfterSeconds: f.endedAt === null ? null : round((f.endedAt - f.at) / 1000), recoveredAfterSeconds: f.recoveredAt === null ? null : round((f.recoveredAt - f.endedAt!) / 1000), detail: f.detail })),
    serverReadyz: { secondsReady: samples.filter((x) => x.readyz === 200).length, secondsNotReady: samples.filter((x) => x.readyz === 503).length, secondsNoAnswer: samples.filter((x) => x.readyz === 0).length, note: "/readyz wants a worker's model of the exact indexed tip" },
    faultsInjected: faults.length,
    faultsRecovered: faults.filter((f) => f.recoveredAt !== null).length,
    crashes: Object.fromEntries(managed.map((m) => [m.name, m.crashes])),
    loadFigures,
    apiByIndexMotion: apiByMotion(),
    checks,
    ok: checks.every((c) => c.ok),
  };
  mkdirSync(join(OUT, "soak"), { recursive: true });
  writeFileSync(join(OUT, "soak.json"), `${JSON.stringify(result, null, 2)}\n`);
  // The per-second series behind the plots, for other views of the same run.
  writeFileSync(join(OUT, "soak", "series.json"), `${JSON.stringify(samples.map(({ api, ...x }) => ({ second: round((x.t - loadStart) / 1000), ...x, t: undefined, api: { requests: api.requests, p50: api.p50 === null ? null : round(api.p50), p99: api.p99 === null ? null : round(api.p99), connectionErrors: api.connectionErrors } })))}\n`);
  writePlots(loadStart);
  say(`wrote ${join(OUT, "soak.json")} and ${join(OUT, "soak")}/*.svg`);
  say(`API: ${loadFigures.requestsPerSecond} requests/s, p50 ${loadFigures.p50Ms} ms, p99 ${loadFigures.p99Ms} ms on ${historyIndexed} transfers (bar ${loadFigures.met ? "met" : "NOT met"}); payments ${result.throughput.paymentsConfirmedPerSecond}/s`);
  say(result.ok ? "all checks passed" : `FAILED: ${checks.filter((c) => !c.ok).map((c) => c.name).join("; ")}`);
  if (!KEEP && result.ok) rmSync(work, { recursive: true, force: true });
  else say(`work folder kept: ${work}`);
  return result.ok ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------------- helpers
const round = (x: number) => Math.round(x * 100) / 100;

async function until(ok: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await ok()) return;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

async function balancesAt(token: string, wallets: Address[], block: number): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  for (let i = 0; i < wallets.length; i += 500) {
    const chunk = wallets.slice(i, i + 500);
    const r = await chainRpc.batch<string>(chunk.map((w) => ({ method: "eth_call", params: [{ to: token, data: `0x70a08231${w.slice(2).padStart(64, "0")}` }, numberToHex(block)] })));
    r.forEach((v, k) => out.set(chunk[k]!, BigInt(v)));
  }
  return out;
}

async function noncesAt(accounts: Address[], block: number): Promise<Map<string, number>> {
  const r = await chainRpc.batch<string>(accounts.map((a) => ({ method: "eth_getTransactionCount", params: [a, numberToHex(block)] })));
  return new Map(accounts.map((a, i) => [a, hexToNumber(r[i]!)]));
}

/** The seeded chaos: kills of the indexer and the server (one each per 10 minutes, at least one), a chain restart, an outage. */
function chaosSchedule(loadStart: number): { type: Fault["type"]; at: number; length: number }[] {
  const kills = Math.max(1, Math.round(MINUTES / 10));
  const types: Fault["type"][] = [...Array<Fault["type"]>(kills).fill("kill-indexer"), ...Array<Fault["type"]>(kills).fill("kill-server"), "restart-chain", "node-outage"];
  for (let i = types.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [types[i], types[j]] = [types[j]!, types[i]!];
  }
  // Spread over 10%–65% of the run, one to a slot; the rest of the run is steady (memory, lag recovery).
  const from = 0.1 * DURATION_MS;
  const slot = (0.55 * DURATION_MS) / types.length;
  const outage = MINUTES < 5 ? 10_000 + random() * 5_000 : 10_000 + random() * 20_000;
  return types.map((type, i) => ({ type, at: loadStart + from + i * slot + random() * slot * 0.3, length: type === "node-outage" ? outage : 0 }));
}

/** Marks a fault recovered once the index is within READY_LAG blocks of the chain head (and the server ready). */
async function watchRecovery(fault: Fault, _accounts: SoakAccounts): Promise<void> {
  const limit = Date.now() + RECOVERY_LIMIT_MS * 2;
  while (Date.now() < limit && store !== null) {
    try {
      const head = hexToNumber(await chainRpc.call<string>("eth_blockNumber"));
      const position = (await store.position())?.block ?? 0;
      let ready = head - position <= READY_LAG;
      if (ready && fault.type === "kill-server") ready = await serving();
      if (ready) {
        fault.recoveredAt = Date.now();
        say(`recovered from ${fault.type} ${((fault.recoveredAt - fault.endedAt!) / 1000).toFixed(1)} s after it ended`);
        return;
      }
    } catch {
      // the node or the store is not answering yet
    }
    await sleep(500);
  }
}
let serverMetricsUrl = "";
/**
 * The server answers: /healthz is 200 and a worker's trace model is within READY_LAG blocks of the index. Not
 * /readyz, which wants the model of the exact indexed tip: with a block a second, a probe often lands between the
 * index's commit and the workers' append of that block (before the live model, when a worker reloaded its whole
 * model of 100,000 transfers in 1–2.5 s per block, it was never ready under load). The report counts /readyz's
 * answers each second (serverReadyz).
 */
async function serving(): Promise<boolean> {
  const text = await fetch(serverMetricsUrl).then((r) => (r.ok ? r.text() : ""), () => "");
  if (text === "") return false;
  const f = parsePrometheusText(text);
  const model = sampleValue(f, "goods_ledger_model_block");
  const indexed = sampleValue(f, "goods_ledger_indexed_block");
  return model > 0 && indexed - model <= READY_LAG;
}

/** Samples the chain head, the index, memory, the API and the payments every second until `stop`. */
async function sampleLoop(loadStart: number, procs: Managed[], stop: AbortSignal): Promise<void> {
  let confirmedBefore = 0;
  while (!stop.aborted) {
    const t = Date.now();
    let head: { number: number; timestamp: number } | null = null;
    try {
      const b = await chainRpc.call<{ number: string; timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
      head = { number: hexToNumber(b.number), timestamp: hexToNumber(b.timestamp) };
    } catch {
      head = null;
    }
    let indexed: number | null = null;
    let indexedTime: number | null = null;
    let transfers: number | null = null;
    try {
      const p = await store!.position();
      indexed = p?.block ?? null;
      if (p !== null) indexedTime = (await store!.headers(p.block, p.block))[0]?.timestamp ?? null;
      transfers = (await store!.counts()).transfers;
    } catch {
      // busy
    }
    const readyz = serverMetricsUrl === "" ? 0 : await fetch(serverMetricsUrl.replace(/\/metrics$/, "/readyz")).then((r) => r.status, () => 0);
    const rss: Record<string, number> = { harness: process.memoryUsage().rss };
    for (const p of procs) rss[p.name] = p.rss();
    const tick = lastTick as AnalystTick | null;
    lastTick = null;
    const lat = tick !== null && tick.latencies.length > 0 ? percentiles(tick.latencies) : null;
    const confirmed = payments.filter((p) => p.outcome === "confirmed").length;
    samples.push({
      t, head: head?.number ?? null, indexed,
      lagBlocks: head !== null && indexed !== null ? Math.max(0, head.number - indexed) : null,
      lagSeconds: head !== null && indexedTime !== null ? Math.max(0, head.timestamp - indexedTime) : null,
      transfers, rss,
      api: { requests: tick?.latencies.length ?? 0, p50: lat?.p50 ?? null, p99: lat?.p99 ?? null, connectionErrors: tick?.connectionErrors ?? 0, latencies: tick?.latencies ?? [] },
      paymentsConfirmed: confirmed - confirmedBefore,
      readyz,
    });
    confirmedBefore = confirmed;
    if (samples.length % 30 === 0) {
      const s = samples.at(-1)!;
      say(`t+${((t - loadStart) / 1000).toFixed(0)} s: head ${s.head}, indexed ${s.indexed} (lag ${s.lagBlocks}), API ${s.api.requests}/s p99 ${s.api.p99?.toFixed(0)} ms, payments ${confirmed} confirmed of ${payments.length}, RSS ${Object.entries(rss).map(([k, v]) => `${k} ${(v / 2 ** 20).toFixed(0)}`).join(" ")} MiB`);
    }
    await sleep(Math.max(0, 1_000 - (Date.now() - t)));
  }
}

/**
 * The API load split by whether the index moved: seconds in which the indexed block had not changed for 3 s
 * (a fault held new blocks back, so the workers' models stayed current) against the rest. Every query waits for its
 * worker's model of the tip: the workers append each new block in place (docs/TRACE.md L8), so both kinds of second
 * should answer alike; before the live model a worker reloaded its whole model on each block.
 */
function apiByMotion(): Record<string, { seconds: number; requestsPerSecond: number; p50Ms: number; p99Ms: number }> {
  const still: Sample[] = [];
  const moving: Sample[] = [];
  samples.forEach((x, i) => {
    const back = samples.slice(Math.max(0, i - 3), i + 1);
    (back.length === 4 && back.every((b) => b.indexed !== null && b.indexed === x.indexed) ? still : moving).push(x);
  });
  const figures = (xs: Sample[]) => {
    const lat = steadyLatencies(xs);
    const p = percentiles(lat.length > 0 ? lat : [0]);
    return { seconds: xs.length, requestsPerSecond: round(xs.length === 0 ? 0 : lat.length / xs.length), p50Ms: round(p.p50), p99Ms: round(p.p99) };
  };
  return { indexMoving: figures(moving), indexStill: figures(still) };
}

/** Every answer's latency in the given seconds. */
function steadyLatencies(steady: Sample[]): number[] {
  return steady.flatMap((s) => s.api.latencies);
}

function byKind(ps: Payment[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const p of ps) {
    out[p.kind] ??= {};
    out[p.kind]![p.outcome] = (out[p.kind]![p.outcome] ?? 0) + 1;
  }
  return out;
}

/** p50/p99 by route from the server's own histogram (its last incarnation). */
function routeLatencies(text: string): Record<string, { count: number; p99Ms: number | null }> {
  if (text === "") return {};
  const f = parsePrometheusText(text);
  const routes = new Set((f.get("goods_ledger_http_request_seconds")?.samples ?? []).map((s) => s.labels.route!).filter((r) => r !== undefined));
  const out: Record<string, { count: number; p99Ms: number | null }> = {};
  for (const route of routes) {
    const c = sampleValue(f, "goods_ledger_http_request_seconds_count", { route });
    if (c === 0) continue;
    const buckets = (f.get("goods_ledger_http_request_seconds")?.samples ?? []).filter((s) => s.name.endsWith("_bucket") && s.labels.route === route);
    const le = buckets.find((b) => b.value >= 0.99 * c)?.labels.le;
    out[route] = { count: c, p99Ms: le === undefined ? null : Number(le) * 1000 };
  }
  return out;
}

async function reopenCount(): Promise<number | null> {
  try {
    const s = new SqliteStore(join(indexDir, "index.sqlite"));
    const n = (await s.counts()).transfers;
    await s.close();
    return n;
  } catch {
    return null;
  }
}

function writePlots(loadStart: number): void {
  const sec = (t: number) => (t - loadStart) / 1000;
  const bands: Band[] = faults.map((f) => ({ from: sec(f.at), to: sec(f.endedAt ?? f.at + 1000), label: f.type }));
  const dir = join(OUT, "soak");
  const smooth = (xs: (number | null)[], w: number) => xs.map((_, i) => {
    const win = xs.slice(Math.max(0, i - w + 1), i + 1).filter((v): v is number => v !== null);
    return win.length === 0 ? null : win.reduce((a, b) => a + b, 0) / win.length;
  });
  const ts = samples.map((s) => sec(s.t));
  const zip = (ys: (number | null)[]) => ts.map((t, i) => [t, ys[i] ?? null] as [number, number | null]);
  const transfersPerSec = samples.map((s, i) => (i === 0 || s.transfers === null || samples[i - 1]!.transfers === null ? null : (s.transfers - samples[i - 1]!.transfers!) / ((s.t - samples[i - 1]!.t) / 1000)));
  writeFileSync(join(dir, "throughput.svg"), lineChart({
    title: "Throughput (5 s moving average)", yLabel: "per second", bands,
    series: [
      { label: "API requests answered", color: "#1d3557", points: zip(smooth(samples.map((s) => s.api.requests), 5)) },
      { label: "payments confirmed", color: "#2a9d8f", points: zip(smooth(samples.map((s) => s.paymentsConfirmed), 5)) },
      { label: "transfers indexed", color: "#e76f51", points: zip(smooth(transfersPerSec, 5)) },
    ],
  }));
  writeFileSync(join(dir, "index-lag.svg"), lineChart({
    title: "Index lag behind the chain head", yLabel: "blocks / seconds", bands,
    series: [
      { label: "lag, blocks", color: "#e63946", points: zip(samples.map((s) => s.lagBlocks)) },
      { label: "lag, seconds", color: "#457b9d", points: zip(samples.map((s) => s.lagSeconds)) },
    ],
  }));
  writeFileSync(join(dir, "api-p99.svg"), lineChart({
    title: "API latency per second (analyst load)", yLabel: "ms", bands,
    series: [
      { label: "p99", color: "#e63946", points: zip(samples.map((s) => s.api.p99)) },
      { label: "p50", color: "#1d3557", points: zip(samples.map((s) => s.api.p50)) },
    ],
  }));
  const colors: Record<string, string> = { chain: "#6a4c93", indexer: "#e76f51", server: "#1d3557", harness: "#8d99ae" };
  writeFileSync(join(dir, "memory.svg"), lineChart({
    title: "Resident memory (RSS) per process group", yLabel: "MiB", bands,
    series: Object.keys(colors).map((name) => ({ label: name, color: colors[name]!, points: zip(samples.map((s) => ((s.rss[name] ?? 0) > 0 ? s.rss[name]! / 2 ** 20 : null))) })),
  }));
}

// ---------------------------------------------------------------------------------------------------- run
const cleanup = async () => {
  await chainLogs?.stop().catch(() => undefined);
  for (const m of managed) await m.stop("SIGKILL", 1_000).catch(() => undefined);
  await proxy?.close().catch(() => undefined);
  await store?.close().catch(() => undefined);
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping everything`);
    void cleanup().then(() => process.exit(130));
  });
}
main().then(
  async (code) => {
    await cleanup();
    process.exit(code);
  },
  async (error: unknown) => {
    console.error(`soak failed: ${(error as Error).stack ?? String(error)}`);
    await cleanup();
    console.error(`work folder kept: ${work}`);
    process.exit(1);
  },
);
