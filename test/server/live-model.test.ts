import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/indexer/store/open.js";
import type { Store } from "../../src/indexer/store/store.js";
import type { Hex, TransferRow } from "../../src/indexer/types.js";
import { loadModel } from "../../src/trace/model.js";
import { writeSnapshot } from "../../src/trace/snapshot.js";
import { QueryPool, type PoolAnswer } from "../../src/server/pool.js";
import type { Job } from "../../src/server/worker.js";
import { HistoryBuilder, W } from "../trace/build.js";

const hashOf = (n: number, branch = 0): Hex => `0x${(branch * 0x100_0000 + n).toString(16).padStart(64, "0")}` as Hex;

async function commit(store: Store, from: number, to: number, transfers: TransferRow[], branch = 0): Promise<void> {
  await store.commit({
    fromBlock: from, toBlock: to, toHash: hashOf(to, branch),
    headers: [{ number: to, hash: hashOf(to, branch), parentHash: hashOf(to - 1, branch), timestamp: 1_700_000_000 + to * 12 }],
    transfers: transfers.filter((t) => t.block >= from && t.block <= to), events: [],
  });
}

const forward: Job = { op: "query", query: { kind: "forward", wallet: W(1), hops: 3 }, format: "json" };
const reached = ({ body }: PoolAnswer) => (JSON.parse(body.toString("utf8")) as { result: { wallets: { address: string }[] } }).result.wallets.map((w) => w.address).filter((a) => a !== W(1));

describe("server › live trace model: a new block is queryable at once, appended to the workers' model in place", function () {
  this.timeout(120_000);
  let dir: string;
  let store: Store;
  let pool: QueryPool | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "goods-ledger-live-"));
    store = await openStore(dir);
  });
  afterEach(async () => {
    await pool?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the query after a block's commit sees it; the worker appended the block (no rebuild), and rolled back on a reorg", async function () {
    const h = new HistoryBuilder().issue(1, W(1), 1_000n).transfer(2, W(1), W(2), 100n).transfer(4, W(1), W(3), 50n);
    await commit(store, 1, 2, h.transfers);
    pool = new QueryPool({ storeSpec: dir, workers: 1, deadlineMs: 60_000, queueWaitMs: 60_000, maxScanTransfers: 1e9, snapshotPath: null });
    expect(reached(await pool.run(forward, 2, "t"))).to.deep.equal([W(2)]);
    expect(pool.stats().modelLoads).to.include({ built: 1, appended: 0 });

    // Block 3 (empty) and 4 (W1 → W3) committed: the next query at the new position sees W3.
    await commit(store, 3, 4, h.transfers);
    expect(reached(await pool.run(forward, 4, "t"))).to.deep.equal([W(2), W(3)]);
    expect(pool.stats().modelLoads).to.include({ built: 1, appended: 1, "rolled-back": 0 });

    // A reorg: the store rolls back to block 2 and follows another branch where block 4 holds nothing.
    await store.rollback(2);
    await commit(store, 3, 4, [], 1);
    expect(reached(await pool.run(forward, 4, "t"))).to.deep.equal([W(2)]);
    expect(pool.stats().modelLoads).to.include({ built: 1, "rolled-back": 1 });

    // An older block (an evidence pack's) is answered by a model of its own; the live model stays.
    expect(reached(await pool.run(forward, 1, "t"))).to.deep.equal([]);
    expect(pool.stats().modelLoads).to.include({ built: 1, past: 1 });
    expect(pool.stats().modelBlocks).to.deep.equal([4]);
  });

  it("a worker starts from the snapshot and appends what the index holds beyond it, without reading the history", async function () {
    const h = new HistoryBuilder().issue(1, W(1), 1_000n).transfer(2, W(1), W(2), 100n).transfer(4, W(1), W(3), 50n);
    await store.setMeta("deployment", "{\"chainId\":31337}");
    await commit(store, 1, 2, h.transfers);
    const snapshot = join(dir, "trace-model.snapshot");
    writeSnapshot(await loadModel(store), snapshot, "{\"chainId\":31337}");
    await commit(store, 3, 4, h.transfers);
    pool = new QueryPool({ storeSpec: dir, workers: 1, deadlineMs: 60_000, queueWaitMs: 60_000, maxScanTransfers: 1e9, snapshotPath: snapshot });
    expect(reached(await pool.run(forward, 4, "t"))).to.deep.equal([W(2), W(3)]);
    expect(pool.stats().modelLoads).to.include({ snapshot: 1, built: 0 });
  });
});
