import { expect } from "chai";
import { JsonRpc } from "../../src/indexer/rpc.js";
import { reconcile } from "../../src/indexer/reconcile.js";
import { Syncer, indexedDeployment } from "../../src/indexer/sync.js";
import { buildPack, packDigest, verifyPack, type EvidencePack } from "../../src/trace/evidence.js";
import { runQuery } from "../../src/trace/query.js";
import type { Store } from "../../src/indexer/store/store.js";
import { TRANSFER_TOPIC } from "../../src/indexer/decode.js";
import { encodeCheckpoint } from "../../src/indexer/checkpoint.js";
import { loadModel } from "../../src/trace/model.js";
import { provenance } from "../../src/trace/provenance.js";
import { exposure } from "../../src/trace/exposure.js";
import { asOf } from "../../src/trace/asof.js";
import { waitForTransaction } from "@goods-ledger/sdk";
import { startHardhatNode, type HardhatNode } from "../sdk/support/ledgerNode.js";
import { playActivity, type Activity } from "./activity.js";
import { onEachStore } from "./stores.js";

interface RawTransferLog {
  blockNumber: string;
  transactionIndex: string;
  logIndex: string;
}

/** Every Transfer log of the token, straight from the node, as checkpoints. */
async function chainTransfers(rpc: JsonRpc, token: string, toBlock: number): Promise<string[]> {
  const logs = await rpc.call<RawTransferLog[]>("eth_getLogs", [{ fromBlock: "0x0", toBlock: `0x${toBlock.toString(16)}`, address: token, topics: [TRANSFER_TOPIC] }]);
  return logs.map((l) => encodeCheckpoint({ block: Number(l.blockNumber), txIndex: Number(l.transactionIndex), logIndex: Number(l.logIndex) }));
}

async function storedCheckpoints(store: Store): Promise<string[]> {
  return (await store.transfers({ limit: 1_000_000 })).map((t) => t.checkpoint);
}

describe("sync › against a real hardhat node", function () {
  this.timeout(300_000);
  let node: HardhatNode;
  let activity: Activity;
  let rpc: JsonRpc;

  before(async function () {
    node = await startHardhatNode();
    activity = await playActivity(node.url);
    rpc = new JsonRpc(node.url);
  });
  after(async () => node?.stop());

  onEachStore((factory) => {
    it("indexes every Transfer (no gap, no duplicate) in small adaptive ranges, annotated with what caused it, and reconciles with balanceOf", async function () {
      const store = await factory().open();
      const report = await new Syncer(store, activity.target, { initialRange: 2, maxRange: 4 }).syncOnce();
      const head = Number(await rpc.call<string>("eth_blockNumber"));
      expect(report.toBlock).to.equal(head);
      expect(await storedCheckpoints(store)).to.deep.equal(await chainTransfers(rpc, activity.target.token, head));
      const rows = await store.transfers({ limit: 10_000 });
      const issues = rows.filter((t) => t.kind === "issue");
      expect(issues.map((t) => t.lot).sort()).to.deep.equal([activity.lotA, activity.lotB].sort());
      expect(rows.filter((t) => t.kind === "redeem").map((t) => [t.lot, t.amount])).to.deep.equal([[activity.lotA, 1_000_000_000n]]);
      expect(rows.filter((t) => t.kind === "seizure").map((t) => [t.from, t.to, t.amount])).to.deep.equal([[activity.frozen.toLowerCase(), activity.escrow.toLowerCase(), 200_000_000n]]);
      expect(rows.filter((t) => t.kind === "recovery").map((t) => [t.from, t.to])).to.deep.equal([[activity.lost.toLowerCase(), activity.replacement.toLowerCase()]]);
      expect(rows.filter((t) => t.reference === activity.reference).map((t) => [t.from, t.to, t.amount])).to.deep.equal([[activity.payer.toLowerCase(), activity.payee.toLowerCase(), 100_000_000n]]);
      expect(rows.filter((t) => t.kind === "mint" || t.kind === "burn")).to.deep.equal([]);
      const names = new Set((await store.events({ limit: 10_000 })).map((e) => e.name));
      for (const n of ["WalletRegistered", "TierLimitsSet", "LotAttested", "WalletFrozen", "ForcedTransfer", "WalletDenylisted", "WalletDenylistCleared", "WalletRecovered", "GoodsReleased", "Redeemed", "Issued"]) {
        expect(names.has(n), n).to.equal(true);
      }
      const check = await reconcile(store, rpc, activity.target.token);
      expect(check.differences).to.deep.equal([]);
      expect(check.totalSupply.indexed).to.equal(check.totalSupply.chain);
      expect(check.ok).to.equal(true);
      expect(check.wallets).to.be.greaterThan(8);

      // The trace engine over what was indexed: lots, exposure to the frozen wallet, registry state.
      const model = await loadModel(store);
      const escrowLots = provenance(model, activity.escrow, { policy: "haircut" }).lots.map((l) => l.lot);
      expect(escrowLots).to.include.members([activity.lotA, activity.lotB]);
      const x = exposure(model, activity.escrow, { policy: "poison" });
      expect(x.bySource.map((s) => [s.source, s.reasons, s.minHops])).to.deep.include([activity.frozen.toLowerCase(), ["frozen"], 1]);
      const seizure = rows.find((t) => t.kind === "seizure")!;
      const at = asOf(model, { transfer: seizure.checkpoint });
      expect(at.kind === "transfer" && at.from.state.status).to.equal("frozen");
      const recovered = asOf(model, { wallet: activity.replacement });
      expect(recovered.kind === "wallet" && [recovered.wallet.state.status, recovered.wallet.state.tier]).to.deep.equal(["active", 1]);
    });

    it("resumes from its position: a second run after new blocks adds exactly the new transfers", async function () {
      const store = await factory().open();
      await new Syncer(store, activity.target).syncOnce();
      const before = (await store.counts()).transfers;
      const [s0, s1] = activity.ledger.senders;
      const client = activity.ledger.clientFor(s0);
      await waitForTransaction(client, { hash: await client.transfer({ to: s1!.address, amount: "3" }) });
      const again = await new Syncer(store, activity.target).syncOnce();
      expect(again.transfers).to.equal(1);
      expect((await store.counts()).transfers).to.equal(before + 1);
      const head = Number(await rpc.call<string>("eth_blockNumber"));
      expect(await storedCheckpoints(store)).to.deep.equal(await chainTransfers(rpc, activity.target.token, head));
      const nothing = await new Syncer(store, activity.target).syncOnce();
      expect([nothing.transfers, nothing.events]).to.deep.equal([0, 0]);
    });

    it("evidence pack › verifies against the chain (fresh index or this one); altered content, block hash or results fail", async function () {
      const store = await factory().open();
      await new Syncer(store, activity.target).syncOnce();
      const model = await loadModel(store);
      const query = { kind: "provenance", wallet: activity.escrow, policy: "haircut" } as const;
      const pack = buildPack({ query, answer: runQuery(model, query), model, chain: (await indexedDeployment(store))!, code: { name: "goods-ledger", version: "test", commit: null } });
      expect(pack.chain.block).to.deep.equal({ number: model.tip.block, hash: (await store.position())!.hash });
      for (const options of [{}, { store }]) {
        const v = await verifyPack(pack, node.url, options);
        expect(v.checks.map((c) => [c.check, c.ok])).to.deep.equal([["format", true], ["policy-version", true], ["digest", true], ["chain-id", true], ["block-hash", true], ["results", true]]);
        expect(v.ok).to.equal(true);
      }
      const failed = async (altered: EvidencePack) => (await verifyPack(altered, node.url)).checks.filter((c) => !c.ok).map((c) => c.check);
      expect(await failed({ ...pack, results: { ...(pack.results as object), balance: "1" } })).to.deep.equal(["digest"]);
      const rehash = (p: Omit<EvidencePack, "sha256">): EvidencePack => ({ ...p, sha256: packDigest(p) });
      expect(await failed(rehash({ ...pack, chain: { ...pack.chain, block: { ...pack.chain.block, hash: `0x${"12".repeat(32)}` } } }))).to.deep.equal(["block-hash"]);
      expect(await failed(rehash({ ...pack, results: { ...(pack.results as object), balance: "1" } }))).to.deep.equal(["results"]);
      // A pack naming another deployment is not verified on this store's history (which indexes the real one).
      const otherToken = rehash({ ...pack, chain: { ...pack.chain, token: "0x000000000000000000000000000000000000dead" } });
      const onStore = await verifyPack(otherToken, node.url, { store });
      expect(onStore.checks.filter((c) => !c.ok).map((c) => c.check)).to.deep.equal(["results"]);
    });

    it("refuses a store that indexes another deployment, and a node on another chain", async function () {
      const store = await factory().open();
      await new Syncer(store, activity.target).syncOnce();
      const other = { ...activity.target, token: "0x000000000000000000000000000000000000dead" };
      const wrongStore = await new Syncer(store, other).syncOnce().catch((e: unknown) => e);
      expect((wrongStore as Error).message).to.match(/indexes token .* not token 0x0+dead/);
      const wrongChain = await new Syncer(await factory().open(), { ...activity.target, chainId: 1 }).syncOnce().catch((e: unknown) => e);
      expect((wrongChain as Error).message).to.match(/is chain 31337, but the deployment is on chain 1/);
    });
  });
});
