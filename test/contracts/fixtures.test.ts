import { expect } from "chai";
import { network } from "hardhat";
import { ledgerFixtures, UNIT, WalletStatus } from "../fixtures.js";

const connection = await network.create();
const { networkHelpers } = connection;
const { deployLedgerFixture, fundedLedgerFixture } = ledgerFixtures(connection);

describe("fixtures", function () {
  describe("deployLedgerFixture", function () {
    it("wires the reserve registry to the token and grants every role to its own account", async function () {
      const l = await networkHelpers.loadFixture(deployLedgerFixture);
      expect(await l.reserveRegistry.token()).to.equal(await l.token.getAddress());
      expect(await l.token.reserveRegistry()).to.equal(await l.reserveRegistry.getAddress());
      const t = l.token;
      const r = l.reserveRegistry;
      expect(await t.hasRole(await t.DEFAULT_ADMIN_ROLE(), l.admin.address)).to.equal(true);
      expect(await r.hasRole(await r.DEFAULT_ADMIN_ROLE(), l.admin.address)).to.equal(true);
      expect(await t.hasRole(await t.PAUSER_ROLE(), l.pauser.address)).to.equal(true);
      expect(await t.hasRole(await t.REGISTRAR_ROLE(), l.registrar.address)).to.equal(true);
      expect(await t.hasRole(await t.COMPLIANCE_ROLE(), l.compliance.address)).to.equal(true);
      expect(await t.hasRole(await t.ISSUER_ROLE(), l.issuer.address)).to.equal(true);
      expect(await r.hasRole(await r.CUSTODIAN_ROLE(), l.custodian.address)).to.equal(true);
      expect(await r.hasRole(await r.AUDITOR_ROLE(), l.auditor.address)).to.equal(true);
      // Separation: the admin holds no operational role, the issuer cannot freeze, compliance cannot issue.
      expect(await t.hasRole(await t.ISSUER_ROLE(), l.admin.address)).to.equal(false);
      expect(await t.hasRole(await t.COMPLIANCE_ROLE(), l.issuer.address)).to.equal(false);
      expect(await t.hasRole(await t.ISSUER_ROLE(), l.compliance.address)).to.equal(false);
    });

    it("configures tiers 1 to 3", async function () {
      const l = await networkHelpers.loadFixture(deployLedgerFixture);
      expect((await l.token.tierLimits(1)).maxBalance).to.equal(300_000n * UNIT);
      expect((await l.token.tierLimits(3)).dailyOutflow).to.equal(2n ** 64n - 1n);
      expect((await l.token.tierLimits(4)).maxBalance).to.equal(0n);
    });
  });

  describe("fundedLedgerFixture", function () {
    it("registers wallets and issues 1,000,000 tokens against lot A", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      expect(await l.token.totalSupply()).to.equal(1_000_000n * UNIT);
      expect(await l.token.balanceOf(l.alice.address)).to.equal(100_000n * UNIT);
      expect(await l.token.balanceOf(l.issuer.address)).to.equal(800_000n * UNIT);
      expect((await l.token.walletOf(l.merchant.address)).status).to.equal(BigInt(WalletStatus.Active));
      expect((await l.reserveRegistry.lotInfo(l.lotA)).issued).to.equal(1_000_000n * UNIT);
      expect(await l.reserveRegistry.validReserves()).to.equal(12_000_000n * UNIT);
    });
  });
});
