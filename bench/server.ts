/**
 * The analyst server under an expensive client (issue 14's bar). A synthetic ledger of 120,000 transfers among
 * 12,000 wallets (20 hubs) goes into a SQLite store; the real `goods-ledger serve` runs on it in its own process
 * (2 query workers, 5 s deadline). Then:
 * 1. the candidates for "most expensive allowed query" run twice each, and the slowest second run that the server
 *    accepts becomes the heavy query;
 * 2. unloaded: a second token measures `/api/status` and a cheap trace (2 hops from an ordinary wallet);
 * 3. loaded: the same measurement while one client loops on the heavy query with the first token.
 * 2 and 3 alternate over 4 rounds, so changes in the machine's other load fall on both alike.
 * Writes bench/results/server.json. The bar: loaded p99 ≤ 3 × unloaded p99 for both, and every heavy query ends
 * within its deadline (answered, none stopped at the deadline).
 *
 *   node --import tsx bench/server.ts [--transfers N] [--samples N]
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, getPriority, loadavg, setPriority, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SqliteStore } from "../src/indexer/store/sqlite.js";
import { addToken } from "../src/server/auth.js";
import { ALERT_CAPS } from "../src/server/schemas.js";
import { numberArg } from "./lib/args.js";
import { syntheticWallet, writeSyntheticLedger } from "./lib/ledger.js";
import { percentiles } from "./lib/results.js";

const arg = numberArg;
const TRANSFERS = arg("--transfers", 120_000);
const WALLETS = Math.round(TRANSFERS / 10);
const HUBS = 20;
const SAMPLES = arg("--samples", 400);
const ROUNDS = 4;
const DEADLINE_MS = 5_000;
const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, "..", "bin", "goods-ledger.js");
const round = (x: number) => Math.round(x * 100) / 100;
const NICE = -10;

// Other work on this shared two-core machine would decide the result more than the code does. Every thread of
// the server, of this process (the light client) and of the heavy client gets the same raised scheduling
// priority (Linux nice values are per thread), to approximate an idle machine for all sides alike.
let priority = "default";
const raised = new Set<number>();
function raisePriority(pids: number[]): void {
  try {
    for (const pid of pids) {
      for (const tid of readdirSync(`/proc/${pid}/task`).map(Number)) {
        if (raised.has(tid)) continue;
        // Relative, so the query workers stay below the server's event loop as the server sets them.
        setPriority(tid, Math.max(-20, getPriority(tid) + NICE));
        raised.add(tid);
      }
    }
    priority = `nice ${NICE} relative, on every thread of the server, the light client and the heavy client`;
  } catch {
    priority = "default (could not raise it)";
  }
}

const dir = mkdtempSync(join(tmpdir(), "goods-ledger-bench-server-"));
let child: ReturnType<typeof spawn> | undefined;
try {
  const store = new SqliteStore(join(dir, "index", "index.sqlite"));
  let t0 = performance.now();
  const { transfers } = await writeSyntheticLedger(store, { transfers: TRANSFERS, wallets: WALLETS, hubs: HUBS });
  await store.close();
  console.log(`wrote ${transfers} transfers among ${WALLETS} wallets (${HUBS} hubs) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const tokens = join(dir, "tokens.json");
  const heavyToken = addToken(tokens, "heavy", "analyst");
  const lightToken = addToken(tokens, "light", "analyst");

  // The real CLI, in its own process, so the clients here do not share its event loop.
  child = spawn(process.execPath, [bin, "serve", "--json", "--store", join(dir, "index"), "--tokens", tokens, "--port", "0",
    "--workers", "2", "--deadline-ms", String(DEADLINE_MS), "--rate", "1000"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child!.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /"url": "([^"]+)"/.exec(out);
      if (m !== null) resolve(m[1]!);
    });
    child!.on("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });
  const get = async (path: string, token: string) => {
    const started = performance.now();
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.arrayBuffer();
    // Where the server says the time went (pooled routes): waiting for a worker, and the worker's own time.
    const timing = res.headers.get("server-timing") ?? "";
    const dur = (name: string) => Number(new RegExp(`${name};dur=([0-9.]+)`).exec(timing)?.[1] ?? Number.NaN);
    return { status: res.status, ms: performance.now() - started, bytes: body.byteLength, waitMs: dur("wait"), runMs: dur("run"), lane: /desc="(\w+) lane"/.exec(timing)?.[1] ?? null, text: () => new TextDecoder().decode(body) };
  };
  const loadStart = round(loadavg()[0]!);
  // Ready: both workers hold the model.
  t0 = performance.now();
  for (;;) {
    const r = await get("/readyz", lightToken);
    if (r.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  raisePriority([child.pid!, process.pid]); // after start-up: the worker threads exist now
  console.log(`serve ready (model loaded) in ${((performance.now() - t0) / 1000).toFixed(1)} s at ${url}`);

  // 1. The most expensive query the server accepts.
  const W = ALERT_CAPS.windowSeconds;
  const hub = syntheticWallet(0);
  const plain = syntheticWallet(HUBS + 77);
  const candidates = [
    `/api/alerts`,
    `/api/alerts?wallet=${hub}`,
    `/api/exposure?wallet=${plain}&policy=haircut`,
    `/api/exposure?wallet=${plain}&policy=fifo`,
    `/api/exposure?wallet=${hub}&policy=poison`,
    `/api/provenance?wallet=${hub}&policy=haircut`,
    `/api/forward?wallet=${hub}&hops=10&maxEdges=100000&hubDegree=1000000000`,
    `/api/backward?wallet=${hub}&hops=10&maxEdges=100000&hubDegree=1000000000`,
    `/api/path?from=${plain}&to=${hub}&hops=10&maxEdges=100000&hubDegree=1000000000`,
  ];
  const tried: { path: string; status: number; ms: number; bytes: number; code?: string }[] = [];
  // Each runs twice, ranked by the second run: some answers are cached per model after the first (provenance
  // replays once), and the heavy client's loop pays the steady cost.
  for (const path of candidates) {
    await get(path, heavyToken);
    const r = await get(path, heavyToken);
    const code = r.status === 200 ? undefined : (JSON.parse(r.text()) as { error: { code: string } }).error.code;
    tried.push({ path, status: r.status, ms: round(r.ms), bytes: r.bytes, ...(code === undefined ? {} : { code }) });
    console.log(`  candidate ${path}: ${r.status}${code ? ` ${code}` : ""} in ${r.ms.toFixed(0)} ms (${r.bytes} bytes)`);
  }
  // The evidence route with the widest rules the caps allow, on the busiest hub.
  const evidence = { query: { kind: "alerts", wallet: hub, rules: { fanIn: { windowSeconds: W, minSenders: ALERT_CAPS.minSenders }, structuring: { windowSeconds: W, minCount: ALERT_CAPS.minCount }, passThrough: { windowSeconds: W }, roundTrip: { hops: ALERT_CAPS.roundTripHops, windowSeconds: W }, velocity: { lookbackDays: ALERT_CAPS.lookbackDays } } } };
  const postEvidence = async (token: string) => {
    const started = performance.now();
    const res = await fetch(`${url}/api/evidence`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(evidence) });
    const body = await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started, bytes: body.byteLength };
  };
  await postEvidence(heavyToken);
  const ev = await postEvidence(heavyToken);
  tried.push({ path: "POST /api/evidence (alerts on a hub, widest allowed rules)", status: ev.status, ms: round(ev.ms), bytes: ev.bytes });
  console.log(`  candidate POST /api/evidence alerts widest rules: ${ev.status} in ${ev.ms.toFixed(0)} ms`);
  const accepted = tried.filter((c) => c.status === 200).sort((a, b) => b.ms - a.ms);
  const heavy = accepted[0]!;
  console.log(`heavy query: ${heavy.path} (${heavy.ms} ms alone)`);

  // 2 and 3. The light client: status and a cheap trace, alternately, from the second token. Unloaded and loaded
  // phases alternate over several rounds, so a change in the machine's other load falls on both alike.
  const cheapStarts = Array.from({ length: SAMPLES }, (_, i) => syntheticWallet(HUBS + ((i * 7919) % (WALLETS - HUBS))));
  type Into = { status: number[]; cheapTrace: number[]; detail?: { ms: number; waitMs: number; runMs: number; lane: string | null }[] };
  const samples = { unloaded: { status: [], cheapTrace: [], detail: [] } as Into, loaded: { status: [], cheapTrace: [], detail: [] } as Into };
  const light = async (n: number, into: Into) => {
    for (let i = 0; i < n; i++) {
      const s = await get("/api/status", lightToken);
      if (s.status !== 200) throw new Error(`status answered ${s.status}`);
      into.status.push(s.ms);
      const t = await get(`/api/forward?wallet=${cheapStarts[(into.cheapTrace.length + i) % SAMPLES]}&hops=2`, lightToken);
      if (t.status !== 200) throw new Error(`cheap trace answered ${t.status}: ${t.text()}`);
      into.cheapTrace.push(t.ms);
      into.detail?.push({ ms: round(t.ms), waitMs: t.waitMs, runMs: t.runMs, lane: t.lane });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const p = (xs: number[]) => {
    const { p50, p99 } = percentiles(xs);
    return { p50_ms: round(p50), p99_ms: round(p99) };
  };
  await light(50, { status: [], cheapTrace: [] }); // warm-up (JIT, connections), not measured

  // The heavy client runs in a process of its own: reading its 30 MB answers here would stall this process's
  // event loop and be counted against the light client. It loops until its stdin closes, one line per answer.
  // It reads each answer through node:http and drops the bytes as they come (a load generator, not a consumer).
  const heavyClient = `
    import { request } from "node:http";
    const [url, token, path, body] = process.argv.slice(1);
    let stop = false;
    process.stdin.on("end", () => { stop = true; }).resume();
    const once = () => new Promise((resolve, reject) => {
      const post = body !== "";
      const req = request(url + (post ? "/api/evidence" : path), { method: post ? "POST" : "GET",
        headers: { authorization: "Bearer " + token, ...(post ? { "content-type": "application/json" } : {}) } }, (res) => {
        res.on("data", () => {}).on("end", () => resolve(res.statusCode)).on("error", reject);
      });
      req.on("error", reject);
      req.end(post ? body : undefined);
    });
    while (!stop) {
      const started = performance.now();
      const status = await once();
      process.stdout.write(JSON.stringify({ status, ms: performance.now() - started }) + "\\n");
    }`;
  const heavyRuns: { status: number; ms: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await light(SAMPLES / ROUNDS, samples.unloaded);
    const heavyProcess = spawn(process.execPath, ["--input-type=module", "-e", heavyClient, url, heavyToken, heavy.path,
      heavy.path.startsWith("POST ") ? JSON.stringify(evidence) : ""], { stdio: ["pipe", "pipe", "inherit"] });
    let heavyOut = "";
    heavyProcess.stdout!.on("data", (d: Buffer) => (heavyOut += d.toString()));
    const heavyDone = new Promise((resolve) => heavyProcess.once("exit", resolve));
    raisePriority([child.pid!, process.pid, heavyProcess.pid!]);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the heavy client is in its loop
    await light(SAMPLES / ROUNDS, samples.loaded);
    heavyProcess.stdin!.end();
    await heavyDone;
    heavyRuns.push(...heavyOut.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as { status: number; ms: number }));
    console.log(`  round ${round + 1}/${ROUNDS}: ${heavyRuns.length} heavy queries so far`);
  }
  const unloaded = { status: p(samples.unloaded.status), cheapTrace: p(samples.unloaded.cheapTrace) };
  const loaded = { status: p(samples.loaded.status), cheapTrace: p(samples.loaded.cheapTrace) };
  console.log(`unloaded: status p50 ${unloaded.status.p50_ms} p99 ${unloaded.status.p99_ms} ms; cheap trace p50 ${unloaded.cheapTrace.p50_ms} p99 ${unloaded.cheapTrace.p99_ms} ms`);
  console.log(`loaded:   status p50 ${loaded.status.p50_ms} p99 ${loaded.status.p99_ms} ms; cheap trace p50 ${loaded.cheapTrace.p50_ms} p99 ${loaded.cheapTrace.p99_ms} ms`);
  const heavyTimes = heavyRuns.map((r) => r.ms);
  const hp = percentiles(heavyTimes);
  const heavyStats = {
    query: heavy.path, runs: heavyRuns.length, ok: heavyRuns.filter((r) => r.status === 200).length,
    stoppedAtDeadline: heavyRuns.filter((r) => r.status === 504).length, other: heavyRuns.filter((r) => r.status !== 200 && r.status !== 504).length,
    p50_ms: round(hp.p50), p99_ms: round(hp.p99), max_ms: round(Math.max(...heavyTimes)), deadline_ms: DEADLINE_MS,
  };
  console.log(`heavy: ${heavyStats.runs} runs, ${heavyStats.ok} answered, ${heavyStats.stoppedAtDeadline} stopped at the deadline; p50 ${heavyStats.p50_ms} p99 ${heavyStats.p99_ms} max ${heavyStats.max_ms} ms`);

  // The slowest cheap traces of each phase, with the server's own account of them: the part neither waiting nor
  // running on a worker is the event loops, the message hops and the scheduler.
  const slowest = (d: Into["detail"]) => [...d!].sort((a, b) => b.ms - a.ms).slice(0, 6);
  const cheapLanes = samples.loaded.detail!.reduce((m, d) => m.set(d.lane ?? "?", (m.get(d.lane ?? "?") ?? 0) + 1), new Map<string, number>());
  console.log(`slowest loaded cheap traces (ms total / wait / run / lane): ${slowest(samples.loaded.detail).map((d) => `${d.ms}/${d.waitMs}/${d.runMs}/${d.lane}`).join(", ")}`);
  const ratio = (a: number, b: number) => round(a / b);
  const bars = {
    statusP99Ratio: ratio(loaded.status.p99_ms, unloaded.status.p99_ms),
    cheapTraceP99Ratio: ratio(loaded.cheapTrace.p99_ms, unloaded.cheapTrace.p99_ms),
    heavyWithinDeadline: heavyStats.ok === heavyStats.runs && heavyStats.max_ms <= DEADLINE_MS,
  };
  const ok = bars.statusP99Ratio <= 3 && bars.cheapTraceP99Ratio <= 3 && bars.heavyWithinDeadline;
  const result = {
    transfers, wallets: WALLETS, hubs: HUBS, samples: SAMPLES, rounds: ROUNDS, workers: 2, deadline_ms: DEADLINE_MS,
    machine: { cpus: cpus().length, loadavg1AtStart: loadStart, loadavg1AtEnd: round(loadavg()[0]!), priority },
    candidates: tried, heavy: heavyStats, unloaded, loaded,
    slowestCheapTraces: { unloaded: slowest(samples.unloaded.detail), loaded: slowest(samples.loaded.detail), loadedLanes: Object.fromEntries(cheapLanes) },
    bars, withinBars: ok,
  };
  const file = join(here, "results", "server.json");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`load average (1 min): ${loadStart} at the start, ${result.machine.loadavg1AtEnd} at the end`);
  console.log(`${ok ? "within" : "OUTSIDE"} the bars (loaded p99 ≤ 3 × unloaded for status (${bars.statusP99Ratio}×) and a cheap trace (${bars.cheapTraceP99Ratio}×); every heavy query answered within ${DEADLINE_MS} ms: ${bars.heavyWithinDeadline}); wrote ${file}`);
  if (!ok) process.exitCode = 1;
} finally {
  child?.kill("SIGTERM");
  if (child !== undefined && child.exitCode === null) await new Promise((resolve) => child!.once("exit", resolve));
  rmSync(dir, { recursive: true, force: true });
}
