import { expect } from "chai";
import fc from "fast-check";
import { ALERT_TYPES, DEFAULT_ALERT_RULES, alerts } from "../../src/trace/alerts.js";
import type { AlertRules } from "../../src/trace/alerts.js";
import { TraceInputError } from "../../src/trace/errors.js";
import { propertyParams } from "../support/seed.js";
import { Seen, historyArbitrary, modelOf } from "./history.js";
import { refAlerts } from "./reference.js";

/** Small thresholds, so that random histories raise every kind of alert. */
const rulesArbitrary: fc.Arbitrary<AlertRules> = fc.record({
  structuring: fc.record({ windowSeconds: fc.constantFrom(600, 86_400), minCount: fc.integer({ min: 2, max: 3 }), margin: fc.constantFrom(0.3, 0.6) }),
  velocity: fc.record({ factor: fc.constantFrom(1.5, 3), lookbackDays: fc.integer({ min: 1, max: 3 }), minAmount: fc.bigInt({ min: 1n, max: 5n }) }),
  fanIn: fc.record({ windowSeconds: fc.constantFrom(600, 86_400), minSenders: fc.integer({ min: 2, max: 3 }) }),
  roundTrip: fc.record({ hops: fc.integer({ min: 2, max: 4 }), windowSeconds: fc.constantFrom(3_600, 500_000) }),
  passThrough: fc.record({ windowSeconds: fc.constantFrom(60, 20_000), ratio: fc.constantFrom(0.5, 0.9) }),
});

/** The alert types raised from transfers (reserve-shortfall comes from reserve events: conventions.test). */
const TRANSFER_ALERTS = ALERT_TYPES.filter((t) => t !== "reserve-shortfall");

describe("alerts › against the definitions of docs/TRACE.md on random histories", function () {
  this.timeout(400_000);

  it("raises exactly the alerts of the definitions, each with its whole evidence", function () {
    const seen = new Set<string>();
    const cases = new Seen();
    fc.assert(
      fc.property(historyArbitrary(), rulesArbitrary, (h, rules) => {
        cases.history(h);
        const model = modelOf(h);
        const got = alerts(model, { rules, types: TRANSFER_ALERTS });
        const ref = refAlerts(h.transfers, h.events, rules);
        const index = (id: string) => h.transfers.findIndex((t) => t.checkpoint === id);
        // Every alert compared whole: type, wallet, completing transfer and every evidence transfer in order.
        const mine = got.map((a) => JSON.stringify([a.type, a.wallet, index(a.at), a.evidence.map((e) => index(e.id))])).sort();
        const theirs = ref.map((a) => JSON.stringify([a.type, a.wallet, a.at, a.evidence])).sort();
        expect(mine).to.deep.equal(theirs);
        for (const a of got) {
          seen.add(a.type);
          if (a.type === "round-trip") {
            expect(a.evidence.length).to.be.at.most(rules.roundTrip.hops);
            a.evidence.forEach((e, i) => i > 0 && expect([e.from, e.id > a.evidence[i - 1]!.id]).to.deep.equal([a.evidence[i - 1]!.to, true]));
          }
        }
      }),
      propertyParams("alerts vs definitions", 200),
    );
    // The thresholds are small enough that every rule fired somewhere: the comparison was not vacuous.
    expect([...seen].sort()).to.deep.equal([...TRANSFER_ALERTS].sort());
    cases.expect(["selfTransfers", "zeroAmounts", "eventOnlyBlocks"]);
  });

  it("amounts between 2^53 and 2^64 › raises exactly the alerts of the definitions (exact ratios and sums)", function () {
    const seen = new Set<string>();
    const cases = new Seen();
    fc.assert(
      fc.property(historyArbitrary({ huge: true }), rulesArbitrary, (h, rules) => {
        cases.history(h);
        const got = alerts(modelOf(h), { rules, types: TRANSFER_ALERTS });
        const ref = refAlerts(h.transfers, h.events, rules);
        const index = (id: string) => h.transfers.findIndex((t) => t.checkpoint === id);
        const mine = got.map((a) => JSON.stringify([a.type, a.wallet, index(a.at), a.evidence.map((e) => index(e.id))])).sort();
        expect(mine).to.deep.equal(ref.map((a) => JSON.stringify([a.type, a.wallet, a.at, a.evidence])).sort());
        for (const a of got) seen.add(a.type);
      }),
      propertyParams("alerts vs definitions, huge amounts", 100),
    );
    // Limits are tens of units, so structuring cannot fire on these amounts; the others must have.
    expect([...seen].sort()).to.include.members(["fan-in", "pass-through", "round-trip", "velocity"]);
    cases.expect(["beyondFloat", "over2to63"]);
  });

  it("types › returns only the types asked for, and rejects an unknown type or rule by name", function () {
    fc.assert(
      fc.property(historyArbitrary(), rulesArbitrary, (h, rules) => {
        const model = modelOf(h);
        const all = alerts(model, { rules });
        const some = alerts(model, { rules, types: ["fan-in", "structuring"] });
        expect(some).to.deep.equal(all.filter((a) => a.type === "fan-in" || a.type === "structuring"));
      }),
      propertyParams("alerts types", 50),
    );
    fc.assert(
      fc.property(historyArbitrary({ ops: 10 }), (h) => {
        expect(() => alerts(modelOf(h), { types: ["smurfing"] })).to.throw(TraceInputError, 'unknown alert type "smurfing"');
        expect(() => alerts(modelOf(h), { rules: { roundTrip: { hops: 40 } } })).to.throw(TraceInputError, "roundTrip.hops out of range: 40");
      }),
      propertyParams("alerts bad input", 5),
    );
    expect(DEFAULT_ALERT_RULES.roundTrip.hops).to.be.within(2, 10);
  });
});
