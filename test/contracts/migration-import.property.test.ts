/**
 * Property (1,000 runs by default, seeded by test/support/seed.ts): for any v1 ledger state (lots with random
 * attestation figures, status and expiry; balances that may or may not add up), the migration's import either
 * refuses with the rule a model predicts or yields a v2 ledger on which the money invariants of docs/DESIGN.md §3
 * hold (supply = Σ balances = Σ outstanding; per lot released ≤ quantity, outstanding ≤ reserve value ≤ goods in
 * custody × unit value; valid reserves = Σ reserve value of active, unexpired lots), and keep holding for issues
 * and redemptions after the seal.
 */
import { expect } from "chai";
import type { Contract } from "ethers";
import fc from "fast-check";
import { network } from "hardhat";
import { propertyParams } from "../support/seed.js";
import { DAY, LotStatus, deployLedger } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function fixture() {
  const ledger = await deployLedger(connection);
  const migrator = ledger.users[9];
  await (await ledger.token.connect(ledger.admin).grantRole(await ledger.token.MIGRATOR_ROLE(), migrator.address)).wait();
  await (await (ledger.token.connect(ledger.pauser) as Contract).pause()).wait();
  return { ...ledger, migrator };
}

interface LotCase { quantity: bigint; valuation: bigint; outstandingShare: number; redeemedShare: number; overshoot: boolean; released: bigint; status: number; expired: boolean }

const lotArb = fc.record({
  quantity: fc.bigInt({ min: 1n, max: 1_000_000n }),
  valuation: fc.bigInt({ min: 1n, max: 10n ** 13n }),
  outstandingShare: fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000),
  redeemedShare: fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000),
  overshoot: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  released: fc.bigInt({ min: 0n, max: 1_000_010n }),
  status: fc.constantFrom(LotStatus.Active, LotStatus.Active, LotStatus.Active, LotStatus.Disputed, LotStatus.Released),
  expired: fc.boolean(),
});

const frac = (x: bigint, share: number) => (x * BigInt(Math.floor(share * 1_000_000))) / 1_000_000n;

describe("migration import (property)", function () {
  this.timeout(600_000);

  it("refuses what the model refuses; otherwise the money invariants hold at the seal and after", async function () {
    const outcomes = { refused: 0, unbalanced: 0, sealed: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(lotArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (cases: LotCase[], splits: number[], unbalanced: boolean) => {
          const { token, reserveRegistry, migrator, custodian, issuer, pauser, users } = await networkHelpers.loadFixture(fixture);
          const asMigrator = token.connect(migrator) as Contract;
          const now = BigInt(await networkHelpers.time.latest());
          const today = now / DAY;
          const lots = cases.map((c, i) => {
            // v1 figures around what v2 accepts: redeemed a share of the valuation, outstanding a share of the
            // reserve value v2 computes (or just over it, when `overshoot`).
            const released = c.released % (c.quantity + 3n);
            const redeemed = frac(c.valuation, c.redeemedShare);
            const unitValue = c.valuation / c.quantity;
            const custody = released <= c.quantity ? (c.quantity - released) * unitValue : 0n;
            const cap = custody < c.valuation - redeemed ? custody : c.valuation - redeemed;
            const issued = redeemed + (c.overshoot ? cap + 1n : frac(cap, c.outstandingShare));
            return {
              lot: ethers.id(`P-LOT-${i}`), custodian: custodian.address, status: c.status, attestedAt: now - DAY,
              expiresAt: c.expired ? now - DAY : now + 30n * DAY, valuation: c.valuation, quantity: c.quantity, issued, redeemed,
              released, classCode: ethers.ZeroHash, unit: ethers.ZeroHash, location: ethers.ZeroHash,
              attestationHash: ethers.id(`doc-${i}`), attestationURI: "",
            };
          });
          // The model: the first lot that breaks a rule, in the contract's order.
          let expected: { error: string; args: unknown[] } | undefined;
          const model = lots.map((l) => {
            const outstanding = l.issued - l.redeemed;
            const unitValue = l.valuation / l.quantity;
            const inCustody = l.released <= l.quantity ? (l.quantity - l.released) * unitValue : 0n;
            const reserveValue = inCustody < l.valuation - l.redeemed ? inCustody : l.valuation - l.redeemed;
            if (expected === undefined) {
              if (l.released > l.quantity) expected = { error: "ReserveRegistryReleasedExceedsQuantity", args: [l.lot, l.quantity, l.released] };
              else if (l.status === LotStatus.Released && outstanding !== 0n) expected = { error: "ReserveRegistryLotOutstanding", args: [l.lot, outstanding] };
              else if (outstanding > reserveValue) expected = { error: "ReserveRegistryValuationBelowOutstanding", args: [l.lot, outstanding, reserveValue] };
            }
            return { outstanding, reserveValue, counted: l.status === LotStatus.Active && (BigInt(l.expiresAt) / DAY) > today };
          });
          if (expected) {
            await expect(asMigrator.importLots(lots)).to.be.revertedWithCustomError(reserveRegistry, expected.error).withArgs(...expected.args);
            outcomes.refused++;
            return;
          }
          await (await asMigrator.importLots(lots)).wait();
          const supply = model.reduce((s, m) => s + m.outstanding, 0n);
          // Balances: the issuer's institution wallet and up to three users share the supply (one unit short if
          // `unbalanced`, when there is anything to be short of).
          const holders = [issuer, ...users.slice(0, splits.length - 1)];
          const short = unbalanced && supply > 0n ? 1n : 0n;
          let left = supply - short;
          const balances = holders.map((_, i) => {
            const b = i === holders.length - 1 ? left : frac(left, splits[i]!);
            left -= b;
            return b;
          });
          await (await asMigrator.importWallets(holders.map((h, i) => ({
            account: h.address, role: 4, tier: 3, status: 1, denylisted: false, region: 1, institution: 1,
            kycExpiryDay: today + 365n, balance: balances[i]!, aliasCommitment: ethers.ZeroHash,
          })))).wait();
          if (short !== 0n) {
            await expect(asMigrator.sealMigration(ethers.ZeroHash, 1n)).to.be.revertedWithCustomError(token, "GoodsTokenMigrationUnbalanced").withArgs(supply, supply - short);
            await expect((token.connect(pauser) as Contract).unpause()).to.be.revertedWithCustomError(token, "GoodsTokenMigrationUnbalanced");
            outcomes.unbalanced++;
            return;
          }
          await (await asMigrator.sealMigration(ethers.ZeroHash, 1n)).wait();
          const invariants = async () => {
            let sum = 0n;
            for (const h of holders) sum += await token.balanceOf(h.address);
            const total = await token.totalSupply();
            expect(total, "supply = Σ balances").to.equal(sum);
            let outstanding = 0n;
            let counted = 0n;
            for (const [i, l] of lots.entries()) {
              const info = await reserveRegistry.lotInfo(l.lot);
              const o = BigInt(info.issued - info.redeemed);
              outstanding += o;
              expect(info.released <= info.quantity, "released ≤ quantity").to.equal(true);
              expect(o <= info.reserveValue, "outstanding ≤ reserve value").to.equal(true);
              expect(info.reserveValue <= (info.quantity - info.released) * info.unitValue, "reserve value ≤ goods in custody × unit value").to.equal(true);
              if (model[i]!.counted && info.status === BigInt(LotStatus.Active)) counted += info.reserveValue;
            }
            expect(total, "supply = Σ outstanding").to.equal(outstanding);
            expect(await reserveRegistry.validReserves(), "valid reserves = Σ counted reserve values").to.equal(counted);
          };
          await invariants();
          outcomes.sealed++;
          await (await (token.connect(pauser) as Contract).unpause()).wait();
          // After the seal the ledger runs under the normal rules: issue what a lot can take, redeem what it can.
          const asIssuer = token.connect(issuer) as Contract;
          for (const l of lots) {
            const available = await reserveRegistry.availableToIssue(l.lot);
            if (available > 0n) {
              const issued = await asIssuer.issue(l.lot, issuer.address, available, ethers.ZeroHash).then((tx: { wait(): Promise<unknown> }) => tx.wait()).then(() => true, () => false);
              if (issued) expect(await token.totalSupply() <= await reserveRegistry.validReserves(), "supply ≤ valid reserves after an issue").to.equal(true);
            }
            const info = await reserveRegistry.lotInfo(l.lot);
            const mine = await token.balanceOf(issuer.address);
            const o = info.issued - info.redeemed;
            const amount = o < mine ? o : mine;
            if (info.status !== BigInt(LotStatus.Released) && info.unitValue > 0n && amount >= info.unitValue) {
              await (await asIssuer.redeem(l.lot, amount, ethers.ZeroHash)).wait();
            }
            await invariants();
          }
        },
      ),
      propertyParams("migration import: model and invariants", 1000),
    );
    // Every branch of the property ran (a generator that only ever refuses would prove nothing).
    expect(outcomes.refused, JSON.stringify(outcomes)).to.be.greaterThan(0);
    expect(outcomes.unbalanced, JSON.stringify(outcomes)).to.be.greaterThan(0);
    expect(outcomes.sealed, JSON.stringify(outcomes)).to.be.greaterThan(0);
    console.log(`      outcomes: ${JSON.stringify(outcomes)}`);
  });
});
