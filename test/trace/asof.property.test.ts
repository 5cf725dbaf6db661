import { expect } from "chai";
import fc from "fast-check";
import { blockEnd } from "../../src/indexer/checkpoint.js";
import { asOf } from "../../src/trace/asof.js";
import { TraceInputError } from "../../src/trace/errors.js";
import { historyArbitrary, modelOf } from "./history.js";
import { refState } from "./reference.js";

describe("registry state as of a block › against replaying the events", function () {
  this.timeout(120_000);

  it("a wallet at a random block › has the status and denylist flag of the replay", function () {
    fc.assert(
      fc.property(historyArbitrary(), fc.nat(), fc.nat(), (h, wi, bi) => {
        const model = modelOf(h);
        const wallet = h.wallets[wi % h.wallets.length]!;
        const block = bi % (h.tip + 1);
        const r = asOf(model, { wallet, block });
        expect(r.kind).to.equal("wallet");
        if (r.kind !== "wallet") return;
        const ref = refState(h.events, wallet, blockEnd(block) + "~");
        expect({ status: r.wallet.state.status, denylisted: r.wallet.state.denylisted }).to.deep.equal(ref);
        if (r.wallet.canMove !== null) expect(r.wallet.canMove).to.equal(ref.status === "active" && !ref.denylisted && r.wallet.kycExpired === false);
      }),
      { numRuns: 300 },
    );
  });

  it("a transfer › gives both parties' records just before it", function () {
    fc.assert(
      fc.property(historyArbitrary(), fc.nat(), (h, ti) => {
        fc.pre(h.transfers.length > 0);
        const t = h.transfers[ti % h.transfers.length]!;
        const r = asOf(modelOf(h), { transfer: t.checkpoint });
        if (r.kind !== "transfer") throw new Error("expected a transfer answer");
        expect(r.transfer.id).to.equal(t.checkpoint);
        expect({ status: r.from.state.status, denylisted: r.from.state.denylisted }).to.deep.equal(refState(h.events, t.from, t.checkpoint));
        expect({ status: r.to.state.status, denylisted: r.to.state.denylisted }).to.deep.equal(refState(h.events, t.to, t.checkpoint));
        // The tier limits in force are those of the wallet's tier.
        if (r.to.state.status !== "unregistered") expect(r.to.limits?.maxTransfer).to.equal(20n * BigInt(r.to.state.tier));
      }),
      { numRuns: 300 },
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
        expect(asOf(model, { lot: h.lots[0]! }).kind).to.equal("lot");
      }),
      { numRuns: 5 },
    );
  });
});
