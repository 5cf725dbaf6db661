import { expect } from "chai";
import { JsonRpc } from "../../src/indexer/rpc.js";
import { reconcile } from "../../src/indexer/reconcile.js";
import { IndexerError, Syncer } from "../../src/indexer/sync.js";
import type { Store } from "../../src/indexer/store/store.js";
import { waitForTransaction } from "@goods-ledger/sdk";
import { deployNodeLedger, startHardhatNode, type HardhatNode, type NodeLedger } from "../sdk/support/ledgerNode.js";
import { targetOf } from "./activity.js";
import { onEachStore } from "./stores.js";

/** Sends `amounts` (token units) from sender a to sender b, one block each. */
async function send(ledger: NodeLedger, a: number, b: number, amounts: string[]): Promise<void> {
  const client = ledger.clientFor(ledger.senders[a]!);
  for (const amount of amounts) await waitForTransaction(client, { hash: await client.transfer({ to: ledger.senders[b]!.address, amount }) });
}

/** The store's transfers, minus nothing: the fields that identify them on a chain. */
async function rows(store: Store) {
  return (await store.transfers({ limit: 100_000 })).map((t) => [t.checkpoint, t.txHash, t.from, t.to, t.amount]);
}

describe("sync › reorgs on a local node (evm_snapshot, evm_revert, then different blocks)", function () {
  this.timeout(300_000);
  let node: HardhatNode;
  let ledger: NodeLedger;
  let rpc: JsonRpc;

  before(async function () {
    node = await startHardhatNode();
    ledger = await deployNodeLedger(node.url, { senders: 2 });
    rpc = new JsonRpc(node.url);
  });
  after(async () => node?.stop());

  onEachStore((factory) => {
    it("a reorg within the finality depth › is detected through the block hashes, rolled back to the common ancestor and re-indexed as a fresh index would", async function () {
      const store = await factory().open();
      const reorgs: { from: number; to: number; depth: number }[] = [];
      const sync = () => new Syncer(store, targetOf(ledger), { finalityDepth: 12, initialRange: 2, onReorg: (r) => reorgs.push(r) }).syncOnce();
      await sync();
      const ancestor = Number(await rpc.call<string>("eth_blockNumber"));
      const snapshot = await rpc.call<string>("evm_snapshot");
      await send(ledger, 0, 1, ["1", "2", "3"]);
      await sync();
      const abandoned = await rows(store);
      expect((await store.position())!.block).to.equal(ancestor + 3);

      expect(await rpc.call<boolean>("evm_revert", [snapshot])).to.equal(true);
      await send(ledger, 1, 0, ["4", "5", "6", "7"]);
      const report = await sync();
      expect(reorgs).to.deep.equal([{ from: ancestor + 3, to: ancestor, depth: 3 }]);
      expect(report.reorgs).to.deep.equal(reorgs);
      expect((await store.position())!.block).to.equal(ancestor + 4);

      const fresh = await factory().open();
      await new Syncer(fresh, targetOf(ledger)).syncOnce();
      const now = await rows(store);
      expect(now).to.deep.equal(await rows(fresh));
      expect(now.slice(-4).map((r) => r[4])).to.deep.equal([4_000_000n, 5_000_000n, 6_000_000n, 7_000_000n]);
      expect(now.filter((r) => abandoned.slice(-3).some((a) => a[1] === r[1]))).to.deep.equal([]);
      const check = await reconcile(store, rpc, targetOf(ledger).token);
      expect([check.ok, check.differences]).to.deep.equal([true, []]);
    });

    it("a reorg deeper than the finality depth › stops with IndexerError reorg-too-deep and changes nothing", async function () {
      const store = await factory().open();
      const sync = () => new Syncer(store, targetOf(ledger), { finalityDepth: 1 }).syncOnce();
      await sync();
      const snapshot = await rpc.call<string>("evm_snapshot");
      await send(ledger, 0, 1, ["1", "1", "1", "1"]);
      await sync();
      const before = [await store.position(), await rows(store)];
      await rpc.call<boolean>("evm_revert", [snapshot]);
      await send(ledger, 0, 1, ["2", "2", "2", "2", "2"]);
      const error = await sync().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(IndexerError);
      expect((error as IndexerError).code).to.equal("reorg-too-deep");
      expect((error as IndexerError).message).to.match(/deeper than the finality depth/);
      expect([await store.position(), await rows(store)]).to.deep.equal(before);
    });
  });
});
