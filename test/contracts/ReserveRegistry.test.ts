import { expect } from "chai";
import { network } from "hardhat";
import { DAY, LotStatus, UNIT, attestation, ledgerFixtures, type LedgerContract } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { fundedLedgerFixture } = ledgerFixtures(connection);
const funded = () => networkHelpers.loadFixture(fundedLedgerFixture);

const REASON = ethers.encodeBytes32String("AUDIT-7");
const LOT = ethers.encodeBytes32String("WR-KN-2026-000123");
const MAX96 = 2n ** 96n - 1n;

/**
 * A ReserveRegistry deployed directly by a plain account, which therefore plays the token: lets the tests call
 * recordIssue / recordRedemption with any arguments.
 */
async function standaloneRegistryFixture() {
  const [admin, fakeToken, custodian, auditor, stranger] = await ethers.getSigners();
  const registry = (await ethers.getContractFactory("ReserveRegistry", fakeToken).then((f) => f.deploy(admin.address, 86_400n))) as unknown as LedgerContract;
  await (await registry.connect(admin).grantRole(await registry.CUSTODIAN_ROLE(), custodian.address)).wait();
  await (await registry.connect(admin).grantRole(await registry.AUDITOR_ROLE(), auditor.address)).wait();
  const now = BigInt(await networkHelpers.time.latest());
  return { registry, admin, fakeToken, custodian, auditor, stranger, now };
}
const standalone = () => networkHelpers.loadFixture(standaloneRegistryFixture);

describe("ReserveRegistry", function () {
  describe("deployment", function () {
    it("names its deployer as the token and reverts with ReserveRegistryInvalidAdmin for a zero admin", async function () {
      const { registry, fakeToken } = await standalone();
      expect(await registry.token()).to.equal(fakeToken.address);
      const factory = await ethers.getContractFactory("ReserveRegistry");
      await expect(factory.deploy(ethers.ZeroAddress, 86_400n)).to.be.revertedWithCustomError(factory, "ReserveRegistryInvalidAdmin").withArgs(ethers.ZeroAddress);
    });
  });

  describe("attestLot", function () {
    it("records the lot, counts it in reserves and emits LotAttested", async function () {
      const { registry, custodian, now } = await standalone();
      const a = attestation(ethers, "SORGHUM", 12_000n, 300_000n * UNIT, now + 90n * DAY);
      await expect(registry.connect(custodian).attestLot(LOT, a))
        .to.emit(registry, "LotAttested")
        .withArgs(LOT, custodian.address, a.classCode, a.quantity, a.unit, a.valuation, a.location, a.attestationHash, a.attestationURI, a.expiresAt);
      const lot = await registry.lotInfo(LOT);
      expect(lot.status).to.equal(LotStatus.Active);
      expect([lot.valuation, lot.issued, lot.redeemed, lot.quantity, lot.expiresAt]).to.deep.equal([a.valuation, 0n, 0n, a.quantity, a.expiresAt]);
      expect([lot.custodian, lot.classCode, lot.unit, lot.location, lot.attestationHash, lot.attestationURI]).to.deep.equal([
        custodian.address, a.classCode, a.unit, a.location, a.attestationHash, a.attestationURI,
      ]);
      expect(lot.attestedAt).to.equal(BigInt(await networkHelpers.time.latest()));
      expect(await registry.validReserves()).to.equal(300_000n * UNIT);
      expect(await registry.availableToIssue(LOT)).to.equal(300_000n * UNIT);
    });

    it("rejects bad input with a named error and records nothing", async function () {
      const { registry, custodian, now } = await standalone();
      const c = registry.connect(custodian);
      const good = attestation(ethers, "MAIZE", 1n, UNIT, now + 10n * DAY);
      await expect(c.attestLot(ethers.ZeroHash, good)).to.be.revertedWithCustomError(registry, "ReserveRegistryInvalidLotId").withArgs(ethers.ZeroHash);
      await expect(c.attestLot(LOT, { ...good, valuation: 0n })).to.be.revertedWithCustomError(registry, "ReserveRegistryInvalidValuation").withArgs(LOT, 0n);
      await expect(c.attestLot(LOT, { ...good, quantity: 0n })).to.be.revertedWithCustomError(registry, "ReserveRegistryInvalidQuantity").withArgs(LOT);
      await expect(c.attestLot(LOT, { ...good, attestationHash: ethers.ZeroHash })).to.be.revertedWithCustomError(registry, "ReserveRegistryInvalidAttestationHash").withArgs(LOT);
      // An expiry later today is refused too: the lot would stop counting at the start of today.
      const endOfToday = (now / DAY) * DAY + DAY - 1n;
      await expect(c.attestLot(LOT, { ...good, expiresAt: endOfToday })).to.be.revertedWithCustomError(registry, "ReserveRegistryInvalidExpiry").withArgs(LOT, endOfToday);
      expect((await registry.lotInfo(LOT)).status).to.equal(LotStatus.None);
      expect(await registry.validReserves()).to.equal(0n);
      await (await c.attestLot(LOT, good)).wait();
      await expect(c.attestLot(LOT, good)).to.be.revertedWithCustomError(registry, "ReserveRegistryLotExists").withArgs(LOT);
    });

    it("reverts with ReserveRegistryReservesOverflow past 2^96 − 1 in total", async function () {
      const { registry, custodian, now } = await standalone();
      await (await registry.connect(custodian).attestLot(LOT, attestation(ethers, "GOLD", 1n, MAX96, now + 10n * DAY))).wait();
      const other = ethers.encodeBytes32String("WR-2");
      await expect(registry.connect(custodian).attestLot(other, attestation(ethers, "GOLD", 1n, 1n, now + 10n * DAY)))
        .to.be.revertedWithCustomError(registry, "ReserveRegistryReservesOverflow")
        .withArgs(MAX96, 1n);
    });
  });

  describe("expiry by UTC day buckets", function () {
    it("a lot stops counting at the start of its expiry day, emitting ReservesExpired when settled", async function () {
      const { registry, custodian, fakeToken, now } = await standalone();
      const expiresAt = now + 3n * DAY;
      await (await registry.connect(custodian).attestLot(LOT, attestation(ethers, "MAIZE", 10n, 1_000n * UNIT, expiresAt))).wait();
      const other = ethers.encodeBytes32String("WR-LONG");
      await (await registry.connect(custodian).attestLot(other, attestation(ethers, "MAIZE", 10n, 500n * UNIT, now + 30n * DAY))).wait();
      await (await registry.connect(fakeToken).recordIssue(LOT, 400n * UNIT)).wait();
      await (await registry.connect(fakeToken).recordRedemption(LOT, 100n * UNIT, REASON)).wait();
      expect(await registry.validReserves()).to.equal(1_400n * UNIT);
      await networkHelpers.time.increaseTo((expiresAt / DAY) * DAY - 1n);
      expect(await registry.validReserves()).to.equal(1_400n * UNIT);
      await networkHelpers.time.increaseTo((expiresAt / DAY) * DAY);
      // Lot LOT's remaining value (1,000 − 100 redeemed) leaves; the view settles without writing.
      expect(await registry.validReserves()).to.equal(500n * UNIT);
      expect(await registry.availableToIssue(LOT)).to.equal(0n);
      await expect(registry.connect(fakeToken).recordIssue(other, UNIT))
        .to.emit(registry, "ReservesExpired")
        .withArgs(expiresAt / DAY, 900n * UNIT);
      expect(await registry.outstandingSupply()).to.equal(301n * UNIT);
    });

    it("renewAttestation moves a lot to its new expiry bucket, and revives an expired lot", async function () {
      const { registry, custodian, now } = await standalone();
      const expiresAt = now + 2n * DAY;
      await (await registry.connect(custodian).attestLot(LOT, attestation(ethers, "MAIZE", 10n, 1_000n * UNIT, expiresAt))).wait();
      const newHash = ethers.id("renewal-1");
      await expect(registry.connect(custodian).renewAttestation(LOT, 10n, 1_200n * UNIT, newHash, "ipfs://renewal-1", now + 20n * DAY))
        .to.emit(registry, "AttestationRenewed")
        .withArgs(LOT, custodian.address, 10n, 1_200n * UNIT, newHash, "ipfs://renewal-1", now + 20n * DAY);
      expect(await registry.validReserves()).to.equal(1_200n * UNIT);
      await networkHelpers.time.increase(5n * DAY);
      // The old bucket no longer holds the lot: nothing leaves on its old expiry day.
      expect(await registry.validReserves()).to.equal(1_200n * UNIT);
      await networkHelpers.time.increase(20n * DAY);
      expect(await registry.validReserves()).to.equal(0n);
      const later = BigInt(await networkHelpers.time.latest()) + 10n * DAY;
      await (await registry.connect(custodian).renewAttestation(LOT, 10n, 1_200n * UNIT, newHash, "ipfs://renewal-2", later)).wait();
      expect(await registry.validReserves()).to.equal(1_200n * UNIT);
      expect((await registry.lotInfo(LOT)).attestationURI).to.equal("ipfs://renewal-2");
    });

    it("renewAttestation rejects a valuation whose goods would not cover what is outstanding, a quantity other than the goods in custody, a valuation below the quantity, a zero hash, a past expiry, another custodian", async function () {
      const { registry, custodian, fakeToken, admin, stranger, now } = await standalone();
      // 10 units at 100 tokens each.
      await (await registry.connect(custodian).attestLot(LOT, attestation(ethers, "MAIZE", 10n, 1_000n * UNIT, now + 9n * DAY))).wait();
      await (await registry.connect(fakeToken).recordIssue(LOT, 600n * UNIT)).wait();
      const c = registry.connect(custodian);
      const hash = ethers.id("r");
      await expect(c.renewAttestation(LOT, 10n, 599n * UNIT, hash, "u", now + 9n * DAY)).to.be.revertedWithCustomError(registry, "ReserveRegistryValuationBelowOutstanding").withArgs(LOT, 600n * UNIT, 599n * UNIT);
      // 605 tokens for 10 units: unit value 60.5 tokens, the goods cover 605 ≥ 600 outstanding.
      await (await c.renewAttestation(LOT, 10n, 605n * UNIT, hash, "u", now + 9n * DAY)).wait();
      await expect(c.renewAttestation(LOT, 9n, 700n * UNIT, hash, "u", now + 9n * DAY)).to.be.revertedWithCustomError(registry, "ReserveRegistryQuantityMismatch").withArgs(LOT, 10n, 9n);
      await expect(c.renewAttestation(LOT, 0n, 700n * UNIT, hash, "u", now + 9n * DAY)).to.be.revertedWithCustomError(registry, "ReserveRegistryInvalidQuantity").withArgs(LOT);
      await expect(c.renewAttestation(LOT, 10n, 9n, hash, "u", now + 9n * DAY)).to.be.revertedWithCustomError(registry, "ReserveRegistryInvalidValuation").withArgs(LOT, 9n);
      await expect(c.renewAttestation(LOT, 10n, 700n * UNIT, ethers.ZeroHash, "u", now + 9n * DAY)).to.be.revertedWithCustomError(registry, "ReserveRegistryInvalidAttestationHash");
      await expect(c.renewAttestation(LOT, 10n, 700n * UNIT, hash, "u", now)).to.be.revertedWithCustomError(registry, "ReserveRegistryInvalidExpiry");
      await (await registry.connect(admin).grantRole(await registry.CUSTODIAN_ROLE(), stranger.address)).wait();
      await expect(registry.connect(stranger).renewAttestation(LOT, 10n, 700n * UNIT, hash, "u", now + 9n * DAY))
        .to.be.revertedWithCustomError(registry, "ReserveRegistryNotLotCustodian")
        .withArgs(LOT, stranger.address, custodian.address);
      await expect(c.renewAttestation(ethers.id("nope"), 10n, 700n * UNIT, hash, "u", now + 9n * DAY)).to.be.revertedWithCustomError(registry, "ReserveRegistryUnknownLot");
    });
  });

  describe("disputeLot / resolveDispute", function () {
    it("a disputed lot leaves reserves and refuses issuance; resolving restores it", async function () {
      const { registry, auditor, fakeToken, custodian, now } = await standalone();
      await (await registry.connect(custodian).attestLot(LOT, attestation(ethers, "MAIZE", 10n, 1_000n * UNIT, now + 9n * DAY))).wait();
      await expect(registry.connect(auditor).disputeLot(LOT, REASON)).to.emit(registry, "LotDisputed").withArgs(LOT, auditor.address, REASON);
      expect(await registry.validReserves()).to.equal(0n);
      expect(await registry.availableToIssue(LOT)).to.equal(0n);
      await expect(registry.connect(fakeToken).recordIssue(LOT, 1n)).to.be.revertedWithCustomError(registry, "ReserveRegistryLotDisputed").withArgs(LOT);
      await expect(registry.connect(auditor).disputeLot(LOT, REASON)).to.be.revertedWithCustomError(registry, "ReserveRegistryLotDisputed");
      await expect(registry.connect(auditor).resolveDispute(LOT, REASON)).to.emit(registry, "LotDisputeResolved").withArgs(LOT, auditor.address, REASON);
      expect(await registry.validReserves()).to.equal(1_000n * UNIT);
      await expect(registry.connect(auditor).resolveDispute(LOT, REASON)).to.be.revertedWithCustomError(registry, "ReserveRegistryLotNotDisputed").withArgs(LOT);
      await expect(registry.connect(auditor).resolveDispute(ethers.id("nope"), REASON)).to.be.revertedWithCustomError(registry, "ReserveRegistryUnknownLot");
    });

    it("a dispute resolved after the expiry day does not bring the lot back into reserves", async function () {
      const { registry, auditor, custodian, now } = await standalone();
      await (await registry.connect(custodian).attestLot(LOT, attestation(ethers, "MAIZE", 10n, 1_000n * UNIT, now + 2n * DAY))).wait();
      await (await registry.connect(auditor).disputeLot(LOT, REASON)).wait();
      await networkHelpers.time.increase(3n * DAY);
      await (await registry.connect(auditor).resolveDispute(LOT, REASON)).wait();
      expect(await registry.validReserves()).to.equal(0n);
      expect((await registry.lotInfo(LOT)).status).to.equal(LotStatus.Active);
    });
  });

  describe("releaseLot", function () {
    it("releases a lot with nothing outstanding; it leaves reserves for good", async function () {
      const { registry, custodian, fakeToken, now } = await standalone();
      await (await registry.connect(custodian).attestLot(LOT, attestation(ethers, "MAIZE", 10n, 1_000n * UNIT, now + 9n * DAY))).wait();
      await (await registry.connect(fakeToken).recordIssue(LOT, 200n * UNIT)).wait();
      await expect(registry.connect(custodian).releaseLot(LOT, REASON)).to.be.revertedWithCustomError(registry, "ReserveRegistryLotOutstanding").withArgs(LOT, 200n * UNIT);
      await (await registry.connect(fakeToken).recordRedemption(LOT, 200n * UNIT, REASON)).wait();
      await expect(registry.connect(custodian).releaseLot(LOT, REASON)).to.emit(registry, "LotReleased").withArgs(LOT, custodian.address, REASON);
      expect((await registry.lotInfo(LOT)).status).to.equal(LotStatus.Released);
      expect(await registry.validReserves()).to.equal(0n);
      await expect(registry.connect(fakeToken).recordIssue(LOT, 1n)).to.be.revertedWithCustomError(registry, "ReserveRegistryLotReleased").withArgs(LOT);
      await expect(registry.connect(fakeToken).recordRedemption(LOT, 1n, REASON)).to.be.revertedWithCustomError(registry, "ReserveRegistryLotReleased");
      await expect(registry.connect(custodian).releaseLot(LOT, REASON)).to.be.revertedWithCustomError(registry, "ReserveRegistryLotReleased");
    });
  });

  describe("recordIssue / recordRedemption", function () {
    it("only the token may call them: ReserveRegistryCallerNotToken", async function () {
      const { registry, stranger } = await standalone();
      await expect(registry.connect(stranger).recordIssue(LOT, 1n)).to.be.revertedWithCustomError(registry, "ReserveRegistryCallerNotToken").withArgs(stranger.address);
      await expect(registry.connect(stranger).recordRedemption(LOT, 1n, REASON)).to.be.revertedWithCustomError(registry, "ReserveRegistryCallerNotToken").withArgs(stranger.address);
      const l = await funded();
      await expect(l.reserveRegistry.connect(l.issuer).recordIssue(l.lotA, 1n)).to.be.revertedWithCustomError(l.reserveRegistry, "ReserveRegistryCallerNotToken").withArgs(l.issuer.address);
    });

    it("recordIssue returns the outstanding supply after it", async function () {
      const { registry, custodian, fakeToken, now } = await standalone();
      await (await registry.connect(custodian).attestLot(LOT, attestation(ethers, "MAIZE", 10n, 1_000n * UNIT, now + 9n * DAY))).wait();
      expect(await registry.connect(fakeToken).recordIssue.staticCall(LOT, 7n)).to.equal(7n);
    });

    it("recordIssue on an expired lot names the expiry first, even when the amount is also over capacity", async function () {
      const { registry, custodian, fakeToken, now } = await standalone();
      const expiresAt = now + 2n * DAY;
      await (await registry.connect(custodian).attestLot(LOT, attestation(ethers, "MAIZE", 10n, 1_000n * UNIT, expiresAt))).wait();
      await networkHelpers.time.increaseTo((expiresAt / DAY) * DAY);
      await expect(registry.connect(fakeToken).recordIssue(LOT, 2_000n * UNIT))
        .to.be.revertedWithCustomError(registry, "ReserveRegistryLotExpired")
        .withArgs(LOT, expiresAt);
    });

    it("recordRedemption works on a disputed lot, and refuses an unknown lot", async function () {
      const { registry, custodian, fakeToken, auditor, now } = await standalone();
      await (await registry.connect(custodian).attestLot(LOT, attestation(ethers, "MAIZE", 1_000n, 1_000n * UNIT, now + 9n * DAY))).wait();
      await (await registry.connect(fakeToken).recordIssue(LOT, 500n * UNIT)).wait();
      await (await registry.connect(auditor).disputeLot(LOT, REASON)).wait();
      await expect(registry.connect(fakeToken).recordRedemption(LOT, 100n * UNIT, REASON))
        .to.emit(registry, "GoodsReleased")
        .withArgs(1n, LOT, 100n * UNIT, 100n, REASON);
      expect(await registry.outstandingSupply()).to.equal(400n * UNIT);
      expect((await registry.lotInfo(LOT)).redeemed).to.equal(100n * UNIT);
      await (await registry.connect(auditor).resolveDispute(LOT, REASON)).wait();
      expect(await registry.validReserves()).to.equal(900n * UNIT);
      await expect(registry.connect(fakeToken).recordRedemption(ethers.id("nope"), 1n, REASON)).to.be.revertedWithCustomError(registry, "ReserveRegistryUnknownLot");
    });

    it("unknown release ids read as zero", async function () {
      const { registry } = await standalone();
      const r = await registry.goodsRelease(99n);
      expect([r.lot, r.amount, r.quantity, r.releasedAt]).to.deep.equal([ethers.ZeroHash, 0n, 0n, 0n]);
      expect(await registry.goodsReleaseCount()).to.equal(0n);
    });
  });
});
