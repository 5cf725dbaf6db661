import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeCheckpoint } from "../../src/indexer/checkpoint.js";
import { TRANSFER_TOPIC } from "../../src/indexer/decode.js";
import { reconcile } from "../../src/indexer/reconcile.js";
import { JsonRpc } from "../../src/indexer/rpc.js";
import { openStore } from "../../src/indexer/store/open.js";
import { waitForTransaction } from "@goods-ledger/sdk";
import { deployNodeLedger, startHardhatNode, type HardhatNode, type NodeLedger } from "../sdk/support/ledgerNode.js";
import { onEachStore } from "./stores.js";

const bin = fileURLToPath(new URL("../../bin/goods-ledger.js", import.meta.url));

/**
 * Runs `goods-ledger index` (one block per commit) and SIGKILLs it once its progress has passed `killAfter`
 * blocks beyond the first block it reported, or lets it finish when `killAfter` is null.
 * @returns how it ended and the last block its progress reported.
 */
function runIndexer(args: string[], killAfter: number | null): Promise<{ code: number | null; signal: NodeJS.Signals | null; lastBlock: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    // A progress line per update (off a terminal the CLI prints one every 10 s by default): the kill is timed by them.
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GOODS_LEDGER_PROGRESS_SECONDS: "0" } });
    let stderr = "";
    let firstBlock = -1;
    let lastBlock = -1;
    child.stdout.resume();
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      for (const m of stderr.matchAll(/block (\d+), \d+ transfers/g)) {
        if (firstBlock < 0) firstBlock = Number(m[1]);
        lastBlock = Math.max(lastBlock, Number(m[1]));
      }
      if (killAfter !== null && firstBlock >= 0 && lastBlock >= firstBlock + killAfter && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, lastBlock, stderr }));
  });
}

describe("index (the real binary) › crash safety: SIGKILL mid-sync, then restart; --follow", function () {
  this.timeout(300_000);
  let node: HardhatNode;
  let ledger: NodeLedger;
  let dir: string;

  before(async function () {
    node = await startHardhatNode();
    ledger = await deployNodeLedger(node.url, { senders: 4, perSender: "10000" });
    // About 240 blocks of transfers: four senders, each sending to the next.
    for (let round = 0; round < 60; round++) {
      await Promise.all(ledger.senders.map(async (s, i) => {
        const client = ledger.clientFor(s);
        await waitForTransaction(client, { hash: await client.transfer({ to: ledger.senders[(i + 1) % 4]!.address, amount: `${1 + ((round + i) % 5)}` }) });
      }));
    }
    dir = mkdtempSync(join(tmpdir(), "goods-ledger-crash-"));
    mkdirSync(join(dir, "deployments"));
    writeFileSync(join(dir, "deployments", "crash.json"), JSON.stringify(ledger.deployment));
  });
  after(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  onEachStore((factory) => {
    it("finds no gap, no duplicate, and every wallet's indexed balance equal to balanceOf after three kills", async function () {
      const rpc = new JsonRpc(node.url);
      const head = Number(await rpc.call<string>("eth_blockNumber"));
      const spec = factory().spec();
      const args = ["-n", "crash", "--deployments", join(dir, "deployments"), "index", "--store", spec, "--batch-blocks", "1", "--max-batch-blocks", "1", "--finality", "0"];
      const positions: number[] = [];
      for (let kill = 0; kill < 3; kill++) {
        const run = await runIndexer(args, 20);
        expect(run.signal, run.stderr.slice(-600)).to.equal("SIGKILL");
        const s = await openStore(spec);
        const position = (await s.position())!.block;
        await s.close();
        expect(position).to.be.lessThan(head); // killed in the middle, not after the end
        expect(position).to.be.at.most(run.lastBlock); // nothing committed beyond what it reported
        positions.push(position);
      }
      expect(positions[0]).to.be.lessThan(positions[2]!); // each restart resumed and got further
      const last = await runIndexer([...args, "--reconcile"], null);
      expect(last.code, last.stderr.slice(-600)).to.equal(0);
      expect(last.stderr).to.match(/block \d+, \d+ transfers/);

      const s = await openStore(spec);
      try {
        expect((await s.position())!.block).to.equal(head);
        const logs = await rpc.call<{ blockNumber: string; transactionIndex: string; logIndex: string }[]>("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest", address: ledger.deployment.contracts.token, topics: [TRANSFER_TOPIC] }]);
        const chain = logs.map((l) => encodeCheckpoint({ block: Number(l.blockNumber), txIndex: Number(l.transactionIndex), logIndex: Number(l.logIndex) }));
        const stored = (await s.transfers({ limit: 1_000_000 })).map((t) => t.checkpoint);
        expect(stored.length).to.equal(new Set(stored).size); // no duplicate
        expect(stored).to.deep.equal(chain); // no gap, same order
        expect(chain.length).to.be.greaterThan(240);
        const check = await reconcile(s, rpc, ledger.deployment.contracts.token);
        expect(check.differences).to.deep.equal([]);
        expect(check.totalSupply.indexed).to.equal(check.totalSupply.chain);
        expect(check.wallets).to.be.at.least(5);
      } finally {
        await s.close();
      }
    });

    it("index --follow › indexes new blocks as they come and stops cleanly on SIGTERM", async function () {
      const spec = factory().spec();
      const child = spawn(process.execPath, [bin, "-n", "crash", "--deployments", join(dir, "deployments"), "index", "--store", spec, "--follow", "--poll-ms", "100"], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stdout.resume();
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      try {
        const until = async (what: string, ok: () => boolean | Promise<boolean>) => {
          for (let i = 0; i < 300; i++) {
            if (await ok()) return;
            await new Promise((r) => setTimeout(r, 100));
          }
          throw new Error(`timed out waiting for ${what}; stderr:\n${stderr.slice(-600)}`);
        };
        await until("the follow loop", () => stderr.includes("following new blocks"));
        const client = ledger.clientFor(ledger.senders[0]!);
        const receipt = await waitForTransaction(client, { hash: await client.transfer({ to: ledger.senders[1]!.address, amount: "1" }) });
        await until("the new block in the index", async () => {
          const s = await openStore(spec);
          try {
            return ((await s.position())?.block ?? 0) >= Number(receipt.blockNumber);
          } finally {
            await s.close();
          }
        });
        const s = await openStore(spec);
        const rows = await s.transfers({ wallet: ledger.senders[1]!.address.toLowerCase() as `0x${string}`, limit: 1_000_000 });
        await s.close();
        expect(rows.at(-1)!.txHash).to.equal(receipt.transactionHash);
      } finally {
        child.kill("SIGTERM");
      }
      expect(await exited).to.equal(0);
      expect(stderr).to.match(/stopped at block \d+/);
    });
  });
});
