/**
 * The incremental replays behind provenance-at-a-block and exposure (src/trace/replay.ts) against full replays:
 * many queries on one model at random blocks with growing flag lists (flags set at blocks already replayed
 * included), the same after the model is extended by later blocks (append), and after a reorg (roll back,
 * then a different suffix). Every answer is compared with the brute-force references of test/trace/reference.ts
 * over the transfers up to the queried block, or, after a reorg, with a replay made from scratch.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { Address, TransferRow } from "../../src/indexer/types.js";
import { ExposureReplay, Labels } from "../../src/trace/exposure.js";
import { buildModel, extendsLineage, lineageOf, liveBuilder } from "../../src/trace/model.js";
import type { TraceModel } from "../../src/trace/model.js";
import { ProvenanceReplay, provenanceReplay } from "../../src/trace/provenance.js";
import { seqWindow } from "../../src/trace/options.js";
import { replayTuning } from "../../src/trace/replay.js";
import { propertyParams } from "../support/seed.js";
import { historyArbitrary } from "./history.js";
import type { History } from "./history.js";
import { refProvenanceFifo, refProvenanceHaircut } from "./reference.js";
import { checkAll, json } from "./replay-check.js";

const RUNS = 60;
/** Histories with amounts up to 40 units or between 2^53 and 2^64 (self-transfers, zero amounts and event-only blocks drawn by the generator). */
const histories = fc.oneof(historyArbitrary({ ops: 80 }), historyArbitrary({ ops: 80, huge: true }));

/** Queries: a wallet, a block (percent of the model's tip), and whether to add a flag (wallet, block percent of the model's tip: often the tip, as `trace flag` sets it). */
const queries = fc.array(
  fc.record({ wallet: fc.nat(), at: fc.integer({ min: 0, max: 100 }), flag: fc.option(fc.record({ wallet: fc.nat(), at: fc.oneof(fc.constant(100), fc.integer({ min: 0, max: 100 })) }), { nil: undefined }) }),
  { minLength: 1, maxLength: 5 },
);

/** The model of the history's transfers and events up to `block` (its tip at `block`). */
function prefixModel(h: History, block: number): TraceModel {
  return buildModel(h.transfers.filter((t) => t.block <= block), h.events.filter((e) => e.block <= block), { block, hash: null, timestamp: h.times[block]! });
}

/** `model` extended in place by `rows` (after its tip) up to `tip`, as the live model appends a block: same numbering, linked to it. */
function extended(model: TraceModel, h: History, rows: readonly TransferRow[], tip: number): TraceModel {
  const b = liveBuilder(model);
  if (b === null) throw new Error("the model is not the live view of its builder");
  const next = b.append(rows, h.events.filter((e) => e.block > model.tip.block && e.block <= tip), { block: tip, hash: null, timestamp: h.times[tip]! });
  expect(extendsLineage(next, lineageOf(model)!)).to.equal(true);
  return next;
}

describe("incremental replays › provenance at a block and exposure without a replay per query", function () {
  this.timeout(600_000);
  const every = replayTuning.snapshotEvery;
  // Snapshots every few transfers, so roll-backs (late flags, reorgs) restart from a snapshot, not from the start.
  before(() => (replayTuning.snapshotEvery = 3));
  after(() => (replayTuning.snapshotEvery = every));

  it("random blocks and growing flag lists on one model, then on the model extended by later blocks (append), equal the full-replay references", function () {
    fc.assert(
      fc.property(histories, fc.integer({ min: 10, max: 90 }), queries, queries, (h, cutPct, first, second) => {
        const cut = Math.max(1, Math.round((h.tip * cutPct) / 100));
        const m1 = prefixModel(h, cut);
        const m2 = extended(m1, h, h.transfers.filter((t) => t.block > cut), h.tip);
        const flagged: { wallet: Address; block: number }[] = [];
        const run = (model: TraceModel, qs: typeof first) => {
          for (const q of qs) {
            if (q.flag !== undefined) flagged.push({ wallet: h.wallets[q.flag.wallet % h.wallets.length]!, block: Math.round((model.tip.block * q.flag.at) / 100) });
            const wallet = h.wallets[q.wallet % h.wallets.length]!;
            if (!model.walletId.has(wallet) || flagged.some((f) => !model.walletId.has(f.wallet))) continue;
            checkAll(h, model, wallet, Math.max(1, Math.round((model.tip.block * q.at) / 100)), flagged);
          }
        };
        run(m1, first);
        const before = provenanceReplay(m1, "fifo");
        run(m2, second);
        // The extended model took the older model's replay over and appended to it.
        expect(provenanceReplay(m2, "fifo")).to.equal(before);
      }),
      propertyParams("replays: random blocks, flags, append", RUNS),
    );
  });

  it("a reorg rolls a replay back (from a snapshot) and extends it with the new blocks: it then equals a replay made from scratch, and the references below the reorg", function () {
    fc.assert(
      fc.property(histories, fc.integer({ min: 10, max: 90 }), fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), fc.nat(), (h, cutPct, keep, pickWallet) => {
        const cut = Math.max(1, Math.round((h.tip * cutPct) / 100));
        const later = h.transfers.filter((t) => t.block > cut);
        const kept = later.filter((_, i) => keep[i % keep.length]);
        const laterEvents = h.events.filter((e) => e.block > cut);
        const tip = (block: number) => ({ block, hash: null, timestamp: h.times[block]! });
        // One live model per replay: the common prefix, then the first branch appended in place, then a reorg (rolled
        // back to the fork, the other branch appended: some of the later transfers, so a sender may then send more than
        // it holds), then a reorg back to the common prefix.
        const chain = () => {
          const b = liveBuilder(prefixModel(h, cut))!;
          const m2 = extended(b.current!, h, later, h.tip);
          const ids = new Map(h.wallets.map((a) => [a, m2.walletId.get(a)]));
          return {
            m2,
            ids,
            other: () => {
              b.rollback(tip(cut));
              return b.append(kept, laterEvents, tip(h.tip));
            },
            back: () => b.rollback(tip(cut)),
          };
        };
        const blocks = [1, Math.max(1, cut - 1), cut, Math.round((cut + h.tip) / 2), h.tip];
        for (const policy of ["fifo", "haircut"] as const) {
          const c = chain();
          const r = new ProvenanceReplay(policy);
          r.sync(c.m2);
          const m3 = c.other();
          const wallets = h.wallets.filter((a) => m3.walletId.has(a) && c.ids.get(a) === m3.walletId.get(a));
          r.sync(m3);
          const fresh = new ProvenanceReplay(policy);
          fresh.sync(m3);
          for (const a of wallets) for (const b of blocks) {
            const hi = seqWindow(m3, { toBlock: b }).hi;
            expect(json(r.holdings(m3, m3.walletId.get(a)!, hi)), `provenance ${policy} after the reorg`).to.equal(json(fresh.holdings(m3, m3.walletId.get(a)!, hi)));
          }
          const m1 = c.back();
          r.sync(m1);
          for (const a of wallets) {
            if (!m1.walletId.has(a)) continue;
            const ref = (policy === "fifo" ? refProvenanceFifo : refProvenanceHaircut)(h.transfers.filter((t) => t.block <= cut), a);
            const got = r.holdings(m1, m1.walletId.get(a)!, m1.size);
            expect(new Map([...got].filter(([, x]) => x > 0n).map(([lot, x]) => [lot < 0 ? null : m1.lots[lot]!, x]))).to.deep.equal(ref);
          }
        }
        for (const policy of ["poison", "fifo", "haircut"] as const) {
          const c = chain();
          const sourceSet = new Map<number, number>();
          for (let i = 0; i < 2; i++) {
            const w = c.ids.get(h.wallets[(pickWallet + i) % h.wallets.length]!);
            if (w !== undefined) sourceSet.set(w, i === 0 ? 0 : cut);
          }
          const labels = new Labels();
          const r = new ExposureReplay(policy, new Map(sourceSet), labels);
          r.sync(c.m2);
          const m3 = c.other();
          const wallets = h.wallets.filter((a) => m3.walletId.has(a) && c.ids.get(a) === m3.walletId.get(a));
          r.sync(m3);
          const fresh = new ExposureReplay(policy, new Map(sourceSet), labels);
          fresh.sync(m3);
          expect(r.stats.rollbacks).to.equal(later.every((_, i) => keep[i % keep.length]) ? 0 : 1);
          for (const a of wallets) for (const b of blocks) {
            const hi = seqWindow(m3, { toBlock: b }).hi;
            const w = m3.walletId.get(a)!;
            expect(json(r.summary(m3, w, hi)), `exposure ${policy} after the reorg`).to.equal(json(fresh.summary(m3, w, hi)));
          }
        }
      }),
      propertyParams("replays: reorg", RUNS),
    );
  });
});
