/**
 * Provenance at a block and exposure at a larger size, in memory (no SQLite): the synthetic ledger of
 * bench/lib/ledger.ts (default 5,000,000 transfers among 500,000 wallets) fed straight into a model builder,
 * then the one-time replays (time and the memory they add, RSS and the bytes of their recorded pieces) and the
 * queries of bench/lib/replay-queries.ts (a random wallet at a random past block each). Prints only; writes
 * no results file (bench/trace.ts owns the 1M figures, the scale bench the 20M ones).
 *
 *   node --max-old-space-size=12000 --import tsx bench/replay.ts [--transfers N] [--wallets N] [--queries N]
 */
import os from "node:os";
import type { Store } from "../src/indexer/store/store.js";
import type { TransferRow } from "../src/indexer/types.js";
import { ModelBuilder } from "../src/trace/model.js";
import { exposureCacheOf } from "../src/trace/exposure.js";
import { provenanceReplay } from "../src/trace/provenance.js";
import { numberArg, rng } from "./lib/args.js";
import { writeSyntheticLedger } from "./lib/ledger.js";
import { replayQueries, setUpReplays } from "./lib/replay-queries.js";
import { percentiles } from "./lib/results.js";

const TRANSFERS = numberArg("--transfers", 5_000_000);
const WALLETS = numberArg("--wallets", 500_000);
const QUERIES = numberArg("--queries", 200);
const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

let t0 = performance.now();
const builder = new ModelBuilder();
let tip = 0;
// Just enough of a Store for the generator: every committed row goes into the builder.
const sink = {
  async commit(batch: { toBlock: number; transfers: readonly TransferRow[] }) {
    for (const row of batch.transfers) builder.addTransfer(row);
    tip = batch.toBlock;
  },
  async setMeta() {},
} as unknown as Store;
await writeSyntheticLedger(sink, { transfers: TRANSFERS, wallets: WALLETS, hubs: Math.max(1, Math.round(WALLETS / 100)), lots: 50, perBlock: 10, seed: 42 });
const model = builder.finish([], { block: tip, hash: null, timestamp: 1_700_000_000 + tip * 12 });
globalThis.gc?.();
console.log(`built the model in memory: ${model.size} transfers, ${model.address.length - 1} wallets, ${((performance.now() - t0) / 1000).toFixed(1)} s; rss ${mb()} MB`);

const q = replayQueries(model);
const before = mb();
t0 = performance.now();
let last = before;
const added: string[] = [];
const setUp = setUpReplays(model, q, (name) => {
  globalThis.gc?.();
  added.push(`${name} +${mb() - last} MB`);
  last = mb();
});
console.log(`resident memory each replay added (after a collection): ${added.join(", ")}`);
globalThis.gc?.();
const pieces = provenanceReplay(model, "fifo").pieces.bytes + [...(exposureCacheOf(model)?.replays.values() ?? [])].reduce((x, r) => x + r.pieces.bytes, 0);
console.log(`one-time replays (s): ${Object.entries(setUp).map(([k, v]) => `${k} ${v}`).join(", ")}; rss ${before} → ${mb()} MB; recorded pieces ${Math.round(pieces / 2 ** 20)} MB`);

const random = rng(11);
for (const [name, run] of Object.entries(q.runners)) {
  for (let i = 0; i < 10; i++) run(model, random);
  const times: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const t = performance.now();
    run(model, random);
    times.push(performance.now() - t);
  }
  const { p50, p99 } = percentiles(times);
  console.log(`${name.padEnd(16)} p50 ${p50.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  (${QUERIES} queries, random wallet and past block)`);
}
console.log(`rss at the end ${mb()} MB; load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
