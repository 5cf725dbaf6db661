/**
 * Indexer ingest: at least 100,000 Transfer events produced on a local `hardhat node` (batch transfers from
 * institution wallets to 1,000 registered recipients), then indexed into a fresh SQLite store, timed from the
 * first `eth_getLogs` to the last commit, the rebuild of the store's indexes included (Syncer's own clock).
 * A first, warm-up run is printed but not counted; then three runs, each into a new store, and the median is
 * reported. Every run is checked: every indexed balance and the total supply reconcile with the chain.
 * Writes the `ingest` key of bench/results/trace.json (bench/trace.ts writes `trace`).
 *
 *   node --import tsx bench/ingest.ts [--events N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, toHex, type Address } from "viem";
import { reconcile } from "../src/indexer/reconcile.js";
import { JsonRpc } from "../src/indexer/rpc.js";
import { SqliteStore } from "../src/indexer/store/sqlite.js";
import { Syncer, type SyncTarget } from "../src/indexer/sync.js";
import { waitForTransaction } from "../src/sdk/index.js";
import { deployNodeLedger, startHardhatNode } from "../test/sdk/support/ledgerNode.js";
import { mergeResults } from "./lib/results.js";

const i = process.argv.indexOf("--events");
const EVENTS = i >= 0 ? Number(process.argv[i + 1]) : 100_000;
const RECIPIENTS = 1_000;
const LEGS = 500; // per batchTransfer: one block each
const SENDERS = 4;
const GATE = 50_000;

const recipients: Address[] = Array.from({ length: RECIPIENTS }, (_, k) => `0x${keccak256(toHex(`ingest-recipient-${k}`)).slice(26)}` as Address);

const node = await startHardhatNode();
const dir = mkdtempSync(join(tmpdir(), "goods-ledger-bench-ingest-"));
try {
  let t0 = performance.now();
  const ledger = await deployNodeLedger(node.url, { senders: SENDERS, perSender: "1000000", recipients });
  const batches = Math.ceil(EVENTS / LEGS);
  // Each sender sends its batches one after another; the senders run side by side.
  await Promise.all(ledger.senders.map(async (sender, s) => {
    const client = ledger.clientFor(sender);
    for (let b = s; b < batches; b += SENDERS) {
      const transfers = Array.from({ length: LEGS }, (_, k) => ({ to: recipients[(b * LEGS + k) % RECIPIENTS]!, amount: 1n }));
      await waitForTransaction(client, { hash: await client.batchTransfer({ transfers }) });
    }
  }));
  const d = ledger.deployment as typeof ledger.deployment & { startBlock: number };
  const target: SyncTarget = { rpcUrl: node.url, chainId: d.chainId, token: d.contracts.token, reserveRegistry: d.contracts.reserveRegistry, startBlock: d.startBlock };
  console.log(`produced ${batches} batch transfers of ${LEGS} legs on a hardhat node in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const rpc = new JsonRpc(node.url);
  const runs: { events: number; eventsPerSec: number; ms: number }[] = [];
  // Run 0 warms up (JIT, the node's first pass over its logs) and is printed but not counted.
  for (let run = 0; run <= 3; run++) {
    const store = new SqliteStore(join(dir, `run${run}`, "index.sqlite"));
    const report = await new Syncer(store, target).syncOnce();
    const check = await reconcile(store, rpc, target.token);
    const counts = await store.counts();
    await store.close();
    if (!check.ok) throw new Error(`run ${run}: the index does not reconcile with the chain (${check.differences.length} wallets differ)`);
    if (counts.transfers !== report.transfers) throw new Error(`run ${run}: ${counts.transfers} stored, ${report.transfers} reported`);
    const eventsPerSec = Math.round((report.transfers * 1000) / report.elapsedMs);
    if (run > 0) runs.push({ events: report.transfers, eventsPerSec, ms: report.elapsedMs });
    console.log(`${run === 0 ? "warm-up" : `run ${run}`}: ${report.transfers} Transfer events (+${report.events} other) in ${report.elapsedMs.toFixed(0)} ms: ${eventsPerSec} events/s; reconciled ${check.wallets} wallets`);
  }
  runs.sort((a, b) => a.eventsPerSec - b.eventsPerSec);
  const median = runs[1]!;
  const ingest = { events: median.events, eventsPerSec: median.eventsPerSec };
  const file = mergeResults("ingest", ingest);
  const ok = median.events >= 100_000 && median.eventsPerSec >= GATE;
  console.log(`median ${median.eventsPerSec} events/s over ${median.events} events: ${ok ? "meets" : "BELOW"} the bar (≥ ${GATE}/s, ≥ 100,000 events); wrote ${file}`);
  if (!ok) process.exitCode = 1;
} finally {
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
}
