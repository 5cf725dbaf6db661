/**
 * One example per written convention of docs/TRACE.md (goods-ledger-trace/2), each named by its rule id. The
 * property tests compare the engine with the brute-force reference on random histories; these pin each rule
 * on a history small enough to read.
 */
import { expect } from "chai";
import { alerts } from "../../src/trace/alerts.js";
import { asOf } from "../../src/trace/asof.js";
import { PACK_FORMAT, POLICY_VERSION, rerunCommand, verifyPack, type EvidencePack } from "../../src/trace/evidence.js";
import { exposure } from "../../src/trace/exposure.js";
import { findPaths } from "../../src/trace/paths.js";
import { provenance } from "../../src/trace/provenance.js";
import { traceBackward, traceForward } from "../../src/trace/trace.js";
import { HistoryBuilder, LOT, MINT, W, timeOf } from "./build.js";

const ids = (edges: { id: string; hop: number }[]) => edges.map((e) => [Number(e.id.slice(0, 16)), e.hop]);

describe("trace conventions (docs/TRACE.md, goods-ledger-trace/2)", function () {
  it("S1 › a self-transfer moves nothing: no hop, no taint, no FIFO requeue, no hub degree, no alert; it is listed in the wallet's flows", function () {
    const h = new HistoryBuilder()
      .issue(1, W(1), 10n, LOT(0)).issue(2, W(1), 10n, LOT(1))
      .transfer(3, W(1), W(1), 10n) // would requeue lot 0 behind lot 1 if it moved anything
      .transfer(4, W(1), W(2), 10n);
    const model = h.model();
    expect(ids(traceForward(model, { wallet: W(1) }, { hops: 3 }).edges)).to.deep.equal([[4, 1]]);
    const p = provenance(model, W(2), { policy: "fifo" });
    expect(p.lots.map((l) => [l.lot, l.amount])).to.deep.equal([[LOT(0), 10n]]);
    expect(provenance(model, W(1), { policy: "fifo" }).flows.selfTransfers).to.deep.equal({ count: 1, amount: 10n });
    // Hub degree: W1 has 3 transfers besides its self-transfer; hubDegree 3 still follows it.
    expect(traceBackward(model, { wallet: W(2) }, { hops: 2, hubDegree: 3 }).wallets.find((w) => w.address === W(1))).to.include({ degree: 3, hub: false });
    // A flagged wallet's self-transfer taints nothing; round-trips through oneself are not alerts.
    expect(exposure(model, W(1), { policy: "poison", flagged: [W(1)] }).exposed).to.equal(0n);
    expect(alerts(model, { rules: { roundTrip: { hops: 2 }, passThrough: { ratio: 0.1 } } }).filter((a) => a.wallet === W(1))).to.deep.equal([]);
  });

  it("Z1 › a zero-amount transfer is listed, marked zero-value, carries no taint and is not followed", function () {
    const model = new HistoryBuilder()
      .issue(1, W(1), 5n).transfer(2, W(1), W(2), 0n).transfer(3, W(2), W(3), 0n).issue(3, W(2), 4n).transfer(4, W(2), W(3), 4n)
      .model();
    const r = traceForward(model, { wallet: W(1) }, { hops: 3 });
    expect(r.edges.map((e) => [Number(e.id.slice(0, 16)), e.hop, e.zeroValue])).to.deep.equal([[2, 1, true]]);
    expect(exposure(model, W(3), { policy: "poison", flagged: [W(1)] }).exposed).to.equal(0n);
    expect(findPaths(model, W(1), W(3), { hops: 3 }).shortest).to.equal(null);
  });

  it("W1 › the zero address is never a wallet: not in trace wallets, not a source, not queryable", function () {
    const model = new HistoryBuilder().issue(1, W(1), 5n).transfer(2, W(1), W(2), 5n).transfer(3, W(2), MINT, 5n, "redeem", LOT(0)).model();
    const back = traceBackward(model, { wallet: W(2) }, { hops: 3 });
    expect(back.edges.some((e) => e.from === MINT)).to.equal(true);
    expect(back.wallets.map((w) => w.address)).to.deep.equal([W(2), W(1)]);
    expect(() => provenance(model, MINT, { policy: "fifo" })).to.throw("the zero address is not a wallet");
    expect(() => exposure(model, W(2), { policy: "poison", flagged: [MINT] })).to.throw("the zero address is not a wallet");
  });

  it("T1 › as-of facts at a block that holds only a registry event use that block's own time (an expired lot reads expired, a KYC-expired wallet cannot move)", function () {
    const day = 86_400;
    const expiry = timeOf(1) + 2 * day;
    const h = new HistoryBuilder()
      .event(1, "WalletRegistered", { account: W(1), tier: 1, role: 1, region: 0, institution: 1, kycExpiryDay: Math.floor((timeOf(1) + 2 * day) / day) })
      .event(1, "LotAttested", { lot: LOT(0), custodian: W(9), classCode: LOT(9), valuation: "100", expiresAt: expiry }, "reserve")
      .issue(1, W(1), 5n)
      // Block 2 holds only a registry event, three days later: past both expiries.
      .event(2, "WalletUnfrozen", { account: W(7) }, "token", timeOf(1) + 3 * day)
      .issue(3, W(2), 1n);
    const model = h.model();
    const w = asOf(model, { wallet: W(1), block: 2 });
    if (w.kind !== "wallet") throw new Error("expected a wallet");
    expect([w.wallet.time, w.wallet.kycExpired, w.wallet.canMove]).to.deep.equal([timeOf(1) + 3 * day, true, false]);
    const l = asOf(model, { lot: LOT(0), block: 2 });
    if (l.kind !== "lot") throw new Error("expected a lot");
    expect([l.expired, l.time]).to.deep.equal([true, timeOf(1) + 3 * day]);
    expect(provenance(model, W(1), { policy: "fifo", atBlock: 2 }).lots[0]!.expired).to.equal(true);
    expect(provenance(model, W(1), { policy: "fifo", atBlock: 1 }).lots[0]!.expired).to.equal(false);
  });

  it("T2 › a block with no indexed event and no header reads time null, and says why", function () {
    const model = new HistoryBuilder().issue(1, W(1), 5n).issue(5, W(1), 1n).model();
    const w = asOf(model, { wallet: W(1), block: 3 });
    if (w.kind !== "wallet") throw new Error("expected a wallet");
    expect([w.wallet.time, w.wallet.kycExpired, w.wallet.canMove]).to.deep.equal([null, null, null]);
    expect(w.wallet.timeNote).to.match(/^block 3 holds no indexed event and its header is not in the store/);
  });

  it("P1 › a path ends at its first arrival at the target: funds that reached it and left again are not on a path", function () {
    const model = new HistoryBuilder()
      .issue(1, W(1), 9n).transfer(2, W(1), W(2), 9n).transfer(3, W(2), W(3), 9n).transfer(4, W(3), W(4), 9n).transfer(5, W(4), W(3), 9n)
      .model();
    const r = findPaths(model, W(1), W(3), { hops: 6 });
    expect(r.edges.map((e) => [Number(e.id.slice(0, 16)), e.hop, e.pathLength])).to.deep.equal([[2, 1, 2], [3, 2, 2]]);
  });

  it("P2 › the start transfer of a trace is always included, whatever the window and amount bounds", function () {
    const model = new HistoryBuilder().issue(1, W(1), 9n).transfer(2, W(1), W(2), 9n).transfer(3, W(2), W(3), 9n).model();
    const r = traceForward(model, { transfer: "2.0.0" }, { hops: 2, fromBlock: 3, minAmount: 9n, maxAmount: 9n });
    expect(ids(r.edges)).to.deep.equal([[2, 0], [3, 1]]);
    const outside = traceForward(model, { transfer: "2.0.0" }, { hops: 2, fromBlock: 3, minAmount: 100n });
    expect([ids(outside.edges), outside.truncated]).to.deep.equal([[[2, 0]], false]);
  });

  it("H1 › hub degree counts only the query's window, up to its block", function () {
    const h = new HistoryBuilder().issue(1, W(1), 9n).transfer(2, W(1), W(2), 9n).transfer(3, W(2), W(3), 1n);
    for (let b = 10; b < 16; b++) h.issue(b, W(2), 1n); // later activity makes W2 a hub over the whole history
    const model = h.model();
    expect(ids(traceForward(model, { wallet: W(1) }, { hops: 2, hubDegree: 3 }).edges)).to.deep.equal([[2, 1]]);
    expect(ids(traceForward(model, { wallet: W(1) }, { hops: 2, hubDegree: 3, toBlock: 5 }).edges)).to.deep.equal([[2, 1], [3, 2]]);
  });

  it("TR1 › truncated is true only when the cap cut something (maxEdges 1 from a transfer with nothing downstream is not truncated)", function () {
    const model = new HistoryBuilder().issue(1, W(1), 9n).transfer(2, W(1), W(2), 9n).transfer(3, W(2), W(3), 9n).model();
    const end = traceForward(model, { transfer: "3.0.0" }, { hops: 3, maxEdges: 1 });
    expect([ids(end.edges), end.truncated]).to.deep.equal([[[3, 0]], false]);
    const cut = traceForward(model, { transfer: "2.0.0" }, { hops: 3, maxEdges: 1 });
    expect([ids(cut.edges), cut.truncated]).to.deep.equal([[[2, 0]], true]);
    const exact = traceForward(model, { transfer: "2.0.0" }, { hops: 3, maxEdges: 2 });
    expect([ids(exact.edges), exact.truncated]).to.deep.equal([[[2, 0], [3, 1]], false]);
  });

  it("F1 › a flag counts only from the block it was set; a wallet flagged twice is one source", function () {
    const model = new HistoryBuilder().issue(1, W(1), 9n).transfer(2, W(1), W(2), 4n).transfer(5, W(1), W(2), 5n).model();
    const r = exposure(model, W(2), { policy: "poison", flagged: [{ wallet: W(1), block: 3 }, { wallet: W(1), block: 4 }] });
    expect([r.exposed, r.sources]).to.deep.equal([5n, [{ wallet: W(1), reasons: ["flagged"], fromBlock: 3 }]]);
    // At a block before the flag, the wallet is no source at all.
    expect(exposure(model, W(2), { policy: "poison", atBlock: 2, flagged: [{ wallet: W(1), block: 3 }] }).sources).to.deep.equal([]);
  });

  it("E1 › a wallet's exposure to itself is not counted", function () {
    const model = new HistoryBuilder().issue(1, W(1), 9n).transfer(2, W(1), W(2), 9n).transfer(3, W(2), W(1), 9n).model();
    const r = exposure(model, W(1), { policy: "haircut", flagged: [W(1)] });
    expect([r.sources, r.exposed]).to.deep.equal([[], 0n]);
  });

  it("AL3 › velocity history starts at the wallet's first inflow of any kind (an issue counts)", function () {
    const day = 86_400;
    const h = new HistoryBuilder().transfer(1, MINT, W(1), 100n, "issue", LOT(0), timeOf(1));
    h.transfer(2, W(1), W(2), 50n, "transfer", null, timeOf(1) + 2 * day);
    const model = h.model();
    const v = alerts(model, { types: ["velocity"], rules: { velocity: { lookbackDays: 1, factor: 2 } } });
    expect(v.map((a) => [a.wallet, Number(a.at.slice(0, 16))])).to.deep.equal([[W(1), 2]]);
  });

  it("AL5 › pass-through fires only when funds that came in leave, not funds from other inflows", function () {
    // W2 held 100 before the inflow of 10; 10 leave right after: first-in first-out, that is the old 100's.
    const held = new HistoryBuilder().issue(1, W(2), 100n).transfer(2, W(1), W(2), 0n).issue(2, W(1), 10n).transfer(3, W(1), W(2), 10n).transfer(3, W(2), W(3), 10n).model();
    expect(alerts(held, { types: ["pass-through"] })).to.deep.equal([]);
    // With nothing held before, the same 10 are the inflow's own units.
    const fresh = new HistoryBuilder().issue(2, W(1), 10n).transfer(3, W(1), W(2), 10n).transfer(3, W(2), W(3), 10n).model();
    expect(alerts(fresh, { types: ["pass-through"] }).map((a) => [a.wallet, a.evidence.length])).to.deep.equal([[W(2), 2]]);
  });

  it("AL6 › reserve-shortfall: one alert per shortfall, with its figures and where coverage came back", function () {
    const model = new HistoryBuilder()
      .issue(1, W(1), 5n)
      .event(2, "ReserveShortfall", { validReserves: "900", outstandingSupply: "1000" }, "reserve")
      .event(4, "ReserveShortfallRecovered", { validReserves: "1000", outstandingSupply: "1000" }, "reserve")
      .event(6, "ReserveShortfall", { validReserves: "1", outstandingSupply: "2" }, "reserve")
      .model();
    const r = alerts(model, { types: ["reserve-shortfall"] });
    expect(r.map((a) => [a.wallet, Number(a.at.slice(0, 16)), a.coverage])).to.deep.equal([
      [null, 2, { validReserves: 900n, outstandingSupply: 1000n, shortfall: 100n, recoveredAt: "0000000000000004" + "00000000" + "00000000" }],
      [null, 6, { validReserves: 1n, outstandingSupply: 2n, shortfall: 1n, recoveredAt: null }],
    ]);
    expect(r[0]!.summary).to.equal("outstanding supply 0.001 exceeds valid reserves 0.0009 by 0.0001 tokens at block 2; coverage back at block 4");
    expect(alerts(model, { types: ["reserve-shortfall"], atBlock: 3 }).map((a) => a.coverage!.recoveredAt)).to.deep.equal([null]);
    expect(alerts(model, { types: ["reserve-shortfall"], wallet: W(1) })).to.deep.equal([]);
  });

  it("EV1 › packs carry goods-ledger-trace/2; verify refuses a /1 pack and says how to re-run it (before touching the chain)", async function () {
    expect(POLICY_VERSION).to.equal("goods-ledger-trace/2");
    const query = { kind: "exposure" as const, wallet: W(2), policy: "poison", atBlock: 7 };
    const pack = {
      format: PACK_FORMAT, query, policy: { version: "goods-ledger-trace/1", name: "poison" },
      chain: { chainId: 31337, token: W(8), reserveRegistry: W(9), startBlock: 1, block: { number: 9, hash: `0x${"ab".repeat(32)}` } },
      code: { name: "goods-ledger", version: "0.1.0", commit: null }, createdAt: "2026-01-01T00:00:00.000Z", results: {}, sha256: "",
    } as unknown as EvidencePack;
    // An unreachable node: the version check must not need it to fail with its message.
    const v = await verifyPack(pack, "http://127.0.0.1:1");
    const check = v.checks.find((c) => c.check === "policy-version");
    expect(v.ok).to.equal(false);
    expect(check?.detail).to.equal(
      "pack computed under goods-ledger-trace/1, this code implements goods-ledger-trace/2 (exact amounts and the written conventions of docs/TRACE.md), so its results cannot be re-checked; " +
        `re-run the query on an index that holds block 9 to make a goods-ledger-trace/2 pack: goods-ledger trace exposure ${W(2)} --policy poison --at-block 7 --evidence <new-pack.json>`,
    );
    expect(rerunCommand(query, 9)).to.equal(`goods-ledger trace exposure ${W(2)} --policy poison --at-block 7 --evidence <new-pack.json>`);
  });
});
