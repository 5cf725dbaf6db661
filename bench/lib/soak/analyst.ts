/**
 * The soak's analyst load, on a worker thread of its own (so the payment generator on the main thread does not
 * delay its clocks): `concurrency` closed loops, each sending a mixed trace query with one of several tokens and
 * sending the next as soon as the answer is read. Every second it posts what it saw: the latencies of the
 * answers (any HTTP status), the count by status, and the connection failures (the server killed by the chaos).
 */
import { parentPort, workerData } from "node:worker_threads";
import { rng } from "../args.js";

/** What the worker is given. */
export interface AnalystConfig {
  url: string;
  tokens: string[];
  /** Ordinary wallets and hub wallets of the history. */
  wallets: string[];
  hubs: string[];
  concurrency: number;
  seed: number;
}

/** One second of load. */
export interface AnalystTick {
  type: "tick";
  /** ms since the epoch at the end of the second. */
  t: number;
  latencies: number[];
  statuses: Record<string, number>;
  byKind: Record<string, number>;
  connectionErrors: number;
}

/** The query mix, by weight: cheap status calls, small traces, provenance, exposure, as-of. */
export const ANALYST_MIX: readonly { kind: string; weight: number }[] = [
  { kind: "status", weight: 25 },
  { kind: "backward", weight: 20 },
  { kind: "forward", weight: 15 },
  { kind: "provenance", weight: 15 },
  { kind: "exposure", weight: 10 },
  { kind: "asof", weight: 10 },
  { kind: "path", weight: 5 },
];

/** The path of one query of the mix. */
export function analystPath(kind: string, random: () => number, wallets: readonly string[], hubs: readonly string[]): string {
  const w = () => wallets[Math.floor(random() * wallets.length)]!;
  switch (kind) {
    case "status": return "/api/status";
    case "backward": return `/api/backward?wallet=${w()}&hops=2&maxEdges=100`;
    case "forward": return `/api/forward?wallet=${w()}&hops=2&maxEdges=100`;
    case "provenance": return `/api/provenance?wallet=${w()}`;
    case "exposure": return `/api/exposure?wallet=${w()}`;
    case "asof": return `/api/asof?wallet=${w()}`;
    case "path": return `/api/path?from=${hubs[Math.floor(random() * hubs.length)]!}&to=${w()}&hops=2&maxEdges=100`;
    default: throw new Error(`unknown kind ${kind}`);
  }
}

if (parentPort !== null && workerData !== null && (workerData as { analyst?: AnalystConfig }).analyst !== undefined) {
  const config = (workerData as { analyst: AnalystConfig }).analyst;
  const port = parentPort;
  const random = rng(config.seed);
  const total = ANALYST_MIX.reduce((a, m) => a + m.weight, 0);
  const pick = () => {
    let x = random() * total;
    for (const m of ANALYST_MIX) if ((x -= m.weight) < 0) return m.kind;
    return ANALYST_MIX[0]!.kind;
  };
  let running = true;
  let tick: AnalystTick = { type: "tick", t: 0, latencies: [], statuses: {}, byKind: {}, connectionErrors: 0 };
  const flush = setInterval(() => {
    tick.t = Date.now();
    port.postMessage(tick);
    tick = { type: "tick", t: 0, latencies: [], statuses: {}, byKind: {}, connectionErrors: 0 };
  }, 1_000);
  port.on("message", (m: { type: string }) => {
    if (m.type === "stop") running = false;
  });
  const loop = async (i: number) => {
    const token = config.tokens[i % config.tokens.length]!;
    while (running) {
      const kind = pick();
      const started = performance.now();
      try {
        const res = await fetch(`${config.url}${analystPath(kind, random, config.wallets, config.hubs)}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(15_000) });
        await res.arrayBuffer();
        tick.latencies.push(performance.now() - started);
        tick.statuses[res.status] = (tick.statuses[res.status] ?? 0) + 1;
        tick.byKind[kind] = (tick.byKind[kind] ?? 0) + 1;
        if (res.status === 429 || res.status === 503) await new Promise((resolve) => setTimeout(resolve, 50));
      } catch {
        tick.connectionErrors++;
        await new Promise((resolve) => setTimeout(resolve, 200)); // the server is down: do not spin
      }
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, (_, i) => loop(i)));
  clearInterval(flush);
  tick.t = Date.now();
  port.postMessage(tick);
  port.postMessage({ type: "done" });
}
