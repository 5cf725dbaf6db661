/**
 * Governed admin (issue 8 scope 7): both contracts use OpenZeppelin's AccessControlDefaultAdminRules: the admin role
 * moves only by a two-step transfer with a delay (a deploy parameter, `adminDelay` in the Ignition module), and the
 * last admin cannot renounce in one call.
 */
import { expect } from "chai";
import type { Contract } from "ethers";
import { network } from "hardhat";
import { roles } from "@goods-ledger/sdk";
import { DEFAULT_ADMIN_DELAY } from "../../ignition/modules/Ledger.js";
import { ledgerFixtures, type FundedLedger } from "../fixtures.js";

const connection = await network.create();
const { networkHelpers } = connection;
const { fundedLedgerFixture } = ledgerFixtures(connection);

for (const name of ["token", "reserveRegistry"] as const) {
  describe(`${name}: governed admin (AccessControlDefaultAdminRules)`, function () {
    const load = async () => {
      const l: FundedLedger = await networkHelpers.loadFixture(fundedLedgerFixture);
      return { l, c: l[name] as Contract };
    };

    it("the deployer is the default admin, with the module's delay", async function () {
      const { l, c } = await load();
      expect(await c.defaultAdmin()).to.equal(l.admin.address);
      expect(await c.defaultAdminDelay()).to.equal(DEFAULT_ADMIN_DELAY);
      expect(await c.owner()).to.equal(l.admin.address);
    });

    it("the only admin cannot renounce in one call (issue 8): AccessControlEnforcedDefaultAdminDelay(0), and keeps the role", async function () {
      const { l, c } = await load();
      await expect((c.connect(l.admin) as Contract).renounceRole(roles.DEFAULT_ADMIN_ROLE, l.admin.address))
        .to.be.revertedWithCustomError(c, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(0n);
      expect(await c.hasRole(roles.DEFAULT_ADMIN_ROLE, l.admin.address)).to.equal(true);
    });

    it("the admin role cannot be granted or revoked directly: AccessControlEnforcedDefaultAdminRules", async function () {
      const { l, c } = await load();
      await expect((c.connect(l.admin) as Contract).grantRole(roles.DEFAULT_ADMIN_ROLE, l.alice.address)).to.be.revertedWithCustomError(c, "AccessControlEnforcedDefaultAdminRules");
      await expect((c.connect(l.admin) as Contract).revokeRole(roles.DEFAULT_ADMIN_ROLE, l.admin.address)).to.be.revertedWithCustomError(c, "AccessControlEnforcedDefaultAdminRules");
    });

    it("a two-step transfer: begin, wait the delay, the new admin accepts; before the delay or by another account it reverts", async function () {
      const { l, c } = await load();
      const next = l.others[4];
      await expect((c.connect(l.admin) as Contract).beginDefaultAdminTransfer(next.address)).to.emit(c, "DefaultAdminTransferScheduled");
      const [pending, schedule] = await c.pendingDefaultAdmin();
      expect(pending).to.equal(next.address);
      await expect((c.connect(next) as Contract).acceptDefaultAdminTransfer()).to.be.revertedWithCustomError(c, "AccessControlEnforcedDefaultAdminDelay").withArgs(schedule);
      await networkHelpers.time.increaseTo(schedule + 1n);
      await expect((c.connect(l.alice) as Contract).acceptDefaultAdminTransfer()).to.be.revertedWithCustomError(c, "AccessControlInvalidDefaultAdmin").withArgs(l.alice.address);
      await (await (c.connect(next) as Contract).acceptDefaultAdminTransfer()).wait();
      expect(await c.defaultAdmin()).to.equal(next.address);
      expect(await c.hasRole(roles.DEFAULT_ADMIN_ROLE, l.admin.address)).to.equal(false);
      // The new admin grants; the old one no longer can.
      await (await (c.connect(next) as Contract).grantRole(roles.AUDITOR_ROLE, l.alice.address)).wait();
      await expect((c.connect(l.admin) as Contract).grantRole(roles.AUDITOR_ROLE, l.bob.address))
        .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
        .withArgs(l.admin.address, roles.DEFAULT_ADMIN_ROLE);
    });

    it("a scheduled transfer can be canceled; renouncing needs a transfer to the zero address scheduled and waited for", async function () {
      const { l, c } = await load();
      await (await (c.connect(l.admin) as Contract).beginDefaultAdminTransfer(l.others[4].address)).wait();
      await expect((c.connect(l.admin) as Contract).cancelDefaultAdminTransfer()).to.emit(c, "DefaultAdminTransferCanceled");
      expect((await c.pendingDefaultAdmin())[0]).to.equal("0x0000000000000000000000000000000000000000");
      await (await (c.connect(l.admin) as Contract).beginDefaultAdminTransfer("0x0000000000000000000000000000000000000000")).wait();
      const [, schedule] = await c.pendingDefaultAdmin();
      await networkHelpers.time.increaseTo(schedule + 1n);
      await (await (c.connect(l.admin) as Contract).renounceRole(roles.DEFAULT_ADMIN_ROLE, l.admin.address)).wait();
      expect(await c.defaultAdmin()).to.equal("0x0000000000000000000000000000000000000000");
    });

    it("roles stay separate: the admin cannot use the roles it grants", async function () {
      const { l, c } = await load();
      if (name === "token") {
        await expect((c.connect(l.admin) as Contract).issue(l.lotA, l.bob.address, 1n, roles.ISSUER_ROLE))
          .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
          .withArgs(l.admin.address, roles.ISSUER_ROLE);
      } else {
        await expect((c.connect(l.admin) as Contract).disputeLot(l.lotA, roles.AUDITOR_ROLE))
          .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
          .withArgs(l.admin.address, roles.AUDITOR_ROLE);
      }
    });
  });
}

describe("the Ignition module's adminDelay parameter", function () {
  it("sets the delay of both contracts", async function () {
    const c2 = await network.create();
    const { deployLedger } = await import("../fixtures.js");
    const l = await deployLedger(c2, { adminDelay: 7n * 86_400n });
    expect(await l.token.defaultAdminDelay()).to.equal(7n * 86_400n);
    expect(await l.reserveRegistry.defaultAdminDelay()).to.equal(7n * 86_400n);
  });
});
