import { expect } from "chai";
import fc from "fast-check";
import { ALERT_TYPES, DEFAULT_ALERT_RULES, alerts } from "../../src/trace/alerts.js";
import type { AlertRules } from "../../src/trace/alerts.js";
import { TraceInputError } from "../../src/trace/errors.js";
import { historyArbitrary, modelOf } from "./history.js";
import { refAlerts } from "./reference.js";

/** Small thresholds, so that random histories raise every kind of alert. */
const rulesArbitrary: fc.Arbitrary<AlertRules> = fc.record({
  structuring: fc.record({ windowSeconds: fc.constantFrom(600, 86_400), minCount: fc.integer({ min: 2, max: 3 }), margin: fc.constantFrom(0.3, 0.6) }),
  velocity: fc.record({ factor: fc.constantFrom(1.5, 3), lookbackDays: fc.integer({ min: 1, max: 3 }), minAmount: fc.bigInt({ min: 1n, max: 5n }) }),
  fanIn: fc.record({ windowSeconds: fc.constantFrom(600, 86_400), minSenders: fc.integer({ min: 2, max: 3 }) }),
  roundTrip: fc.record({ hops: fc.integer({ min: 2, max: 4 }), windowSeconds: fc.constantFrom(3_600, 500_000) }),
  passThrough: fc.record({ windowSeconds: fc.constantFrom(60, 20_000), ratio: fc.constantFrom(0.5, 0.9) }),
});

describe("alerts › against brute-force references on random histories", function () {
  this.timeout(240_000);

  it("raises exactly the alerts of the definitions, each with its evidence transfers", function () {
    const seen = new Set<string>();
    fc.assert(
      fc.property(historyArbitrary(), rulesArbitrary, (h, rules) => {
        const model = modelOf(h);
        const got = alerts(model, { rules });
        const ref = refAlerts(h.transfers, h.events, rules);
        const key = (type: string, wallet: string, at: number) => `${type} ${wallet} ${at}`;
        const index = (id: string) => h.transfers.findIndex((t) => t.checkpoint === id);
        expect(got.map((a) => key(a.type, a.wallet, index(a.at))).sort()).to.deep.equal(ref.map((a) => key(a.type, a.wallet, a.at)).sort());
        for (const a of got) {
          seen.add(a.type);
          const r = ref.find((x) => x.type === a.type && x.wallet === a.wallet && x.at === index(a.at))!;
          const evidence = a.evidence.map((e) => index(e.id));
          if (a.type === "round-trip") {
            // The walk leaves the wallet with the reference's first transfer, returns with its last, and is time-respecting.
            expect([evidence[0], evidence.at(-1)]).to.deep.equal(r.evidence);
            expect(evidence.length).to.be.at.most(rules.roundTrip.hops);
            a.evidence.forEach((e, i) => i > 0 && expect([e.from, evidence[i]! > evidence[i - 1]!]).to.deep.equal([a.evidence[i - 1]!.to, true]));
          } else {
            expect(evidence).to.deep.equal(r.evidence);
          }
        }
      }),
      { numRuns: 200 },
    );
    // The thresholds are small enough that every rule fired somewhere: the comparison was not vacuous.
    expect([...seen].sort()).to.deep.equal([...ALERT_TYPES].sort());
  });

  it("types › returns only the types asked for, and rejects an unknown type or rule by name", function () {
    fc.assert(
      fc.property(historyArbitrary(), rulesArbitrary, (h, rules) => {
        const model = modelOf(h);
        const all = alerts(model, { rules });
        const some = alerts(model, { rules, types: ["fan-in", "structuring"] });
        expect(some).to.deep.equal(all.filter((a) => a.type === "fan-in" || a.type === "structuring"));
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(historyArbitrary({ ops: 10 }), (h) => {
        expect(() => alerts(modelOf(h), { types: ["smurfing"] })).to.throw(TraceInputError, 'unknown alert type "smurfing"');
        expect(() => alerts(modelOf(h), { rules: { roundTrip: { hops: 40 } } })).to.throw(TraceInputError, "roundTrip.hops out of range: 40");
      }),
      { numRuns: 5 },
    );
    expect(DEFAULT_ALERT_RULES.roundTrip.hops).to.be.within(2, 10);
  });
});
