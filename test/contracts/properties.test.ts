/**
 * Property tests (fast-check): random sequences of transfers over every path, issues, redemptions, officer actions,
 * pauses, disputes and the passing of time, run against the chain and against a small model of the rules. After
 * every step the chain must agree with the model, and the invariants must hold:
 * - Σ balances = totalSupply, and totalSupply ≤ validReserves after every issue;
 * - validReserves = Σ (valuation − redeemed) over active, unexpired lots; issued ≤ valuation per lot;
 * - a frozen, closed, denylisted or KYC-expired wallet never sends or receives (the model), and, read from the chain
 *   independently of the model, a wallet frozen or denylisted on chain before an operation never loses value in it;
 * - no sender's outflow within one UTC day exceeds its tier's daily limit, whatever mix of paths it used: the
 *   outflow is read from the chain (balance decreases and the wallet's own `spentToday`), the limit from
 *   `tierLimits`.
 * Seeded (test/support/seed.ts): a fixed seed by default, GOODS_LEDGER_SEED to change it. The deep run (1,000
 * sequences) is the Solidity invariant suite, test/contracts/invariants.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { network } from "hardhat";
import { DEFAULT_TIER_LIMITS } from "../../ignition/modules/Ledger.js";
import { DAY, UNIT, WalletRole, currentDay, fundLedger, type FundedLedger } from "../fixtures.js";
import { authorizationArgs, paymentArgs, signAuthorization, signPayment } from "./helpers.js";
import { propertyParams } from "../support/seed.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const REASON = ethers.encodeBytes32String("PROPERTY");
const PATHS = ["transfer", "transferFrom", "transferWithReference", "batchTransfer", "transferWithAuthorization", "payWithAuthorization"] as const;
type Path = (typeof PATHS)[number];

interface ModelWallet {
  signer: HardhatEthersSigner;
  tier: number;
  registered: boolean;
  frozen: boolean;
  closed: boolean;
  denylisted: boolean;
  kycExpiryDay: bigint;
  balance: bigint;
  spentDay: bigint;
  spent: bigint;
}
interface ModelLot {
  id: string;
  /** What the lot counts in reserves, and caps what is outstanding against it. */
  reserveValue: bigint;
  unitValue: bigint;
  released: bigint;
  quantity: bigint;
  valuation: bigint;
  issued: bigint;
  redeemed: bigint;
  expiresAt: bigint;
  disputed: boolean;
}

/** The funded ledger plus carol: a tier-2 individual whose KYC expires in 5 days, holding 50,000. */
async function propertyLedgerFixture() {
  const l = await fundLedger(connection);
  const carol = l.others[0];
  const day = await currentDay(connection);
  await (await l.token.connect(l.registrar).registerWallet(carol.address, WalletRole.Individual, 2, 1, 1, day + 5n)).wait();
  await (await l.token.connect(l.issuer).transfer(carol.address, 50_000n * UNIT)).wait();
  // The relayer and transferFrom spender: a spender passes the can-move check itself, so it is registered.
  await (await l.token.connect(l.registrar).registerWallet(l.others.at(-1)!.address, WalletRole.Individual, 3, 1, 1, l.kycExpiryDay)).wait();
  return { l, carol, carolKyc: day + 5n };
}

const limitsOf = (tier: number) => DEFAULT_TIER_LIMITS.find((t) => t.tier === tier)!;

/** Resolves true if the transaction was mined, false if it reverted; rethrows anything else. */
async function succeeded(send: () => Promise<unknown>): Promise<boolean> {
  try {
    const tx = (await send()) as { wait(): Promise<unknown> };
    await tx.wait();
    return true;
  } catch (e) {
    if (/revert/i.test(String((e as Error).message))) return false;
    throw e;
  }
}

const actor = fc.integer({ min: 0, max: 5 });
const amount = fc.oneof(
  fc.bigInt({ min: 1n, max: 1_000n * UNIT }),
  fc.bigInt({ min: 1n, max: 120_000n * UNIT }),
  fc.constantFrom(50_000n * UNIT, 50_000n * UNIT + 1n, 100_000n * UNIT),
);
const op = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant("move" as const), path: fc.constantFrom(...PATHS), from: actor, to: actor, amount }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("issue" as const), lot: fc.integer({ min: 0, max: 1 }), to: actor, amount: fc.bigInt({ min: 1n, max: 3_000_000n * UNIT }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("redeem" as const), lot: fc.integer({ min: 0, max: 1 }), amount: fc.bigInt({ min: 1n, max: 1_200_000n * UNIT }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom("freeze" as const, "unfreeze" as const, "denylist" as const, "undeny" as const), who: actor }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("dispute" as const, "resolve" as const), lot: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("pause" as const, "unpause" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 3_600, max: 2 * 86_400 }) }) },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

describe("properties over random operation sequences", function () {
  this.timeout(300_000);

  it("chain = model, supply and reserve invariants, blocked wallets never move value, daily limits hold across paths", async function () {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
        const { l, carol, carolKyc } = await networkHelpers.loadFixture(propertyLedgerFixture);
        const spender = l.others.at(-1)!;
        const registered = (signer: HardhatEthersSigner, tier: number, kycExpiryDay: bigint, balance: bigint): ModelWallet => ({
          signer, tier, registered: true, frozen: false, closed: false, denylisted: false, kycExpiryDay, balance, spentDay: 0n, spent: 0n,
        });
        const wallets: ModelWallet[] = [
          registered(l.alice, 1, l.kycExpiryDay, 100_000n * UNIT),
          registered(l.bob, 2, l.kycExpiryDay, 100_000n * UNIT),
          registered(l.merchant, 3, l.kycExpiryDay, 0n),
          registered(l.issuer, 3, l.kycExpiryDay, 750_000n * UNIT),
          registered(carol, 2, carolKyc, 50_000n * UNIT),
          { ...registered(l.others[1], 0, 0n, 0n), registered: false },
        ];
        const lots: ModelLot[] = [];
        for (const id of [l.lotA, l.lotB]) {
          const info = await l.reserveRegistry.lotInfo(id);
          lots.push({ id, reserveValue: info.reserveValue, unitValue: info.unitValue, released: info.released, quantity: info.quantity, valuation: info.valuation, issued: info.issued, redeemed: info.redeemed, expiresAt: info.expiresAt, disputed: false });
        }
        let paused = false;

        const now = async () => BigInt(await networkHelpers.time.latest());
        const canMove = (w: ModelWallet, today: bigint) => w.registered && !w.frozen && !w.closed && !w.denylisted && today < w.kycExpiryDay;
        const counts = (lot: ModelLot, today: bigint) => !lot.disputed && today < lot.expiresAt / DAY;
        const reserves = (today: bigint) => lots.reduce((sum, lot) => (counts(lot, today) ? sum + lot.reserveValue : sum), 0n);
        const supply = () => wallets.reduce((sum, w) => sum + w.balance, 0n);

        /** Whether the rules let one leg of `value` go from `from` to `to` today. */
        const leg = (from: ModelWallet, to: ModelWallet, value: bigint, today: bigint): boolean => {
          if (paused || !canMove(from, today) || !canMove(to, today)) return false;
          const limits = limitsOf(from.tier);
          const spent = from.spentDay === today ? from.spent : 0n;
          if (value > limits.maxTransfer || spent + value > limits.dailyOutflow || value > from.balance) return false;
          if (to.balance - (from === to ? value : 0n) + value > limitsOf(to.tier).maxBalance) return false;
          return true;
        };
        /** Moves one leg in the model. */
        const applyLeg = (from: ModelWallet, to: ModelWallet, value: bigint, today: bigint) => {
          from.spent = (from.spentDay === today ? from.spent : 0n) + value;
          from.spentDay = today;
          from.balance -= value;
          to.balance += value;
        };
        /** Keeps clear of UTC midnight, so the model's day is the day the next blocks (and calls) run in. */
        const awayFromMidnight = async () => {
          if ((await now()) % DAY > DAY - 600n) await networkHelpers.time.increase(900);
        };

        /** Balances and blocked flags read from the chain (not the model), for the chain-side checks. */
        const chainSnapshot = async () =>
          Promise.all(
            wallets.map(async (w) => {
              const record = await l.token.walletOf(w.signer.address);
              return { balance: record.balance as bigint, blocked: (record.denylisted as boolean) || Number(record.status) === 2 };
            }),
          );
        /** Outflow read from the chain: Σ balance decreases of each wallet per UTC day. */
        const chainOutflow = new Map<string, bigint>();

        for (const o of ops as Op[]) {
          await awayFromMidnight();
          const today = (await now()) / DAY;
          const before = await chainSnapshot();
          let modelCheck: [boolean, boolean, string] | undefined;

          switch (o.kind) {
            case "move": {
              const from = wallets[o.from];
              const to = wallets[o.to];
              const legs = o.path === "batchTransfer" && o.amount > 1n ? [o.amount / 2n, o.amount - o.amount / 2n] : [o.amount];
              // Each leg is checked on the state the previous one left (simulated on copies); all or nothing.
              const copies = new Map<ModelWallet, ModelWallet>();
              const copy = (w: ModelWallet) => copies.get(w) ?? copies.set(w, { ...w }).get(w)!;
              const expected = legs.every((v) => leg(copy(from), copy(to), v, today) && (applyLeg(copy(from), copy(to), v, today), true));
              if (expected) for (const v of legs) applyLeg(from, to, v, today);
              const ok = await succeeded(() => send(l, o.path, from.signer, to.signer, legs, spender));
              // Compared with the model after the chain-side checks below, so those fail on their own.
              modelCheck = [ok, expected, `${o.path} ${o.amount} from ${o.from} to ${o.to}`];
              break;
            }
            case "issue": {
              const lot = lots[o.lot];
              const to = wallets[o.to];
              const expected =
                !paused && counts(lot, today) && o.amount <= lot.reserveValue - (lot.issued - lot.redeemed) && supply() + o.amount <= reserves(today) &&
                canMove(to, today) && to.balance + o.amount <= limitsOf(to.tier).maxBalance;
              const ok = await succeeded(() => l.token.connect(l.issuer).issue(lot.id, to.signer.address, o.amount, REASON));
              expect(ok, `issue ${o.amount} of lot ${o.lot} to ${o.to}`).to.equal(expected);
              if (ok) {
                lot.issued += o.amount;
                to.balance += o.amount;
                expect(await l.token.totalSupply()).to.be.lessThanOrEqual(await l.reserveRegistry.validReserves());
              }
              break;
            }
            case "redeem": {
              const lot = lots[o.lot];
              const issuer = wallets[3];
              const expected =
                !paused && canMove(issuer, today) && o.amount <= issuer.balance && o.amount <= lot.issued - lot.redeemed && o.amount >= lot.unitValue;
              const ok = await succeeded(() => l.token.connect(l.issuer).redeem(lot.id, o.amount, REASON));
              expect(ok, `redeem ${o.amount} of lot ${o.lot}`).to.equal(expected);
              if (ok) {
                lot.redeemed += o.amount;
                lot.reserveValue -= o.amount;
                lot.released += o.amount / lot.unitValue;
                issuer.balance -= o.amount;
                issuer.spent = (issuer.spentDay === today ? issuer.spent : 0n) + o.amount;
                issuer.spentDay = today;
              }
              break;
            }
            case "freeze":
            case "unfreeze":
            case "denylist":
            case "undeny": {
              const w = wallets[o.who];
              const c = l.token.connect(l.compliance);
              const [expected, call, apply] = {
                freeze: [w.registered && !w.frozen && !w.closed, () => c.freezeWallet(w.signer.address, REASON), () => (w.frozen = true)],
                unfreeze: [w.frozen, () => c.unfreezeWallet(w.signer.address, REASON), () => (w.frozen = false)],
                denylist: [!w.denylisted, () => c.denylist(w.signer.address, REASON), () => (w.denylisted = true)],
                undeny: [w.denylisted, () => c.removeFromDenylist(w.signer.address, REASON), () => (w.denylisted = false)],
              }[o.kind] as [boolean, () => Promise<unknown>, () => void];
              const ok = await succeeded(call);
              expect(ok, `${o.kind} ${o.who}`).to.equal(expected);
              if (ok) apply();
              break;
            }
            case "dispute":
            case "resolve": {
              const lot = lots[o.lot];
              const a = l.reserveRegistry.connect(l.auditor);
              const expected = o.kind === "dispute" ? !lot.disputed : lot.disputed;
              const ok = await succeeded(() => (o.kind === "dispute" ? a.disputeLot(lot.id, REASON) : a.resolveDispute(lot.id, REASON)));
              expect(ok, `${o.kind} lot ${o.lot}`).to.equal(expected);
              if (ok) lot.disputed = o.kind === "dispute";
              break;
            }
            case "pause":
            case "unpause": {
              const expected = o.kind === "pause" ? !paused : paused;
              const p = l.token.connect(l.pauser);
              const ok = await succeeded(() => (o.kind === "pause" ? p.pause() : p.unpause()));
              expect(ok, o.kind).to.equal(expected);
              if (ok) paused = o.kind === "pause";
              break;
            }
            case "wait":
              await networkHelpers.time.increase(o.seconds);
              break;
          }

          // Chain-side checks of this step, independent of the model: a wallet frozen or denylisted on chain before
          // the step lost nothing in it (this test has no seizure); every decrease counts as that day's outflow.
          const after = await chainSnapshot();
          for (const [i, w] of wallets.entries()) {
            if (after[i].balance >= before[i].balance) continue;
            expect(before[i].blocked, `blocked wallet ${i} (${w.signer.address}) was debited by ${o.kind}`).to.equal(false);
            const key = `${w.signer.address}:${today}`;
            chainOutflow.set(key, (chainOutflow.get(key) ?? 0n) + before[i].balance - after[i].balance);
          }

          if (modelCheck) expect(modelCheck[0], modelCheck[2]).to.equal(modelCheck[1]);

          // Invariants after every step.
          await awayFromMidnight();
          const day = (await now()) / DAY;
          let sum = 0n;
          for (const w of wallets) {
            const balance = await l.token.balanceOf(w.signer.address);
            expect(balance, `balance of ${w.signer.address}`).to.equal(w.balance);
            sum += balance;
          }
          const totalSupply = await l.token.totalSupply();
          expect(totalSupply).to.equal(sum);
          expect(await l.reserveRegistry.validReserves()).to.equal(reserves(day));
          for (const lot of lots) {
            const info = await l.reserveRegistry.lotInfo(lot.id);
            expect([info.issued, info.redeemed, info.released, info.reserveValue]).to.deep.equal([lot.issued, lot.redeemed, lot.released, lot.reserveValue]);
            expect(info.issued - info.redeemed).to.be.lessThanOrEqual(info.reserveValue);
            expect(info.released).to.be.lessThanOrEqual(info.quantity);
          }
          // Daily outflow, read from the chain: the observed decreases and the wallet's own counter, against the tier
          // limit the chain reports.
          for (const [key, outflow] of chainOutflow) {
            const address = key.split(":")[0];
            const record = await l.token.walletOf(address);
            const limit = (await l.token.tierLimits(record.tier)).dailyOutflow as bigint;
            expect(outflow, `outflow of ${key} seen on chain`).to.be.lessThanOrEqual(limit);
            if (BigInt(record.spentDay) === BigInt(key.split(":")[1])) {
              expect(record.spentToday as bigint, `spentToday of ${key}`).to.be.lessThanOrEqual(limit);
              expect(record.spentToday as bigint, `spentToday of ${key} counts what left`).to.be.greaterThanOrEqual(outflow);
            }
          }
        }
      }),
      propertyParams("contracts: chain = model", 40),
    );
  });
});

/** Sends `legs` (one leg, or two for a batch) from `from` to `to` through `path`. */
async function send(l: FundedLedger, path: Path, from: HardhatEthersSigner, to: HardhatEthersSigner, legs: bigint[], spender: HardhatEthersSigner) {
  const value = legs.reduce((a, b) => a + b, 0n);
  switch (path) {
    case "transfer":
      return l.token.connect(from).transfer(to.address, value);
    case "transferFrom":
      await (await l.token.connect(from).approve(spender.address, value)).wait();
      return l.token.connect(spender).transferFrom(from.address, to.address, value);
    case "transferWithReference":
      return l.token.connect(from).transferWithReference(to.address, value, REASON);
    case "batchTransfer":
      return l.token.connect(from).batchTransfer(legs.map(() => to.address), legs);
    case "transferWithAuthorization": {
      const auth = await signAuthorization(connection, l.token, from, "TransferWithAuthorization", { to: to.address, value });
      return l.token.connect(spender).transferWithAuthorization(...authorizationArgs(auth));
    }
    case "payWithAuthorization": {
      const payment = await signPayment(connection, l.token, from, { to: to.address, value });
      return l.token.connect(spender).payWithAuthorization(...paymentArgs(payment));
    }
  }
}
