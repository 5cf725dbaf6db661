import { expect } from "chai";
import fc from "fast-check";
import { encodeCheckpoint } from "../../src/indexer/checkpoint.js";
import { StoreError } from "../../src/indexer/store/store.js";
import type { Store } from "../../src/indexer/store/store.js";
import type { Address, BlockHeader, Hex, LedgerEventRow, SyncBatch, TransferRow } from "../../src/indexer/types.js";
import { loadModel } from "../../src/trace/model.js";
import { provenance } from "../../src/trace/provenance.js";
import { traceForward } from "../../src/trace/trace.js";
import { exposure } from "../../src/trace/exposure.js";
import { refExposureHaircut, refProvenanceHaircut, refTrace } from "../trace/reference.js";
import { commitHistory, historyArbitrary, modelOf } from "../trace/history.js";
import { onEachStore } from "./stores.js";
import { propertyParams } from "../support/seed.js";

const hash = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const header = (n: number): BlockHeader => ({ number: n, hash: hash(n), parentHash: hash(n - 1), timestamp: 1_700_000_000 + n * 12 });
const A = "0x00000000000000000000000000000000000000aa" as Address;
const B = "0x00000000000000000000000000000000000000bb" as Address;

function transfer(block: number, log: number, from: Address, to: Address, amount: bigint, extra: Partial<TransferRow> = {}): TransferRow {
  return {
    checkpoint: encodeCheckpoint({ block, txIndex: 0, logIndex: log }), block, txIndex: 0, logIndex: log, txHash: hash(block * 100 + log),
    timestamp: header(block).timestamp, from, to, amount, kind: "transfer", lot: null, reference: null, ...extra,
  };
}

function batch(fromBlock: number, toBlock: number, transfers: TransferRow[] = [], events: LedgerEventRow[] = []): SyncBatch {
  const headers = [];
  for (let b = fromBlock; b <= toBlock; b++) headers.push(header(b));
  return { fromBlock, toBlock, toHash: hash(toBlock), headers, transfers, events };
}

async function allTransfers(store: Store): Promise<TransferRow[]> {
  const out: TransferRow[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.transfers({ after, limit: 7 });
    out.push(...page);
    if (page.length < 7) return out;
    after = page.at(-1)!.checkpoint;
  }
}

describe("Store › the same suite on every implementation", function () {
  this.timeout(120_000);

  onEachStore((factory) => {
    it("commit › stores rows and moves the position; every field reads back, amounts beyond 64 bits included", async function () {
      const store = await factory().open();
      expect(await store.position()).to.equal(null);
      const big = 2n ** 95n + 12345n;
      const rows = [
        transfer(5, 0, "0x0000000000000000000000000000000000000000", A, big, { kind: "issue", lot: hash(77), reference: hash(1) }),
        transfer(6, 3, A, B, 7n),
      ];
      const events: LedgerEventRow[] = [{ ...transfer(6, 4, A, B, 0n), contract: "token", name: "WalletFrozen", args: { account: A, tier: 2, nested: { x: ["1", true, null] } } }];
      await store.commit(batch(5, 6, rows, events));
      expect(await store.position()).to.deep.equal({ block: 6, hash: hash(6) });
      expect(await store.transfers({ limit: 10 })).to.deep.equal(rows);
      const { checkpoint, block, txIndex, logIndex, txHash, timestamp } = events[0]!;
      expect(await store.events({ limit: 10 })).to.deep.equal([{ checkpoint, block, txIndex, logIndex, txHash, timestamp, contract: "token", name: "WalletFrozen", args: events[0]!.args }]);
      expect(await store.headers(5, 6)).to.deep.equal([header(5), header(6)]);
      expect(await store.balances()).to.deep.equal(new Map([[A, big - 7n], [B, 7n]]));
      expect(await store.counts()).to.deep.equal({ transfers: 2, events: 1, headers: 2 });
    });

    it("commit › when the batch does not start right after the position › throws StoreError gap and writes nothing", async function () {
      const store = await factory().open();
      await store.commit(batch(1, 3));
      for (const bad of [batch(5, 6, [transfer(5, 0, A, B, 1n)]), batch(3, 4), batch(4, 3)]) {
        const error = await store.commit(bad).then(() => null, (e: unknown) => e);
        expect(error).to.be.instanceOf(StoreError);
        expect((error as StoreError).code).to.equal("gap");
      }
      const outside = batch(4, 4, [transfer(9, 0, A, B, 1n)]);
      expect(((await store.commit(outside).catch((e: unknown) => e)) as StoreError).code).to.equal("gap");
      expect(await store.position()).to.deep.equal({ block: 3, hash: hash(3) });
      expect(await store.transfers({ limit: 10 })).to.deep.equal([]);
    });

    it("commit › when a checkpoint is already stored › throws StoreError duplicate and writes nothing of the batch", async function () {
      const store = await factory().open();
      const first = transfer(1, 0, A, B, 1n);
      await store.commit(batch(1, 1, [first]));
      const again = { ...batch(2, 2, [transfer(2, 0, A, B, 2n), { ...first, block: 2, checkpoint: first.checkpoint }]) };
      // The repeated checkpoint claims block 1 but sits in a block-2 batch: lie about its block to reach the insert.
      const error = await store.commit(again).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(StoreError);
      expect((error as StoreError).code).to.equal("duplicate");
      expect(await store.position()).to.deep.equal({ block: 1, hash: hash(1) });
      expect(await store.transfers({ limit: 10 })).to.deep.equal([first]);
    });

    it("rollback › deletes every row and header above the block and moves the position to its stored header", async function () {
      const store = await factory().open();
      await store.commit(batch(1, 2, [transfer(1, 0, A, B, 1n), transfer(2, 0, B, A, 1n)]));
      await store.commit(batch(3, 4, [transfer(3, 0, A, B, 5n), transfer(4, 1, A, B, 6n)], [{ ...transfer(4, 2, A, B, 0n), contract: "reserve", name: "LotDisputed", args: {} }]));
      await store.rollback(2);
      expect(await store.position()).to.deep.equal({ block: 2, hash: hash(2) });
      expect((await store.transfers({ limit: 10 })).map((t) => t.block)).to.deep.equal([1, 2]);
      expect(await store.events({ limit: 10 })).to.deep.equal([]);
      expect((await store.headers(0, 10)).map((h) => h.number)).to.deep.equal([1, 2]);
      expect(((await store.rollback(3).catch((e: unknown) => e)) as StoreError).code).to.equal("rollback");
      await store.commit(batch(3, 3, [transfer(3, 0, B, A, 1n)]));
      expect(await store.balances()).to.deep.equal(new Map([[A, 1n], [B, -1n]]));
    });

    it("reads › page by checkpoint, stop at a block, filter by wallet and event name", async function () {
      const store = await factory().open();
      const C = "0x00000000000000000000000000000000000000cc" as Address;
      const rows = [transfer(1, 0, A, B, 1n), transfer(1, 1, B, C, 2n), transfer(2, 0, C, A, 3n), transfer(3, 0, C, C, 4n)];
      const ev = (block: number, log: number, name: string): LedgerEventRow => ({ ...transfer(block, log, A, B, 0n), contract: "token", name, args: {} });
      await store.commit(batch(1, 3, rows, [ev(1, 5, "WalletFrozen"), ev(2, 5, "WalletUnfrozen"), ev(3, 5, "WalletFrozen")]));
      expect(await store.transfers({ after: rows[0]!.checkpoint, limit: 2 })).to.deep.equal(rows.slice(1, 3));
      expect(await store.transfers({ toBlock: 1, limit: 10 })).to.deep.equal(rows.slice(0, 2));
      expect(await store.transfers({ wallet: C, limit: 10 })).to.deep.equal(rows.slice(1));
      expect(await store.transfers({ wallet: A, after: rows[0]!.checkpoint, limit: 10 })).to.deep.equal([rows[2]]);
      expect((await store.events({ names: ["WalletFrozen"], limit: 10 })).map((e) => e.block)).to.deep.equal([1, 3]);
      expect((await store.events({ names: [], limit: 10 }))).to.deep.equal([]);
      expect(await store.balances(1)).to.deep.equal(new Map([[A, -1n], [B, -1n], [C, 2n]]));
    });

    it("two handles on one store (two processes) › each reads and extends what the other wrote", async function () {
      const C = "0x00000000000000000000000000000000000000cc" as Address;
      const one = await factory().open();
      const two = await factory().reopen(one);
      await one.commit(batch(1, 1, [transfer(1, 0, A, B, 5n)]));
      await two.commit(batch(2, 2, [transfer(2, 0, B, C, 2n)]));
      expect(await two.balances()).to.deep.equal(new Map([[A, -5n], [B, 3n], [C, 2n]]));
      expect((await one.transfers({ limit: 10 })).map((t) => [t.from, t.to])).to.deep.equal([[A, B], [B, C]]);
      expect((await one.transfers({ wallet: C, limit: 10 })).map((t) => t.block)).to.deep.equal([2]);
      expect(((await one.commit(batch(2, 2)).catch((e: unknown) => e)) as StoreError).code).to.equal("gap");
    });

    it("saveHeaders › stores a header fetched outside a batch (at or below the position), refuses one above it", async function () {
      const store = await factory().open();
      await store.commit({ ...batch(1, 5), headers: [header(5)] });
      expect(await store.headers(3, 3)).to.deep.equal([]);
      await store.saveHeaders([header(3)]);
      expect(await store.headers(1, 5)).to.deep.equal([header(3), header(5)]);
      const above = (await store.saveHeaders([header(6)]).catch((e: unknown) => e)) as StoreError;
      expect([above.code, above.message]).to.deep.equal(["gap", "header of block 6 lies above the store's position 5"]);
      expect(await store.headers(6, 6)).to.deep.equal([]);
    });

    it("metadata and flags › set, read, replace, remove", async function () {
      const store = await factory().open();
      expect(await store.getMeta("deployment")).to.equal(null);
      await store.setMeta("deployment", "x");
      await store.setMeta("deployment", "y");
      expect(await store.getMeta("deployment")).to.equal("y");
      await store.setFlag({ wallet: B, reason: "case 1", createdAt: "2026-01-01T00:00:00.000Z" });
      await store.setFlag({ wallet: A, reason: "case 2", createdAt: "2026-01-02T00:00:00.000Z", block: 7 });
      await store.commit(batch(1, 3));
      await store.setFlag({ wallet: B, reason: "case 3", createdAt: "2026-01-03T00:00:00.000Z" });
      // A flag is stored with the block it counts from (docs/TRACE.md F1): the one given, else the position.
      expect(await store.flags()).to.deep.equal([
        { wallet: A, reason: "case 2", createdAt: "2026-01-02T00:00:00.000Z", block: 7 },
        { wallet: B, reason: "case 3", createdAt: "2026-01-03T00:00:00.000Z", block: 3 },
      ]);
      expect(await store.removeFlag(A)).to.equal(true);
      expect(await store.removeFlag(A)).to.equal(false);
      expect((await store.flags()).map((f) => f.wallet)).to.deep.equal([B]);
    });

    it("random histories › committed in random batches and reopened, read back whole, balance by balance, and answer traces as the in-memory model does", async function () {
      await fc.assert(
        fc.asyncProperty(historyArbitrary(), fc.array(fc.nat(), { maxLength: 6 }), async (h, cuts) => {
          const store = await factory().open();
          await commitHistory(store, h, cuts);
          const reopened = await factory().reopen(store);
          expect(await allTransfers(reopened)).to.deep.equal(h.transfers);
          expect((await reopened.events({ limit: 10_000 })).map((e) => e.checkpoint)).to.deep.equal(h.events.map((e) => e.checkpoint));
          const expected = new Map<Address, bigint>();
          for (const t of h.transfers) {
            if (t.from !== "0x0000000000000000000000000000000000000000") expected.set(t.from, (expected.get(t.from) ?? 0n) - t.amount);
            if (t.to !== "0x0000000000000000000000000000000000000000") expected.set(t.to, (expected.get(t.to) ?? 0n) + t.amount);
          }
          expect(await reopened.balances()).to.deep.equal(expected);
          const fromStore = await loadModel(reopened);
          const inMemory = modelOf(h);
          const wallet = h.transfers.find((t) => t.kind === "transfer")?.from;
          if (wallet !== undefined) {
            expect(traceForward(fromStore, { wallet }, { hops: 3 })).to.deep.equal({ ...traceForward(inMemory, { wallet }, { hops: 3 }), atBlock: h.tip });
            expect(provenance(fromStore, wallet, { policy: "fifo" })).to.deep.equal(provenance(inMemory, wallet, { policy: "fifo" }));
            // The model read back from this store agrees with the brute-force references of docs/TRACE.md too.
            const edges = traceForward(fromStore, { wallet }, { hops: 3 }).edges.map((e) => [h.transfers.findIndex((t) => t.checkpoint === e.id), e.hop]);
            expect(edges).to.deep.equal(refTrace(h.transfers, "forward", { wallet }, 3, {}, 1_000).slice(0, 10_000));
            expect(new Map(provenance(fromStore, wallet, { policy: "haircut" }).lots.map((l) => [l.lot, l.amount]))).to.deep.equal(refProvenanceHaircut(h.transfers, wallet));
            const flagged = h.wallets[2]!;
            const receiver = h.transfers.find((t) => t.kind === "transfer" && t.to !== flagged)?.to;
            if (receiver !== undefined && fromStore.walletId.has(flagged)) {
              const x = exposure(fromStore, receiver, { policy: "haircut", flagged: [flagged], reasons: ["flagged"] });
              const ref = refExposureHaircut(h.transfers, receiver, new Map(receiver === flagged ? [] : [[flagged, 0]]));
              expect(x.byHops.map((b) => [b.hops, b.exactAmount])).to.deep.equal([...ref.byHops].sort((a, b) => a[0] - b[0]).map(([k, v]) => [k, v.toString()]));
            }
          }
          expect(fromStore.tip).to.deep.equal({ block: h.tip, hash: hash(h.tip), timestamp: h.times[h.tip] });
          // The store itself: its position is the tip, nothing lies after the last transfer and event, and it
          // holds the header of every batch end with the block's time.
          expect(await reopened.position()).to.deep.equal({ block: h.tip, hash: hash(h.tip) });
          expect(await reopened.transfers({ after: h.transfers.at(-1)?.checkpoint, limit: 10 })).to.deep.equal([]);
          expect(await reopened.events({ after: h.events.at(-1)?.checkpoint, limit: 10 })).to.deep.equal([]);
          const stored = await reopened.headers(0, h.tip);
          expect(stored.at(-1)).to.deep.equal({ number: h.tip, hash: hash(h.tip), parentHash: hash(h.tip - 1), timestamp: h.times[h.tip] });
          for (const x of stored) expect(x.timestamp).to.equal(h.times[x.number]);
        }),
        propertyParams("store random histories", 25),
      );
    });
  });
});
