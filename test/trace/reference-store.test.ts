/**
 * The brute-force comparisons through a real store, SQLite and PostgreSQL: a random history (amounts up to 40 units,
 * or between 2^53 and 2^64; self-transfers, zero amounts, blocks holding only registry events) is committed, the
 * model is loaded from the store's rows, and trace, paths, alerts and as-of answers equal the references of
 * docs/TRACE.md (provenance and exposure through a store: replay-store.test.ts). The property files run the same
 * comparisons on models built in memory, with many more runs.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ALERT_TYPES, alerts } from "../../src/trace/alerts.js";
import { asOf } from "../../src/trace/asof.js";
import { TraceInputError } from "../../src/trace/errors.js";
import { loadModel } from "../../src/trace/model.js";
import { findPaths } from "../../src/trace/paths.js";
import { traceBackward, traceForward } from "../../src/trace/trace.js";
import { onEachStore } from "../indexer/stores.js";
import { propertyParams } from "../support/seed.js";
import { Seen, commitHistory, historyArbitrary } from "./history.js";
import { refAlerts, refPaths, refRecord, refTrace } from "./reference.js";

const RULES = {
  structuring: { windowSeconds: 86_400, minCount: 2, margin: 0.6 },
  velocity: { factor: 1.5, lookbackDays: 1, minAmount: 1n },
  fanIn: { windowSeconds: 86_400, minSenders: 2 },
  roundTrip: { hops: 3, windowSeconds: 500_000 },
  passThrough: { windowSeconds: 20_000, ratio: 0.5 },
};

onEachStore((factory) => {
  it("references › trace (maxEdges 0, 1, 2 and the default), paths, alerts and as-of on a model loaded from the store equal the references", async function () {
    this.timeout(600_000);
    const seen = new Seen();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(historyArbitrary({ ops: 80 }), historyArbitrary({ ops: 80, huge: true })),
        fc.nat(), fc.nat(), fc.constantFrom(1, 1, 2, 10_000), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        async (h, pick, other, cap, cuts) => {
          fc.pre(h.transfers.length > 0);
          const store = await factory().open();
          await commitHistory(store, h, cuts);
          const model = await loadModel(store);
          seen.history(h);
          const index = (id: string) => h.transfers.findIndex((t) => t.checkpoint === id);
          // Trace forward and backward from a transfer, with the cap's edge cases.
          for (const direction of ["forward", "backward"] as const) {
            // A mint has nothing behind it and a burn nothing after it (the engine refuses those starts).
            const starts = h.transfers.map((t, j) => ({ t, j })).filter(({ t }) => t.kind !== (direction === "forward" ? "redeem" : "issue"));
            if (starts.length === 0) continue;
            const i = starts[pick % starts.length]!.j;
            const trace = direction === "forward" ? traceForward : traceBackward;
            const run = () => trace(model, { transfer: h.transfers[i]!.checkpoint }, { hops: 3, maxEdges: cap });
            // TR2: a cap of 0 is refused, naming the rule (the start transfer is always listed, P2).
            expect(() => trace(model, { transfer: h.transfers[i]!.checkpoint }, { hops: 3, maxEdges: 0 })).to.throw(TraceInputError).with.property("code", "edges-out-of-range");
            seen.add("maxEdges 0 refused");
            const ref = refTrace(h.transfers, direction, { index: i }, 3, {}, 1_000);
            const r = run();
            expect(r.edges.map((e) => [index(e.id), e.hop])).to.deep.equal(ref.slice(0, cap));
            expect(r.truncated).to.equal(ref.length > cap);
            expect(r.edges.map((e) => e.amount)).to.deep.equal(ref.slice(0, cap).map(([j]) => h.transfers[j]!.amount));
            if (cap === 1 && ref.length === 1) seen.add("maxEdges 1, nothing downstream");
          }
          // Paths between two wallets that moved value.
          const movers = h.wallets.filter((w) => h.transfers.some((t) => t.from === w || t.to === w));
          const [a, b] = [movers[pick % movers.length], movers[other % movers.length]];
          if (a !== undefined && b !== undefined && a !== b) {
            const p = findPaths(model, a, b, { hops: 3 });
            expect(p.edges.map((e) => [index(e.id), e.hop, e.pathLength])).to.deep.equal(refPaths(h.transfers, a, b, 3, {}, 1_000));
          }
          // Alerts.
          const got = alerts(model, { rules: RULES, types: ALERT_TYPES.filter((t) => t !== "reserve-shortfall") });
          expect(got.map((x) => JSON.stringify([x.type, x.wallet, index(x.at), x.evidence.map((e) => index(e.id))])).sort())
            .to.deep.equal(refAlerts(h.transfers, h.events, RULES).map((x) => JSON.stringify([x.type, x.wallet, x.at, x.evidence])).sort());
          // As of a block holding only registry events: its own time, from the event (T1).
          const withTransfer = new Set(h.transfers.map((t) => t.block));
          const eventOnly = [...new Set(h.events.map((e) => e.block))].filter((blk) => !withTransfer.has(blk));
          if (eventOnly.length > 0) {
            const block = eventOnly[pick % eventOnly.length]!;
            const wallet = h.wallets[other % h.wallets.length]!;
            const r = asOf(model, { wallet, block });
            if (r.kind !== "wallet") throw new Error("expected a wallet answer");
            const ref = refRecord(h.events, wallet, (e) => e.block <= block);
            const expired = Math.floor(h.times[block]! / 86_400) >= ref.kycExpiryDay;
            expect([r.wallet.state.status, r.wallet.state.kycExpiryDay, r.wallet.time, r.wallet.kycExpired]).to.deep.equal([ref.status, ref.kycExpiryDay, h.times[block], expired]);
            seen.add("as of a block holding only events");
          }
        },
      ),
      propertyParams(`references on ${factory().name}`, 12),
    );
    seen.expect(["selfTransfers", "zeroAmounts", "eventOnlyBlocks", "beyondFloat", "maxEdges 0 refused", "as of a block holding only events"]);
  });
});
