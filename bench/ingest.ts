/**
 * Indexer ingest: at least 100,000 Transfer events produced on a local node (batch transfers from an
 * institution wallet to 1,000 registered recipients), then indexed into a fresh SQLite store, timed from the
 * first `eth_getLogs` to the last commit, the rebuild of the store's indexes included (Syncer's own clock).
 * A first, warm-up run is printed but not counted; then three runs, each into a new store, and the median is
 * reported. Every run is checked: every indexed balance and the total supply reconcile with the chain.
 *
 * Two local nodes, each measured with its own raw `eth_getLogs` rate for comparison: anvil (npm
 * `@foundry-rs/anvil`, Rust end to end) and Hardhat's EDR node (whose JSON-RPC layer is JavaScript and caps
 * `eth_getLogs` lower on this machine). The `ingest` key of bench/results/trace.json takes anvil's result when
 * anvil is installed, else Hardhat's; the console shows both. (bench/trace.ts writes the `trace` key.)
 *
 *   node --import tsx bench/ingest.ts [--events N] [--nodes anvil,hardhat]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, toHex, type Address } from "viem";
import { reconcile } from "../src/indexer/reconcile.js";
import { JsonRpc } from "../src/indexer/rpc.js";
import { SqliteStore } from "../src/indexer/store/sqlite.js";
import { Syncer, type SyncTarget } from "../src/indexer/sync.js";
import { waitForTransaction } from "@goods-ledger/sdk";
import { deployNodeLedger, startHardhatNode } from "../test/sdk/support/ledgerNode.js";
import { mergeResults } from "./lib/results.js";

const option = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const EVENTS = Number(option("--events") ?? 100_000);
const NODES = (option("--nodes") ?? "anvil,hardhat").split(",");
const RECIPIENTS = 1_000;
const LEGS = 500; // per batchTransfer: one block each
const GATE = 50_000;

const recipients: Address[] = Array.from({ length: RECIPIENTS }, (_, k) => `0x${keccak256(toHex(`ingest-recipient-${k}`)).slice(26)}` as Address);

interface Node {
  url: string;
  stop(): Promise<void>;
}

/** anvil with automine (one transaction in flight at a time, so automine cannot stall) and no state on disk. */
async function startAnvil(): Promise<Node | null> {
  let bin: string;
  try {
    bin = createRequire(import.meta.url).resolve("@foundry-rs/anvil-linux-amd64/bin/anvil");
  } catch {
    return null;
  }
  // Port 0: anvil picks a free one and says which.
  const child = spawn(bin, ["--host", "127.0.0.1", "--port", "0", "--chain-id", "31337", "--prune-history", "--gas-limit", "100000000"], { stdio: ["ignore", "pipe", "ignore"] });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /Listening on ([\d.]+:\d+)/.exec(out);
      if (m) resolve(`http://${m[1]}`);
    });
    child.once("exit", (code) => reject(new Error(`anvil exited (${code}) before listening`)));
  });
  child.stdout!.resume();
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function measure(name: string, node: Node, dir: string): Promise<{ events: number; eventsPerSec: number }> {
  let t0 = performance.now();
  const ledger = await deployNodeLedger(node.url, { senders: 1, perSender: "1000000", recipients });
  const client = ledger.clientFor(ledger.senders[0]!);
  const batches = Math.ceil(EVENTS / LEGS);
  for (let b = 0; b < batches; b++) {
    const transfers = Array.from({ length: LEGS }, (_, k) => ({ to: recipients[(b * LEGS + k) % RECIPIENTS]!, amount: 1n }));
    await waitForTransaction(client, { hash: await client.batchTransfer({ transfers }) });
  }
  const d = ledger.deployment as typeof ledger.deployment & { startBlock: number };
  const target: SyncTarget = { rpcUrl: node.url, chainId: d.chainId, token: d.contracts.token, reserveRegistry: d.contracts.reserveRegistry, startBlock: d.startBlock };
  console.log(`${name}: produced ${batches} batch transfers of ${LEGS} legs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const rpc = new JsonRpc(node.url);
  const runs: number[] = [];
  let events = 0;
  for (let run = 0; run <= 3; run++) {
    t0 = performance.now();
    const raw = await rpc.call<unknown[]>("eth_getLogs", [{ fromBlock: `0x${d.startBlock.toString(16)}`, toBlock: "latest", address: [target.token, target.reserveRegistry] }]);
    const rawRate = Math.round((raw.length * 1000) / (performance.now() - t0));
    const store = new SqliteStore(join(dir, `${name}-${run}`, "index.sqlite"));
    const report = await new Syncer(store, target).syncOnce();
    const check = await reconcile(store, rpc, target.token);
    const counts = await store.counts();
    await store.close();
    if (!check.ok) throw new Error(`${name} run ${run}: the index does not reconcile with the chain (${check.differences.length} wallets differ)`);
    if (counts.transfers !== report.transfers) throw new Error(`${name} run ${run}: ${counts.transfers} stored, ${report.transfers} reported`);
    const eventsPerSec = Math.round((report.transfers * 1000) / report.elapsedMs);
    if (run > 0) runs.push(eventsPerSec);
    events = report.transfers;
    console.log(`${name} ${run === 0 ? "warm-up" : `run ${run}`}: ${report.transfers} Transfer events (+${report.events} other) in ${report.elapsedMs.toFixed(0)} ms: ${eventsPerSec} events/s (the node's raw eth_getLogs alone: ${rawRate}/s); reconciled ${check.wallets} wallets`);
  }
  const median = [...runs].sort((a, b) => a - b)[1]!;
  console.log(`${name}: median ${median} events/s over ${events} events`);
  return { events, eventsPerSec: median };
}

const dir = mkdtempSync(join(tmpdir(), "goods-ledger-bench-ingest-"));
const results = new Map<string, { events: number; eventsPerSec: number }>();
try {
  for (const name of NODES) {
    const node = name === "anvil" ? await startAnvil() : name === "hardhat" ? await startHardhatNode() : null;
    if (node === null) {
      console.log(`${name}: not available, skipped`);
      continue;
    }
    try {
      results.set(name, await measure(name, node, dir));
    } finally {
      await node.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const chosen = results.has("anvil") ? "anvil" : [...results.keys()][0];
if (chosen === undefined) throw new Error("no local node to measure against");
const ingest = results.get(chosen)!;
const file = mergeResults("ingest", ingest);
const ok = ingest.events >= 100_000 && ingest.eventsPerSec >= GATE;
console.log(`ingest (${chosen}): ${ingest.eventsPerSec} events/s over ${ingest.events} events: ${ok ? "meets" : "BELOW"} the bar (≥ ${GATE}/s, ≥ 100,000 events); wrote ${file}`);
if (!ok) process.exitCode = 1;
