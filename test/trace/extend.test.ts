import { expect } from "chai";
import fc from "fast-check";
import { SqliteStore } from "../../src/indexer/store/sqlite.js";
import { exposure } from "../../src/trace/exposure.js";
import { checkpointOf, extendModel, loadModel, transferRow } from "../../src/trace/model.js";
import type { TraceModel } from "../../src/trace/model.js";
import { provenance } from "../../src/trace/provenance.js";
import { traceForward } from "../../src/trace/trace.js";
import { propertyParams } from "../support/seed.js";
import { blockHash, historyArbitrary } from "./history.js";
import type { History } from "./history.js";

/** Commits blocks from..to of a history as one batch. */
async function commitRange(store: SqliteStore, h: History, from: number, to: number): Promise<void> {
  await store.commit({
    fromBlock: from, toBlock: to, toHash: blockHash(to),
    headers: [{ number: to, hash: blockHash(to), parentHash: blockHash(to - 1), timestamp: h.times[to]! }],
    transfers: h.transfers.filter((t) => t.block >= from && t.block <= to),
    events: h.events.filter((e) => e.block >= from && e.block <= to),
  });
}

/** The parts of a model every query reads. */
function same(a: TraceModel, b: TraceModel): void {
  const x = columns(a);
  const y = columns(b);
  for (const k of Object.keys(x) as (keyof typeof x)[]) expect(x[k], k).to.deep.equal(y[k]);
}

/** The parts of a model every query reads, by address and lot id (wallet and lot numbers may differ). */
export const columns = (m: TraceModel) => {
  const wallets = m.address.slice(0, m.outStart.length - 1);
  return {
    tip: m.tip, size: m.size,
    rows: Array.from({ length: m.size }, (_, s) => transferRow(m, s)),
    wallets: [...wallets].sort(),
    out: Object.fromEntries(wallets.map((a, w) => [a, [...m.outSeq.subarray(m.outStart[w]!, m.outStart[w + 1]!)]])),
    in: Object.fromEntries(wallets.map((a, w) => [a, [...m.inSeq.subarray(m.inStart[w]!, m.inStart[w + 1]!)]])),
    blockTimes: [[...m.blockTimes.block], [...m.blockTimes.time]], selfSeq: [...m.selfSeq],
    events: m.events.filter((e) => e.block <= m.tip.block), coverage: m.coverage,
  };
};

describe("trace model › extended with the store's new blocks (live use) equals a model rebuilt from the store", function () {
  this.timeout(240_000);

  it("appends only the new rows; a rollback below the model's tip rebuilds it", async function () {
    await fc.assert(
      fc.asyncProperty(historyArbitrary(), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 0, max: 99 }), async (h, cutPct, backPct) => {
        fc.pre(h.tip >= 3);
        const cut = 1 + Math.floor(((h.tip - 2) * cutPct) / 100);
        const store = new SqliteStore(":memory:");
        try {
          await commitRange(store, h, 1, cut);
          const early = await loadModel(store);
          expect(await extendModel(early, store)).to.equal(early); // nothing new: the same model
          await commitRange(store, h, cut + 1, h.tip);
          // Only rows after the model's tip are read.
          const reads: (string | undefined)[] = [];
          const original = store.transfers.bind(store);
          const originalScan = store.scanTransfers.bind(store);
          store.transfers = (q) => (reads.push(q.after), original(q));
          store.scanTransfers = (q) => (reads.push(q.after), originalScan(q)); // SQLite's fast path
          const extended = await extendModel(early, store);
          store.transfers = original;
          store.scanTransfers = originalScan;
          expect(reads).to.deep.equal([early.size === 0 ? undefined : checkpointOf(early, early.size - 1)]);
          const rebuilt = await loadModel(store);
          same(extended, rebuilt);
          const wallet = h.transfers.find((t) => t.kind === "transfer")?.from;
          if (wallet !== undefined) {
            expect(traceForward(extended, { wallet }, { hops: 3 })).to.deep.equal(traceForward(rebuilt, { wallet }, { hops: 3 }));
            expect(provenance(extended, wallet, { policy: "haircut", atBlock: cut })).to.deep.equal(provenance(rebuilt, wallet, { policy: "haircut", atBlock: cut }));
            expect(exposure(extended, wallet, { policy: "fifo", flagged: [h.wallets[2]!] })).to.deep.equal(exposure(rebuilt, wallet, { policy: "fifo", flagged: [h.wallets[2]!] }));
          }
          // The earlier model is untouched.
          same(early, await (async () => {
            const s2 = new SqliteStore(":memory:");
            await commitRange(s2, h, 1, cut);
            const m = await loadModel(s2);
            await s2.close();
            return m;
          })());
          // A reorg: the store rolls back below the extended model's tip; extending rebuilds from the store.
          const back = cut + Math.floor(((h.tip - 1 - cut) * backPct) / 100);
          if (back < h.tip && back >= cut) {
            await store.rollback(cut);
            const after = await extendModel(extended, store);
            same(after, await loadModel(store));
          }
        } finally {
          await store.close();
        }
      }),
      propertyParams("model extension", 40),
    );
  });
});
