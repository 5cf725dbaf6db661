import { expect } from "chai";
import fc from "fast-check";
import type { Address } from "../../src/indexer/types.js";
import { exposure } from "../../src/trace/exposure.js";
import { provenance } from "../../src/trace/provenance.js";
import { propertyParams } from "../support/seed.js";
import { Seen, historyArbitrary, modelOf } from "./history.js";
import type { History } from "./history.js";
import { Frac, refExposureFifo, refExposureHaircut, refExposurePoison, refProvenanceFifo, refProvenanceHaircut, refStateAtBlock, roundingBounds } from "./reference.js";
import type { RefExposure } from "./reference.js";

const RUNS = 200;

/** A wallet of the history, a prefix of it (to query at an earlier block), flags with the block each was set at. */
const pick = fc.record({
  wallet: fc.nat(), cut: fc.integer({ min: 0, max: 100 }),
  flagged: fc.array(fc.record({ wallet: fc.nat(), at: fc.integer({ min: 0, max: 100 }) }), { maxLength: 3 }),
});

/** The model, the picked wallet, and the block and transfers of the picked prefix. */
function setup(h: History, p: { wallet: number; cut: number }) {
  const model = modelOf(h);
  const wallet = h.wallets[p.wallet % h.wallets.length]!;
  fc.pre(model.walletId.has(wallet));
  const block = Math.max(1, Math.round((h.tip * p.cut) / 100));
  return { model, wallet, block, rows: h.transfers.filter((t) => t.block <= block) };
}

/** Largest remainder holds: every part is its exact value rounded down or up, and the parts add up to the total. */
function checkAllotment(parts: { amount: bigint; exact: Frac }[], total: bigint): void {
  for (const p of parts) expect(p.amount).to.be.oneOf(roundingBounds(p.exact));
  expect(parts.reduce((x, p) => x + p.amount, 0n)).to.equal(total);
}

/** "n/d" → Frac. */
const frac = (s: string) => {
  const [n, d] = s.split("/");
  return new Frac(BigInt(n!), BigInt(d ?? "1"));
};

for (const [label, size] of [["amounts up to 40 units", {}], ["amounts between 2^53 and 2^64 units", { huge: true }]] as const) {
  describe(`lot provenance and exposure › against brute-force references on random histories (${label})`, function () {
    this.timeout(400_000);

    it("provenance fifo › equals moving labelled units, at the tip and at an earlier block; no lot at 0 units", function () {
      const cases = new Seen();
      fc.assert(
        fc.property(historyArbitrary(size), pick, (h, p) => {
          const { model, wallet, block, rows } = setup(h, p);
          const result = provenance(model, wallet, { policy: "fifo", atBlock: block });
          cases.history(h);
          if (rows.some((t) => t.from === wallet && t.to === wallet)) cases.add("the wallet's own self-transfer");
          if (!h.transfers.some((t) => t.block === block) && h.events.some((e) => e.block === block)) cases.add("a block holding only events");
          const ref = refProvenanceFifo(rows, wallet);
          expect(new Map(result.lots.map((l) => [l.lot, l.amount]))).to.deep.equal(ref);
          const balance = [...ref.values()].reduce((x, y) => x + y, 0n);
          expect(result.balance).to.equal(balance);
          for (const l of result.lots) {
            expect(l.amount > 0n).to.equal(true);
            expect(frac(l.shareFraction)).to.deep.equal(new Frac(l.amount, balance));
          }
          const f = result.flows;
          expect(f.issued + f.received + f.seizedIn + f.recoveredIn - f.sent - f.redeemed - f.seizedOut - f.recoveredOut).to.equal(balance);
          expect(f.selfTransfers.count).to.equal(rows.filter((t) => t.from === wallet && t.to === wallet).length);
        }),
        propertyParams(`provenance fifo (${label})`, RUNS),
      );
      cases.expect(["selfTransfers", "zeroAmounts", "eventOnlyBlocks", "the wallet's own self-transfer", "a block holding only events", ...("huge" in size ? ["beyondFloat", "over2to63"] : [])]);
    });

    it("provenance haircut › equals proportional propagation in whole units (largest remainder per transfer); the lots add up to the balance", function () {
      const cases = new Seen();
      fc.assert(
        fc.property(historyArbitrary(size), pick, (h, p) => {
          const { model, wallet, block, rows } = setup(h, p);
          const result = provenance(model, wallet, { policy: "haircut", atBlock: block });
          cases.history(h);
          if (rows.some((t) => t.from === wallet && t.to === wallet)) cases.add("the wallet's own self-transfer");
          if (!h.transfers.some((t) => t.block === block) && h.events.some((e) => e.block === block)) cases.add("a block holding only events");
          const ref = refProvenanceHaircut(rows, wallet);
          expect(new Map(result.lots.map((l) => [l.lot, l.amount]))).to.deep.equal(ref);
          const balance = [...ref.values()].reduce((x, y) => x + y, 0n);
          expect(result.balance).to.equal(balance);
          for (const l of result.lots) {
            expect([l.amount > 0n, l.exactAmount]).to.deep.equal([true, l.amount.toString()]);
            expect(frac(l.shareFraction)).to.deep.equal(new Frac(l.amount, balance));
          }
        }),
        propertyParams(`provenance haircut (${label})`, RUNS),
      );
      cases.expect(["selfTransfers", "zeroAmounts", "eventOnlyBlocks", "the wallet's own self-transfer", "a block holding only events", ...("huge" in size ? ["beyondFloat", "over2to63"] : [])]);
    });

    for (const policy of ["poison", "fifo", "haircut"] as const) {
      it(`exposure ${policy} › equals the reference exactly, by hop count and by source, direct and indirect; flags count from their block; no self-exposure`, function () {
        fc.assert(
          fc.property(historyArbitrary(size), pick, (h, p) => {
            const { model, wallet, block, rows } = setup(h, p);
            const flagged = p.flagged.map((f) => ({ wallet: h.wallets[f.wallet % h.wallets.length]!, block: Math.round((h.tip * f.at) / 100) }));
            const result = exposure(model, wallet, { policy, atBlock: block, flagged: [...flagged, ...flagged] });
            // Sources by the rules: flags set at or before the block count from their block (F1); frozen or
            // denylisted at the block from the start (E0); never the wallet itself (E1).
            const sources = new Map<Address, number>();
            const firstIndexAt = (b: number) => {
              const i = rows.findIndex((t) => t.block >= b);
              return i < 0 ? rows.length : i;
            };
            for (const f of flagged) {
              if (f.block > block || !model.walletId.has(f.wallet)) continue;
              sources.set(f.wallet, Math.min(sources.get(f.wallet) ?? Infinity, firstIndexAt(f.block)));
            }
            const events = h.events.filter((e) => e.block <= block);
            const accounts = new Set(events.flatMap((e) => [e.args.account, e.args.replacement].filter((x): x is string => typeof x === "string")));
            for (const account of accounts as Set<Address>) {
              const s = refStateAtBlock(h.events, account, block);
              if (s.status === "frozen" || s.denylisted) sources.set(account, 0);
            }
            sources.delete(wallet);
            expect(result.sources.map((s) => s.wallet)).to.deep.equal([...sources.keys()].filter((a) => model.walletId.has(a)).sort());
            const ref: RefExposure = (policy === "poison" ? refExposurePoison : policy === "fifo" ? refExposureFifo : refExposureHaircut)(rows, wallet, sources);
            const refHops = [...ref.byHops].filter(([, a]) => !a.zero).sort((x, y) => x[0] - y[0]);
            expect(result.byHops.map((x) => [x.hops, x.exactAmount])).to.deep.equal(refHops.map(([hh, a]) => [hh, a.toString()]));
            let total = new Frac(0n);
            for (const [, a] of refHops) total = total.add(a);
            expect(result.exposedExact).to.equal(total.toString());
            expect(result.exposed).to.be.oneOf(roundingBounds(total));
            if (policy !== "poison" || refHops.length > 0) checkAllotment(result.byHops.map((x) => ({ amount: x.amount, exact: frac(x.exactAmount) })), result.exposed);
            const refSources = [...ref.bySource].filter(([, [a]]) => !a.zero);
            expect(result.bySource.map((s) => [s.source, s.exactAmount, s.minHops]).sort()).to.deep.equal(refSources.map(([s, [a, h2]]) => [s, a.toString(), h2]).sort());
            if (policy !== "poison") checkAllotment(result.bySource.map((s) => ({ amount: s.amount, exact: frac(s.exactAmount) })), result.exposed);
            expect(result.direct + result.indirect).to.equal(result.exposed);
            expect(result.direct).to.equal(result.byHops.find((x) => x.hops === 1)?.amount ?? 0n);
          }),
          propertyParams(`exposure ${policy} (${label})`, RUNS),
        );
      });
    }
  });
}
