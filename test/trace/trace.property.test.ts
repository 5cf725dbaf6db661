import { expect } from "chai";
import fc from "fast-check";
import { findPaths } from "../../src/trace/paths.js";
import { traceBackward, traceForward } from "../../src/trace/trace.js";
import { propertyParams } from "../support/seed.js";
import { Seen, historyArbitrary, modelOf } from "./history.js";
import { TraceInputError } from "../../src/trace/errors.js";
import type { History } from "./history.js";
import { refPaths, refState, refTrace } from "./reference.js";
import type { RefWindow } from "./reference.js";

const RUNS = 300;
const T0 = 1_700_000_000;

/**
 * Histories with amounts of tens of units, and with amounts between 2^53 and 2^64 (beyond a float's exact range):
 * the amount bounds of a window are drawn on both scales.
 */
const histories = fc.oneof(historyArbitrary(), historyArbitrary({ huge: true }));
const HUGE = 2n ** 53n;

/** Query parameters drawn alongside a history: hops, hubs, the edge cap (its edge cases 0, 1 and 2 included), windows in blocks, times and amounts. */
const queryArbitrary = fc.record({
  k: fc.integer({ min: 1, max: 4 }),
  hub: fc.constantFrom(1_000, 4, 8),
  cap: fc.constantFrom(10_000, 0, 1, 1, 2, 3, 7),
  startPick: fc.nat(),
  otherPick: fc.nat(),
  byTransfer: fc.boolean(),
  // Half the queries have no window at all: a window drawn on every query filters most walks away (amount bounds
  // of tens of units against amounts up to 2^64), and a search bug then hides behind empty answers.
  window: fc.oneof(fc.constant({}), fc.record(
    {
      fromBlock: fc.integer({ min: 0, max: 30 }), toBlock: fc.integer({ min: 5, max: 60 }),
      fromTime: fc.integer({ min: T0, max: T0 + 400_000 }), toTime: fc.integer({ min: T0 + 100, max: T0 + 1_500_000 }),
      minAmount: fc.oneof(fc.bigInt({ min: 0n, max: 10n }), fc.bigInt({ min: HUGE, max: 2n ** 63n })),
      maxAmount: fc.oneof(fc.bigInt({ min: 5n, max: 40n }), fc.bigInt({ min: 2n ** 62n, max: 2n ** 64n - 1n })),
    },
    { requiredKeys: [] },
  )),
});

function consistent(w: RefWindow): boolean {
  return !(w.fromBlock !== undefined && w.toBlock !== undefined && w.fromBlock > w.toBlock)
    && !(w.fromTime !== undefined && w.toTime !== undefined && w.fromTime > w.toTime)
    && !(w.minAmount !== undefined && w.maxAmount !== undefined && w.minAmount > w.maxAmount);
}

/** A wallet with at least one transfer, picked by index. */
function pickWallet(h: History, pick: number) {
  const active = h.wallets.filter((a) => h.transfers.some((t) => t.from === a || t.to === a));
  return active.length === 0 ? undefined : active[pick % active.length]!;
}

describe("trace queries › against brute-force references on random histories", function () {
  this.timeout(400_000);

  for (const direction of ["forward", "backward"] as const) {
    it(`trace ${direction} › returns exactly the transfers on time-respecting walks within k hops, at their smallest hop, truncated only when the cap cut something`, function () {
      const seen = new Seen();
      fc.assert(
        fc.property(histories, queryArbitrary, (h, q) => {
          fc.pre(consistent(q.window));
          const model = modelOf(h);
          const wallet = pickWallet(h, q.startPick);
          fc.pre(wallet !== undefined);
          let start: { wallet: string } | { transfer: string } = { wallet: wallet! };
          let refStart: { wallet: typeof wallet & string } | { index: number } = { wallet: wallet! };
          if (q.byTransfer) {
            const candidates = h.transfers.map((t, i) => ({ t, i })).filter(({ t }) => (direction === "forward" ? t.kind !== "redeem" : t.kind !== "issue"));
            fc.pre(candidates.length > 0);
            const { t, i } = candidates[q.startPick % candidates.length]!;
            start = { transfer: t.checkpoint };
            refStart = { index: i };
          }
          const run = () => (direction === "forward" ? traceForward : traceBackward)(model, start, { hops: q.k, hubDegree: q.hub, maxEdges: q.cap, ...q.window });
          seen.history(h);
          if (q.cap === 0) {
            // TR2: a cap below 1 is refused (the start is always listed, P2), naming the rule.
            expect(run).to.throw(TraceInputError, /maxEdges/).with.property("code", "edges-out-of-range");
            seen.add("maxEdges 0 refused");
            return;
          }
          const result = run();
          const ref = refTrace(h.transfers, direction, refStart, q.k, q.window, q.hub);
          if (q.byTransfer && q.cap === 1 && ref.length === 1) seen.add("maxEdges 1 from a transfer with nothing downstream");
          if (q.cap === 1 && ref.length > 1) seen.add("maxEdges 1 cut something");
          if (result.edges.some((e) => e.zeroValue)) seen.add("zero amount listed");
          if (result.edges.some((e) => e.amount >= HUGE)) seen.add("amount over 2^53 listed");
          const got = result.edges.map((e) => [h.transfers.findIndex((t) => t.checkpoint === e.id), e.hop]);
          expect(got).to.deep.equal(ref.slice(0, q.cap));
          expect(result.truncated).to.equal(ref.length > q.cap);
          for (const e of result.edges) {
            const t = h.transfers.find((x) => x.checkpoint === e.id)!;
            expect(e.zeroValue).to.equal(t.amount === 0n);
            expect(e.toState).to.deep.equal(refState(h.events, e.to, t));
            expect(e.fromState).to.deep.equal(refState(h.events, e.from, t));
          }
          expect(result.wallets.some((w) => /^0x0{40}$/.test(w.address))).to.equal(false);
          // The wallets: the start's and every edge's parties but the zero address (W1), each at its smallest hop,
          // in (hop, address) order.
          const hopOf = new Map<string, number>();
          const see = (a: string, hop: number) => {
            a = a.toLowerCase();
            if (!/^0x0{40}$/.test(a) && !(hopOf.get(a)! <= hop)) hopOf.set(a, hop);
          };
          if ("wallet" in start) see(start.wallet, 0);
          else for (const a of [h.transfers[(refStart as { index: number }).index]!.from, h.transfers[(refStart as { index: number }).index]!.to]) see(a, 0);
          for (const e of result.edges) see(e.from, e.hop), see(e.to, e.hop);
          const want = [...hopOf].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
          expect(result.wallets.map((w) => [w.address, w.hop])).to.deep.equal(want);
          for (const w of result.wallets) expect(w.hub).to.equal(w.degree > q.hub);
        }),
        propertyParams(`trace ${direction}`, RUNS),
      );
      // The cases the issue names were drawn, not merely possible (the run fails listing what was never met).
      seen.expect(["selfTransfers", "zeroAmounts", "eventOnlyBlocks", "beyondFloat", "over2to63", "maxEdges 0 refused", "maxEdges 1 from a transfer with nothing downstream",
        "maxEdges 1 cut something", "zero amount listed", "amount over 2^53 listed"]);
    });
  }

  it("paths › returns exactly the transfers on time-respecting walks from a to b within k hops ending at the first arrival, with position and shortest length", function () {
    const seen = new Seen();
    fc.assert(
      fc.property(histories, queryArbitrary, (h, q) => {
        fc.pre(consistent(q.window));
        let a = pickWallet(h, q.startPick);
        let b = pickWallet(h, q.otherPick);
        const moves = h.transfers.filter((t) => t.kind === "transfer");
        if (q.byTransfer && moves.length > 0) {
          // Bias towards connected pairs: a sent something, b received something later.
          const i = q.startPick % moves.length;
          a = moves[i]!.from;
          b = moves[i + (q.otherPick % (moves.length - i))]!.to;
        }
        fc.pre(a !== undefined && b !== undefined && a !== b);
        const model = modelOf(h);
        seen.history(h);
        if (q.cap === 0) {
          expect(() => findPaths(model, a!, b!, { hops: q.k, hubDegree: q.hub, maxEdges: q.cap, ...q.window })).to.throw(TraceInputError).with.property("code", "edges-out-of-range");
          seen.add("maxEdges 0 refused");
          return;
        }
        const result = findPaths(model, a!, b!, { hops: q.k, hubDegree: q.hub, maxEdges: q.cap, ...q.window });
        const ref = refPaths(h.transfers, a!, b!, q.k, q.window, q.hub);
        if (q.cap === 1 && ref.length > 1) seen.add("maxEdges 1 cut something");
        if (q.cap === 1 && ref.length === 1) seen.add("maxEdges 1, one transfer: not truncated");
        if (result.edges.some((e) => e.amount >= HUGE)) seen.add("amount over 2^53 listed");
        const got = result.edges.map((e) => [h.transfers.findIndex((t) => t.checkpoint === e.id), e.hop, e.pathLength]);
        expect(got).to.deep.equal(ref.slice(0, q.cap));
        expect(result.truncated).to.equal(ref.length > q.cap);
        expect(result.shortest).to.equal(ref.length === 0 ? null : Math.min(...ref.map((r) => r[2])));
        // The example is a real walk: a → … → b, time-respecting, of the shortest length, b only at its end.
        if (result.shortest !== null) {
          expect(result.example).to.have.length(result.shortest);
          expect(result.example[0]!.from).to.equal(a);
          expect(result.example.at(-1)!.to).to.equal(b);
          result.example.forEach((e, i) => {
            if (i > 0) {
              expect(e.from).to.equal(result.example[i - 1]!.to);
              expect(e.id > result.example[i - 1]!.id).to.equal(true);
            }
            if (i < result.example.length - 1) expect(e.to).to.not.equal(b);
          });
        } else {
          expect(result.example).to.deep.equal([]);
        }
      }),
      propertyParams("paths", RUNS),
    );
    seen.expect(["selfTransfers", "zeroAmounts", "eventOnlyBlocks", "beyondFloat", "maxEdges 0 refused", "maxEdges 1 cut something", "maxEdges 1, one transfer: not truncated", "amount over 2^53 listed"]);
  });
});
