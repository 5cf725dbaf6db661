import { expect } from "chai";
import fc from "fast-check";
import { asOf } from "../../src/trace/asof.js";
import { TraceInputError } from "../../src/trace/errors.js";
import { propertyParams } from "../support/seed.js";
import { historyArbitrary, modelOf } from "./history.js";
import { refRecord, refState } from "./reference.js";

describe("registry state as of a block › against replaying the events", function () {
  this.timeout(240_000);

  it("a wallet at a random block › has the status, denylist flag, tier and KYC state of the replay, at the block's own time (or null with a reason when no record of the block exists)", function () {
    const seen = { expired: 0, unknown: 0, eventOnly: 0 };
    fc.assert(
      fc.property(historyArbitrary(), fc.nat(), fc.nat(), (h, wi, bi) => {
        const model = modelOf(h);
        const wallet = h.wallets[wi % h.wallets.length]!;
        const block = 1 + (bi % h.tip);
        const r = asOf(model, { wallet, block });
        expect(r.kind).to.equal("wallet");
        if (r.kind !== "wallet") return;
        const ref = refRecord(h.events, wallet, (e) => e.block <= block);
        expect({ status: r.wallet.state.status, denylisted: r.wallet.state.denylisted, tier: r.wallet.state.tier, kycExpiryDay: r.wallet.state.kycExpiryDay })
          .to.deep.equal(ref);
        // T1: the block's own time is known when a transfer or an event of it is indexed (or it is the tip).
        const known = block === h.tip || h.transfers.some((t) => t.block === block) || h.events.some((e) => e.block === block);
        if (!h.transfers.some((t) => t.block === block) && h.events.some((e) => e.block === block)) seen.eventOnly++;
        if (known) {
          const expired = Math.floor(h.times[block]! / 86_400) >= ref.kycExpiryDay;
          expect([r.wallet.time, r.wallet.kycExpired, r.wallet.canMove, r.wallet.timeNote]).to.deep.equal([
            h.times[block], expired, ref.status === "active" && !ref.denylisted && !expired, null,
          ]);
          if (expired && ref.status === "active") seen.expired++;
        } else {
          // T2: null only when the time truly cannot be known, and then the answer says why.
          expect([r.wallet.time, r.wallet.kycExpired, r.wallet.canMove]).to.deep.equal([null, null, null]);
          expect(r.wallet.timeNote).to.match(new RegExp(`block ${block} holds no indexed event`));
          seen.unknown++;
        }
      }),
      propertyParams("asof wallet", 300),
    );
    // KYC expiry falls inside the histories, so some active wallets were read as expired.
    expect(seen.expired).to.be.greaterThan(0);
    // Blocks holding only registry events were queried (their own time, T1), not merely generated.
    expect(seen.eventOnly).to.be.greaterThan(0);
  });

  it("a transfer › gives both parties' records just before it, and the tier limits then in force", function () {
    fc.assert(
      fc.property(historyArbitrary(), fc.nat(), (h, ti) => {
        fc.pre(h.transfers.length > 0);
        const t = h.transfers[ti % h.transfers.length]!;
        const r = asOf(modelOf(h), { transfer: t.checkpoint });
        if (r.kind !== "transfer") throw new Error("expected a transfer answer");
        expect(r.transfer.id).to.equal(t.checkpoint);
        expect({ status: r.from.state.status, denylisted: r.from.state.denylisted }).to.deep.equal(refState(h.events, t.from, t));
        expect({ status: r.to.state.status, denylisted: r.to.state.denylisted }).to.deep.equal(refState(h.events, t.to, t));
        if (r.to.state.status !== "unregistered") {
          const tier = r.to.state.tier;
          const set = h.events.filter((e) => e.name === "TierLimitsSet" && Number(e.args.tier) === tier && e.checkpoint < t.checkpoint).at(-1);
          expect(r.to.limits?.maxTransfer).to.equal(BigInt(set!.args.maxTransfer as string));
        }
      }),
      propertyParams("asof transfer", 300),
    );
  });

  it("bad input › names the rule", function () {
    fc.assert(
      fc.property(historyArbitrary({ ops: 10 }), (h) => {
        const model = modelOf(h);
        expect(() => asOf(model, { wallet: "0x12" })).to.throw(TraceInputError, "malformed address");
        expect(() => asOf(model, { wallet: "0x" + "ab".repeat(20) })).to.throw(TraceInputError, "unknown wallet");
        expect(() => asOf(model, { wallet: h.wallets[0]!, block: h.tip + 1 })).to.throw(TraceInputError, "outside the indexed blocks");
        expect(() => asOf(model, { transfer: "nope" })).to.throw(TraceInputError, "neither a transfer id");
        expect(() => asOf(model, { lot: "0x" + "77".repeat(32) })).to.throw(TraceInputError, "unknown lot");
        expect(() => asOf(model, { lot: "WR-none" })).to.throw(TraceInputError, 'unknown lot "WR-none" (id 0x');
        expect(asOf(model, { lot: h.lots[0]! }).kind).to.equal("lot");
      }),
      propertyParams("asof bad input", 5),
    );
  });
});
