/**
 * Results for people (docs/TRACE.md O1–O3): `forPeople` adds each amount in tokens beside its base units and each
 * lot's label beside its id, and leaves everything else as it was.
 */
import { expect } from "chai";
import { forPeople, labelsById, peopleReplacer } from "../../src/trace/present.js";
import { lotIdOf } from "../../src/trace/asof.js";

describe("trace › output for people (O1–O3)", function () {
  const lot = lotIdOf("WR-0001");
  const other = lotIdOf("WR-0002");

  it("O1 › every bigint amount keeps its base units and gains `<key>Tokens`, exactly (6 decimals, up to 2^64 and beyond, negatives, zero)", function () {
    const value = {
      amount: 1_500_000n, balance: -28_000_000n, zero: 0n, big: 2n ** 64n - 1n, odd: 1n,
      flows: { sent: 123_456_789n, selfTransfers: { count: 2, amount: 10n } }, share: 0.5, shareFraction: "1/2", hop: 3, id: "0001",
    };
    expect(forPeople(value)).to.deep.equal({
      amount: "1500000", amountTokens: "1.5", balance: "-28000000", balanceTokens: "-28", zero: "0", zeroTokens: "0",
      big: "18446744073709551615", bigTokens: "18446744073709.551615", odd: "1", oddTokens: "0.000001",
      flows: { sent: "123456789", sentTokens: "123.456789", selfTransfers: { count: 2, amount: "10", amountTokens: "0.00001" } },
      share: 0.5, shareFraction: "1/2", hop: 3, id: "0001",
    });
    // Another token's decimals.
    expect(forPeople({ amount: 1_500n }, { decimals: 2 })).to.deep.equal({ amount: "1500", amountTokens: "15" });
  });

  it("O2 › every `lot` gains `lotLabel`: the known label (ids matched in any case), else null; value no issue explains (lot null) has none", function () {
    const labels = labelsById(["WR-0001"]);
    expect(labels.get(lot)).to.equal("WR-0001");
    const edges = [{ lot, amount: 5n }, { lot: other, amount: 6n }, { lot: null, amount: 7n }, { lot: lot.toUpperCase().replace("0X", "0x") }];
    expect(forPeople({ edges }, { lotLabels: labels })).to.deep.equal({
      edges: [
        { lot, lotLabel: "WR-0001", amount: "5", amountTokens: "0.000005" },
        { lot: other, lotLabel: null, amount: "6", amountTokens: "0.000006" },
        { lot: null, lotLabel: null, amount: "7", amountTokens: "0.000007" },
        { lot: lot.toUpperCase().replace("0X", "0x"), lotLabel: "WR-0001" },
      ],
    });
    // A key that merely contains "lot" is not a lot id; nothing is added to objects without amounts or lots.
    expect(forPeople({ lots: [], lotStatus: "active", x: { y: 1 } }, { lotLabels: labels })).to.deep.equal({ lots: [], lotStatus: "active", x: { y: 1 } });
  });

  it("O3 › without labels (evidence packs): tokens only; undefined left out as JSON does; the replacer writes the same text", function () {
    expect(forPeople({ lot, amount: 2n, gone: undefined }, { lotLabels: labelsById(["WR-0001"]), labels: false })).to.deep.equal({ lot, amount: "2", amountTokens: "0.000002" });
    const value = { result: { edges: [{ lot, amount: 9n }] } };
    expect(JSON.stringify(value, peopleReplacer())).to.equal(JSON.stringify(forPeople(value)));
  });
});
