/**
 * The incremental replays over a real store, SQLite and PostgreSQL: a model loaded from the store answers
 * provenance and exposure at random blocks as the references do; after more blocks are committed,
 * `extendModel` gives a model that takes the replays over and only appends (no replay from the start), and its
 * answers still equal the references.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { Address } from "../../src/indexer/types.js";
import { extendModel, loadModel } from "../../src/trace/model.js";
import { provenanceReplay } from "../../src/trace/provenance.js";
import { onEachStore } from "../indexer/stores.js";
import { propertyParams } from "../support/seed.js";
import { commitRange, historyArbitrary } from "./history.js";
import { checkAll } from "./replay-check.js";

onEachStore((factory) => {
  it("replays › a model loaded from the store, then extended by newer blocks (append, no replay from the start), answers provenance and exposure at random blocks as the references do", async function () {
    this.timeout(600_000);
    await fc.assert(
      fc.asyncProperty(fc.oneof(historyArbitrary({ ops: 60 }), historyArbitrary({ ops: 60, huge: true })), fc.integer({ min: 10, max: 90 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 100 })), { minLength: 1, maxLength: 3 }), async (h, cutPct, asks) => {
        const cut = Math.max(1, Math.min(h.tip - 1, Math.round((h.tip * cutPct) / 100)));
        fc.pre(cut >= 1 && cut < h.tip);
        const store = await factory().open();
        await commitRange(store, h, 1, cut);
        const m1 = await loadModel(store);
        const flagged = [{ wallet: h.wallets[2]!, block: Math.max(1, Math.round(cut / 2)) }];
        const ask = (model: typeof m1) => {
          for (const [i, pct] of asks) {
            const wallet = h.wallets[i % h.wallets.length]! as Address;
            if (model.walletId.has(wallet) && model.walletId.has(flagged[0]!.wallet)) checkAll(h, model, wallet, Math.max(1, Math.round((model.tip.block * pct) / 100)), flagged);
          }
        };
        ask(m1);
        const replay = provenanceReplay(m1, "fifo");
        const replayed = replay.stats.replayed;
        await commitRange(store, h, cut + 1, h.tip);
        const m2 = await extendModel(m1, store);
        ask(m2);
        // The extended model took the replay over: it replayed only the transfers after the first model's.
        expect(provenanceReplay(m2, "fifo")).to.equal(replay);
        expect(replay.stats.replayed - replayed).to.equal(m2.size - m1.size);
      }),
      propertyParams("replays on a store, append", 15),
    );
  });
});
