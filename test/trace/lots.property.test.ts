import { expect } from "chai";
import fc from "fast-check";
import { MAX_CHECKPOINT } from "../../src/indexer/checkpoint.js";
import type { Address } from "../../src/indexer/types.js";
import { exposure } from "../../src/trace/exposure.js";
import { provenance } from "../../src/trace/provenance.js";
import { historyArbitrary, modelOf } from "./history.js";
import type { History } from "./history.js";
import { refExposureFifo, refExposureHaircut, refExposurePoison, refProvenanceFifo, refProvenanceHaircut, refState } from "./reference.js";
import type { RefExposure } from "./reference.js";

const RUNS = 250;
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

/** A wallet of the history, and a prefix of it (to query at an earlier block). */
const pick = fc.record({ wallet: fc.nat(), cut: fc.integer({ min: 0, max: 100 }), flagged: fc.array(fc.nat(), { maxLength: 2 }) });

/** The model, the picked wallet, and the block and transfers of the picked prefix. */
function setup(h: History, p: { wallet: number; cut: number }) {
  const model = modelOf(h);
  const wallet = h.wallets[p.wallet % h.wallets.length]!;
  fc.pre(model.walletId.has(wallet));
  const block = Math.max(1, Math.round((h.tip * p.cut) / 100));
  return { model, wallet, block, rows: h.transfers.filter((t) => t.block <= block) };
}

describe("lot provenance and exposure › against brute-force references on random histories", function () {
  this.timeout(240_000);

  it("provenance fifo › equals moving labelled units one by one, at the tip and at an earlier block", function () {
    fc.assert(
      fc.property(historyArbitrary(), pick, (h, p) => {
        const { model, wallet, block, rows } = setup(h, p);
        const result = provenance(model, wallet, { policy: "fifo", atBlock: block });
        const ref = refProvenanceFifo(rows, wallet);
        const got = new Map(result.lots.map((l) => [l.lot, l.amount]));
        expect(got).to.deep.equal(new Map([...ref].filter(([, n]) => n > 0n)));
        const balance = [...ref.values()].reduce((x, y) => x + y, 0n);
        expect(result.balance).to.equal(balance);
        const f = result.flows;
        expect(f.issued + f.received + f.seizedIn + f.recoveredIn - f.sent - f.redeemed - f.seizedOut - f.recoveredOut).to.equal(balance);
      }),
      { numRuns: RUNS },
    );
  });

  it("provenance haircut › equals exact-fraction propagation (shares within 1e-6)", function () {
    fc.assert(
      fc.property(historyArbitrary(), pick, (h, p) => {
        const { model, wallet, block, rows } = setup(h, p);
        const result = provenance(model, wallet, { policy: "haircut", atBlock: block });
        const ref = refProvenanceHaircut(rows, wallet);
        const significant = [...ref].filter(([, share]) => share > 1e-6);
        for (const [lot, share] of significant) {
          const got = result.lots.find((l) => l.lot === lot);
          expect(got, `lot ${lot}`).to.not.equal(undefined);
          expect(close(got!.share, share), `lot ${lot}: ${got!.share} vs ${share}`).to.equal(true);
        }
        expect(result.lots.filter((l) => l.share > 1e-6).length).to.equal(significant.length);
      }),
      { numRuns: RUNS },
    );
  });

  for (const policy of ["poison", "fifo", "haircut"] as const) {
    it(`exposure ${policy} › equals the reference by hop count and by source, direct and indirect`, function () {
      fc.assert(
        fc.property(historyArbitrary(), pick, (h, p) => {
          const { model, wallet, block, rows } = setup(h, p);
          const flagged = p.flagged.map((i) => h.wallets[i % h.wallets.length]!);
          const result = exposure(model, wallet, { policy, atBlock: block, flagged });
          const sources = new Set<Address>(flagged);
          const events = h.events.filter((e) => e.block <= block);
          const accounts = new Set(events.flatMap((e) => [e.args.account, e.args.replacement].filter((x): x is string => typeof x === "string")));
          for (const account of accounts as Set<Address>) {
            const s = refState(events, account, MAX_CHECKPOINT);
            if (s.status === "frozen" || s.denylisted) sources.add(account);
          }
          expect(new Set(result.sources.map((s) => s.wallet))).to.deep.equal(new Set([...sources].filter((a) => model.walletId.has(a))));
          const ref: RefExposure = (policy === "poison" ? refExposurePoison : policy === "fifo" ? refExposureFifo : refExposureHaircut)(rows, wallet, sources);
          const refHops = [...ref.byHops].filter(([, a]) => a > 1e-9).sort((x, y) => x[0] - y[0]);
          expect(result.byHops.map((x) => x.hops)).to.deep.equal(refHops.map(([hh]) => hh));
          result.byHops.forEach((x, i) => expect(Math.abs(Number(x.amount) - refHops[i]![1]) <= 0.5 + 1e-6).to.equal(true));
          const refSources = [...ref.bySource].filter(([, [a]]) => a > 1e-9);
          expect(new Set(result.bySource.map((s) => s.source))).to.deep.equal(new Set(refSources.map(([s]) => s)));
          for (const s of result.bySource) {
            const [amount, minHops] = ref.bySource.get(s.source)!;
            expect(Math.abs(Number(s.amount) - amount) <= 0.5 + 1e-6, `${s.source}: ${s.amount} vs ${amount}`).to.equal(true);
            expect(s.minHops).to.equal(minHops);
          }
          const total = refHops.reduce((x, [, a]) => x + a, 0);
          expect(Math.abs(Number(result.exposed) - total) <= 0.5 + 1e-6).to.equal(true);
          expect(Math.abs(Number(result.direct) - (ref.byHops.get(1) ?? 0)) <= 0.5 + 1e-6).to.equal(true);
        }),
        { numRuns: RUNS },
      );
    });
  }
});
