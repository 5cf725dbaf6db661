import { expect } from "chai";
import { Fraction, allot, decimal, splitUnits } from "../../src/trace/exact.js";
import { exposure } from "../../src/trace/exposure.js";
import { provenance } from "../../src/trace/provenance.js";
import { HistoryBuilder, LOT, W } from "./build.js";

describe("exact arithmetic (docs/TRACE.md X1–X4)", function () {
  describe("the three float failures of issue 9, reproduced", function () {
    it("one issue of 1,152,921,504,606,846,983 units › haircut and FIFO provenance give exactly that amount (a float gave …846,976)", function () {
      const amount = 1_152_921_504_606_846_983n;
      const model = new HistoryBuilder().issue(1, W(1), amount).model();
      for (const policy of ["haircut", "fifo"] as const) {
        const r = provenance(model, W(1), { policy });
        expect([r.balance, r.lots.map((l) => [l.lot, l.amount, l.exactAmount, l.shareFraction])]).to.deep.equal([amount, [[LOT(0), amount, amount.toString(), "1"]]]);
      }
    });

    it("a flagged inflow of 1,537,228,672,809,129,302 units › the same exposure under all three policies (a float gave …129,216)", function () {
      const amount = 1_537_228_672_809_129_302n;
      const model = new HistoryBuilder().issue(1, W(1), amount).transfer(2, W(1), W(2), amount).model();
      for (const policy of ["poison", "haircut", "fifo"] as const) {
        const r = exposure(model, W(2), { policy, flagged: [W(1)] });
        expect([r.inflow, r.exposed, r.direct, r.exposedExact, r.shareFraction], policy).to.deep.equal([amount, amount, amount, amount.toString(), "1"]);
      }
    });

    it("two direct tainted inflows of 4,834,656,227,299,258 + 18,014,398,509,481,984 units › poison exposure is their exact sum (a float was 2 units short)", function () {
      const a = 4_834_656_227_299_258n;
      const b = 18_014_398_509_481_984n;
      const model = new HistoryBuilder().issue(1, W(1), a + b).transfer(2, W(1), W(3), a).transfer(3, W(1), W(3), b).model();
      const r = exposure(model, W(3), { policy: "poison", flagged: [W(1)] });
      expect([r.exposed, r.direct, r.bySource.map((s) => s.amount)]).to.deep.equal([a + b, a + b, [a + b]]);
    });
  });

  it("a wallet that sent everything › balance 0 and no lot listed (not one lot at 0 units with share 1)", function () {
    const model = new HistoryBuilder().issue(1, W(1), 10n, LOT(0)).issue(1, W(1), 7n, LOT(1)).transfer(2, W(1), W(2), 3n).transfer(3, W(1), W(2), 14n).model();
    for (const policy of ["haircut", "fifo"] as const) {
      const r = provenance(model, W(1), { policy });
      expect([r.balance, r.lots]).to.deep.equal([0n, []]);
    }
  });

  it("haircut › each transfer carries whole units by largest remainder (ties to the smaller lot id), so lots always add up to the balance", function () {
    // W1 holds 1 unit of each of lots 0, 1, 2 and sends 1 to W2: a third of a unit of each is not a unit; the
    // unit goes to the largest remainder, all equal, so to the smallest lot id.
    const model = new HistoryBuilder().issue(1, W(1), 1n, LOT(2)).issue(1, W(1), 1n, LOT(0)).issue(1, W(1), 1n, LOT(1)).transfer(2, W(1), W(2), 1n).model();
    const r = provenance(model, W(2), { policy: "haircut" });
    expect(r.lots.map((l) => [l.lot, l.amount, l.shareFraction, l.shareDecimal])).to.deep.equal([[LOT(0), 1n, "1", "1"]]);
    const w1 = provenance(model, W(1), { policy: "haircut" });
    expect(w1.lots.map((l) => [l.lot, l.amount, l.shareFraction])).to.deep.equal([[LOT(1), 1n, "1/2"], [LOT(2), 1n, "1/2"]]);
    // 7 units split 5:2 send 3: 15/7 = 2.14 and 6/7 = 0.86: floors 2 and 0, the leftover unit to the larger remainder (6/7).
    const m2 = new HistoryBuilder().issue(1, W(3), 5n, LOT(0)).issue(1, W(3), 2n, LOT(1)).transfer(2, W(3), W(4), 3n).model();
    expect(provenance(m2, W(4), { policy: "haircut" }).lots.map((l) => [l.lot, l.amount])).to.deep.equal([[LOT(0), 2n], [LOT(1), 1n]]);
  });

  it("splitUnits › proportional whole units, the remainder to the largest remainders, ties to the earlier part; never more than a part holds", function () {
    expect(splitUnits([5n, 2n], 7n, 3n)).to.deep.equal([2n, 1n]);
    expect(splitUnits([1n, 1n, 1n], 3n, 2n)).to.deep.equal([1n, 1n, 0n]);
    expect(splitUnits([4n, 6n], 10n, 10n)).to.deep.equal([4n, 6n]);
    expect(splitUnits([2n ** 64n, 1n], 2n ** 64n + 1n, 2n ** 63n)).to.deep.equal([2n ** 63n, 0n]);
  });

  it("allot › floors, then one unit each to the largest remainders; ties to the earlier part; the sum is exact", function () {
    const f = (n: bigint, d = 1n) => new Fraction(n, d);
    expect(allot([f(5n, 2n), f(5n, 2n), f(2n)], 7n)).to.deep.equal([3n, 2n, 2n]);
    expect(allot([f(10n, 3n), f(10n, 3n), f(10n, 3n)], 10n)).to.deep.equal([4n, 3n, 3n]);
    expect(allot([f(7n, 10n), f(13n, 10n)], 2n)).to.deep.equal([1n, 1n]);
    expect(allot([f(2n ** 64n + 1n, 2n), f(2n ** 64n - 1n, 2n)], 2n ** 64n)).to.deep.equal([2n ** 63n + 1n, 2n ** 63n - 1n]);
  });

  it("decimal and round › exact to the last digit, halves away from zero", function () {
    expect(decimal(new Fraction(2n, 3n), 4)).to.equal("0.6667");
    expect(decimal(new Fraction(1n), 12)).to.equal("1");
    expect(new Fraction(5n, 2n).round()).to.equal(3n);
    expect(new Fraction(2n ** 70n + 1n, 2n).round()).to.equal(2n ** 69n + 1n);
  });
});
