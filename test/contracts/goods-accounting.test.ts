/**
 * Contracts v2 (issue 8): goods accounting per lot, reserve coverage, bounded expiry cost and custodian rotation,
 * on a ReserveRegistry deployed by a plain account that plays the token (so recordIssue / recordRedemption take any
 * arguments), and on the full ledger where the token matters.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { DAY, UNIT, WalletRole, attestation, ledgerFixtures, type LedgerContract } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { fundedLedgerFixture } = ledgerFixtures(connection);
const LOT = ethers.id("LOT-100KG");
const OTHER = ethers.id("LOT-OTHER");
const REF = ethers.encodeBytes32String("RELEASE");
const HASH = ethers.id("renewal");

async function registryFixture() {
  const [admin, fakeToken, custodian, auditor, stranger, newCustodian] = await ethers.getSigners();
  const registry = (await ethers.getContractFactory("ReserveRegistry", fakeToken).then((f) => f.deploy(admin.address, 86_400n))) as unknown as LedgerContract;
  await (await registry.connect(admin).grantRole(await registry.CUSTODIAN_ROLE(), custodian.address)).wait();
  await (await registry.connect(admin).grantRole(await registry.AUDITOR_ROLE(), auditor.address)).wait();
  const now = BigInt(await networkHelpers.time.latest());
  // The issue's lot: 100 kg worth 100 tokens (1 token a kg), valid 90 days.
  await (await registry.connect(custodian).attestLot(LOT, attestation(ethers, "MAIZE", 100n, 100n * UNIT, now + 90n * DAY))).wait();
  return { registry, admin, fakeToken, custodian, auditor, stranger, newCustodian, now };
}
const fresh = () => networkHelpers.loadFixture(registryFixture);

describe("goods accounting per lot (issue 8 scope 1)", function () {
  it("the revaluation attack fails: 100 kg / 100 tokens, issue 100, redeem 60, the price doubles: the lot counts 80, not 140", async function () {
    const { registry, fakeToken, custodian, now } = await fresh();
    const token = registry.connect(fakeToken);
    await (await token.recordIssue(LOT, 100n * UNIT)).wait();
    await expect(token.recordRedemption(LOT, 60n * UNIT, REF)).to.emit(registry, "GoodsReleased").withArgs(1n, LOT, 60n * UNIT, 60n, REF);
    let info = await registry.lotInfo(LOT);
    expect([info.released, info.reserveValue, info.issued, info.redeemed]).to.deep.equal([60n, 40n * UNIT, 100n * UNIT, 60n * UNIT]);
    expect(await registry.validReserves()).to.equal(40n * UNIT);

    const c = registry.connect(custodian);
    // v1's accepted renewal: 200 for the lot as attested (100 kg). The goods in custody are 40 kg: refused.
    await expect(c.renewAttestation(LOT, 100n, 200n * UNIT, HASH, "u", now + 90n * DAY))
      .to.be.revertedWithCustomError(registry, "ReserveRegistryQuantityMismatch")
      .withArgs(LOT, 40n, 100n);
    // The true value of what remains (40 kg at 2 tokens), which v1 refused with ValuationBelowIssued, is accepted.
    await expect(c.renewAttestation(LOT, 40n, 80n * UNIT, HASH, "u", now + 90n * DAY))
      .to.emit(registry, "AttestationRenewed")
      .withArgs(LOT, custodian.address, 40n, 80n * UNIT, HASH, "u", now + 90n * DAY);
    info = await registry.lotInfo(LOT);
    expect([info.unitValue, info.reserveValue, info.valuation]).to.deep.equal([2n * UNIT, 80n * UNIT, 80n * UNIT]);
    expect(await registry.validReserves()).to.equal(80n * UNIT);
    // Not 100 more: only 40 (80 counted − 40 outstanding).
    expect(await registry.availableToIssue(LOT)).to.equal(40n * UNIT);
    await expect(token.recordIssue(LOT, 100n * UNIT))
      .to.be.revertedWithCustomError(registry, "ReserveRegistryLotCapacityExceeded")
      .withArgs(LOT, 40n * UNIT, 100n * UNIT);
    await (await token.recordIssue(LOT, 40n * UNIT)).wait();
    // Everything outstanding (80) releases the 40 kg left, at 2 tokens a kg: 100 kg in all, never 130.
    await expect(token.recordRedemption(LOT, 80n * UNIT, REF)).to.emit(registry, "GoodsReleased").withArgs(2n, LOT, 80n * UNIT, 40n, REF);
    info = await registry.lotInfo(LOT);
    expect([info.released, info.quantity, info.reserveValue]).to.deep.equal([100n, 100n, 0n]);
    await expect(token.recordRedemption(LOT, 1n, REF))
      .to.be.revertedWithCustomError(registry, "ReserveRegistryRedemptionExceedsOutstanding")
      .withArgs(LOT, 0n, 1n);
  });

  it("no redemption releases 0 goods: 19.999999 tokens against 20-token units reverts with ReserveRegistryRedemptionBelowUnitValue", async function () {
    const { registry, fakeToken, custodian, now } = await fresh();
    await (await registry.connect(custodian).attestLot(OTHER, attestation(ethers, "RICE", 1_000n, 20_000n * UNIT, now + 90n * DAY))).wait();
    const token = registry.connect(fakeToken);
    await (await token.recordIssue(OTHER, 20_000n * UNIT)).wait();
    // The issue's attack: 100 burns of 19.999999 tokens released 0 kg each.
    for (let i = 0; i < 3; i++) {
      await expect(token.recordRedemption(OTHER, 19_999_999n, REF))
        .to.be.revertedWithCustomError(registry, "ReserveRegistryRedemptionBelowUnitValue")
        .withArgs(OTHER, 20n * UNIT, 19_999_999n);
    }
    expect((await registry.lotInfo(OTHER)).released).to.equal(0n);
  });

  it("rounding never favours the redeemer: 39.999999 tokens release 1 unit, and the lot's reserve value drops by all 39.999999", async function () {
    const { registry, fakeToken, custodian, now } = await fresh();
    await (await registry.connect(custodian).attestLot(OTHER, attestation(ethers, "RICE", 1_000n, 20_000n * UNIT, now + 90n * DAY))).wait();
    const token = registry.connect(fakeToken);
    await (await token.recordIssue(OTHER, 1_000n * UNIT)).wait();
    const reservesBefore = await registry.validReserves();
    await expect(token.recordRedemption(OTHER, 39_999_999n, REF)).to.emit(registry, "GoodsReleased").withArgs(1n, OTHER, 39_999_999n, 1n, REF);
    const info = await registry.lotInfo(OTHER);
    expect(info.released).to.equal(1n);
    expect(info.reserveValue).to.equal(20_000n * UNIT - 39_999_999n);
    // The goods still in custody (999 units × 20) cover the lot's reserve value, with the fraction to spare.
    expect(info.reserveValue).to.be.lessThanOrEqual((info.quantity - info.released) * info.unitValue);
    expect(await registry.validReserves()).to.equal(reservesBefore - 39_999_999n);
    expect((await registry.goodsRelease(1n)).quantity).to.equal(1n);
  });

  it("an attestation counts quantity × ⌊valuation / quantity⌋ and refuses a valuation below the quantity", async function () {
    const { registry, custodian, now } = await fresh();
    const c = registry.connect(custodian);
    // 100,000 tokens for 1,200 bags: 83.333333 tokens a bag, 99,999.9996 counted.
    await (await c.attestLot(OTHER, attestation(ethers, "COFFEE", 1_200n, 100_000n * UNIT, now + 90n * DAY))).wait();
    const info = await registry.lotInfo(OTHER);
    expect([info.unitValue, info.reserveValue, info.valuation]).to.deep.equal([83_333_333n, 99_999_999_600n, 100_000n * UNIT]);
    await expect(c.attestLot(ethers.id("CHEAP"), attestation(ethers, "SAND", 1_000n, 999n, now + 90n * DAY)))
      .to.be.revertedWithCustomError(registry, "ReserveRegistryInvalidValuation")
      .withArgs(ethers.id("CHEAP"), 999n);
  });

  it("a lot with every unit released cannot be renewed: ReserveRegistryInvalidQuantity", async function () {
    const { registry, fakeToken, custodian, now } = await fresh();
    await (await registry.connect(fakeToken).recordIssue(LOT, 100n * UNIT)).wait();
    await (await registry.connect(fakeToken).recordRedemption(LOT, 100n * UNIT, REF)).wait();
    await expect(registry.connect(custodian).renewAttestation(LOT, 0n, 1n * UNIT, HASH, "u", now + 90n * DAY))
      .to.be.revertedWithCustomError(registry, "ReserveRegistryInvalidQuantity")
      .withArgs(LOT);
  });
});

describe("reserve shortfall is visible (issue 8 scope 2)", function () {
  it("a dispute emits ReserveShortfall, coverage() shows it, and resolving emits ReserveShortfallRecovered", async function () {
    const { registry, fakeToken, auditor } = await fresh();
    await (await registry.connect(fakeToken).recordIssue(LOT, 70n * UNIT)).wait();
    expect(await registry.coverage()).to.deep.equal([100n * UNIT, 70n * UNIT]);
    await expect(registry.connect(auditor).disputeLot(LOT, REF)).to.emit(registry, "ReserveShortfall").withArgs(0n, 70n * UNIT);
    expect(await registry.coverage()).to.deep.equal([0n, 70n * UNIT]);
    await expect(registry.connect(auditor).resolveDispute(LOT, REF)).to.emit(registry, "ReserveShortfallRecovered").withArgs(100n * UNIT, 70n * UNIT);
  });

  it("coverage() counts an expiry at once; a renewal of the expired lot brings its goods back without a recovery event while covered", async function () {
    const { registry, fakeToken, custodian, now } = await fresh();
    await (await registry.connect(custodian).attestLot(OTHER, attestation(ethers, "RICE", 1_000n, 1_000n * UNIT, now + 900n * DAY))).wait();
    await (await registry.connect(fakeToken).recordIssue(LOT, 100n * UNIT)).wait();
    await (await registry.connect(fakeToken).recordIssue(OTHER, 500n * UNIT)).wait();
    await networkHelpers.time.increase(91n * DAY);
    // LOT expired: 1,000 reserves against 600 outstanding, still covered.
    expect(await registry.coverage()).to.deep.equal([1_000n * UNIT, 600n * UNIT]);
    await expect(registry.connect(fakeToken).recordRedemption(OTHER, 450n * UNIT, REF)).to.not.emit(registry, "ReserveShortfall");
    expect(await registry.coverage()).to.deep.equal([550n * UNIT, 150n * UNIT]);
    const future = BigInt(await networkHelpers.time.latest()) + 30n * DAY;
    await expect(registry.connect(custodian).renewAttestation(LOT, 100n, 100n * UNIT, HASH, "u", future)).to.not.emit(registry, "ReserveShortfallRecovered");
    expect(await registry.coverage()).to.deep.equal([650n * UNIT, 150n * UNIT]);
  });

  it("expiry settled by a later call emits ReserveShortfall once, in that call", async function () {
    const { registry, fakeToken, custodian, auditor, now } = await fresh();
    await (await registry.connect(custodian).attestLot(OTHER, attestation(ethers, "RICE", 1_000n, 1_000n * UNIT, now + 900n * DAY))).wait();
    await (await registry.connect(fakeToken).recordIssue(LOT, 100n * UNIT)).wait();
    await (await registry.connect(auditor).disputeLot(OTHER, REF)).wait();
    // Covered by LOT alone (100 against 100) until LOT expires.
    expect(await registry.coverage()).to.deep.equal([100n * UNIT, 100n * UNIT]);
    await networkHelpers.time.increase(91n * DAY);
    expect(await registry.coverage()).to.deep.equal([0n, 100n * UNIT]);
    const tx = registry.connect(fakeToken).recordRedemption(LOT, 10n * UNIT, REF);
    await expect(tx).to.emit(registry, "ReserveShortfall").withArgs(0n, 90n * UNIT);
    await expect(tx).to.emit(registry, "ReservesExpired");
    await expect(registry.connect(fakeToken).recordRedemption(LOT, 10n * UNIT, REF)).to.not.emit(registry, "ReserveShortfall");
    await expect(registry.connect(auditor).resolveDispute(OTHER, REF)).to.emit(registry, "ReserveShortfallRecovered").withArgs(1_000n * UNIT, 80n * UNIT);
  });
});

/** The funded ledger plus a lot valid for 5,000 days, and bob's KYC (one year in the fixture) outliving the idle time. */
async function idleLedger() {
  const l = await networkHelpers.loadFixture(fundedLedgerFixture);
  const now = BigInt(await networkHelpers.time.latest());
  const lasting = ethers.id("LOT-LASTING");
  await (await l.reserveRegistry.connect(l.custodian).attestLot(lasting, attestation(ethers, "SALT", 10_000n, 10_000_000n * UNIT, now + 5_000n * DAY))).wait();
  await (await l.token.connect(l.registrar).updateWallet(l.bob.address, WalletRole.Individual, 2, 2, 2, now / DAY + 5_000n, REF)).wait();
  return { l, now, lasting };
}

describe("bounded expiry cost (issue 8 scope 3)", function () {
  it("settling grows with the buckets that expire, not with the idle days: 32 expiries over 1,000 days cost about 32 × one expiry", async function () {
    const { l, now, lasting } = await idleLedger();
    // Lots expiring on 30 different days in between (plus the fixture's lots A and B), as a busy registry would have.
    for (let i = 0n; i < 30n; i++) {
      await (await l.reserveRegistry.connect(l.custodian).attestLot(ethers.id(`LOT-SHORT-${i}`), attestation(ethers, "BEANS", 10n, 10n * UNIT, now + (40n + 29n * i) * DAY))).wait();
    }
    await networkHelpers.time.increase(DAY);
    const oneDay = (await (await l.token.connect(l.issuer).issue(lasting, l.bob.address, UNIT, REF)).wait())!.gasUsed;
    await networkHelpers.time.increase(1_000n * DAY);
    const view = await l.reserveRegistry.validReserves.estimateGas();
    const issue = (await (await l.token.connect(l.issuer).issue(lasting, l.bob.address, UNIT, REF)).wait())!.gasUsed;
    // v1 settled day by day: 2.34M gas for 1,000 idle days whatever expired. Here each expired bucket costs a
    // bitmap search and a bucket read (and, when settling, its deletion): under 4,000 gas in the view, 6,000 in a write.
    expect(view).to.be.lessThan(30_000n + 32n * 4_000n);
    expect(issue - oneDay).to.be.lessThan(32n * 6_000n);
    expect(await l.reserveRegistry.validReserves()).to.equal(10_000_000n * UNIT);
  });

  it("the first issue after 1,000 idle days with no expiry in between costs about what the first issue of a day costs", async function () {
    const { l, lasting } = await idleLedger();
    await networkHelpers.time.increase(DAY);
    const oneDay = (await (await l.token.connect(l.issuer).issue(lasting, l.bob.address, UNIT, REF)).wait())!.gasUsed;
    await networkHelpers.time.increase(1_000n * DAY);
    const idleView = await l.reserveRegistry.validReserves.estimateGas();
    const idle = (await (await l.token.connect(l.issuer).issue(lasting, l.bob.address, UNIT, REF)).wait())!.gasUsed;
    expect(idle).to.be.lessThan(100_000n);
    expect(idleView).to.be.lessThan(100_000n);
    // Lots A and B expired in between: two buckets, each settled once.
    expect(idle - oneDay).to.be.lessThan(30_000n);
  });
});

describe("custodian rotation (issue 8 scope 4)", function () {
  it("the custodian role's admin reassigns a lot; the new custodian renews and releases it, the old one cannot", async function () {
    const { registry, admin, custodian, newCustodian, now } = await fresh();
    await (await registry.connect(admin).grantRole(await registry.CUSTODIAN_ROLE(), newCustodian.address)).wait();
    await expect(registry.connect(admin).reassignLotCustodian(LOT, newCustodian.address))
      .to.emit(registry, "LotCustodianReassigned")
      .withArgs(LOT, custodian.address, newCustodian.address);
    expect((await registry.lotInfo(LOT)).custodian).to.equal(newCustodian.address);
    await expect(registry.connect(custodian).renewAttestation(LOT, 100n, 100n * UNIT, HASH, "u", now + 30n * DAY))
      .to.be.revertedWithCustomError(registry, "ReserveRegistryNotLotCustodian")
      .withArgs(LOT, custodian.address, newCustodian.address);
    await (await registry.connect(newCustodian).renewAttestation(LOT, 100n, 120n * UNIT, HASH, "u", now + 30n * DAY)).wait();
    await expect(registry.connect(newCustodian).releaseLot(LOT, REF)).to.emit(registry, "LotReleased").withArgs(LOT, newCustodian.address, REF);
  });

  it("refuses a new custodian without CUSTODIAN_ROLE (ReserveRegistryInvalidCustodian), an unknown lot, and a caller without the admin role", async function () {
    const { registry, admin, stranger, custodian } = await fresh();
    await expect(registry.connect(admin).reassignLotCustodian(LOT, stranger.address))
      .to.be.revertedWithCustomError(registry, "ReserveRegistryInvalidCustodian")
      .withArgs(stranger.address);
    await expect(registry.connect(admin).reassignLotCustodian(OTHER, custodian.address))
      .to.be.revertedWithCustomError(registry, "ReserveRegistryUnknownLot")
      .withArgs(OTHER);
    await expect(registry.connect(custodian).reassignLotCustodian(LOT, custodian.address))
      .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
      .withArgs(custodian.address, ethers.ZeroHash);
  });
});
