import { expect } from "chai";
import { Fraction, allot, decimal } from "../../src/trace/exact.js";
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

  it("haircut lot amounts › add up exactly to the balance by largest remainder, exact amounts and shares given as fractions", function () {
    // W1 holds 1 of lot 0, 1 of lot 1, 1 of lot 2 and sends 1 to W2: W2 holds 1/3 of each.
    const model = new HistoryBuilder().issue(1, W(1), 1n, LOT(0)).issue(1, W(1), 1n, LOT(1)).issue(1, W(1), 1n, LOT(2)).transfer(2, W(1), W(2), 1n).model();
    const r = provenance(model, W(2), { policy: "haircut" });
    expect(r.balance).to.equal(1n);
    // Three exact thirds: one lot gets the unit (ties to the smaller lot id); the other two round to 0 and are not listed.
    expect(r.lots.map((l) => [l.lot, l.amount, l.exactAmount, l.shareFraction, l.shareDecimal])).to.deep.equal([[LOT(0), 1n, "1/3", "1/3", "0.333333333333"]]);
    const w1 = provenance(model, W(1), { policy: "haircut" });
    // W1 keeps 2/3 of each of three lots (2 units): the two units go to the two smaller lot ids; lot 2 rounds to 0 and is not listed.
    expect(w1.balance).to.equal(2n);
    expect(w1.lots.map((l) => [l.lot, l.amount, l.exactAmount])).to.deep.equal([[LOT(0), 1n, "2/3"], [LOT(1), 1n, "2/3"]]);
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
