import { expect } from "chai";
import { network } from "hardhat";
import type { Address } from "viem";
import { getBlockNumber } from "viem/actions";
import { DEFAULT_ADMIN_DELAY } from "../../ignition/modules/Ledger.js";
import {
  EnforcedDefaultAdminDelayError,
  EnforcedDefaultAdminRulesError,
  InvalidDefaultAdminError,
  roles,
  UnauthorizedAccountError,
  type LedgerClient,
} from "@goods-ledger/sdk";
import { rejectionOf, sdkLedgerLoader, type SdkLedger } from "./helpers.js";

const connection = await network.create();
const { networkHelpers } = connection;
const load = sdkLedgerLoader(connection);

describe("sdk governance: role members, default admin (in-process Hardhat network)", function () {
  let l: SdkLedger;
  let admin: LedgerClient;
  let alice: Address;
  beforeEach(async function () {
    l = await load();
    admin = l.as(l.admin);
    ({ alice } = l.addresses);
  });
  const members = (result: Awaited<ReturnType<LedgerClient["getRoleMembers"]>>) => result.roles.map((r) => [r.contract, r.role, r.members]);

  it("getRoleMembers lists each role's holders on the contract that holds it", async function () {
    const result = await l.reader.getRoleMembers();
    expect(members(result)).to.deep.include.members([
      ["token", "DEFAULT_ADMIN_ROLE", [l.admin.address]],
      ["token", "PAUSER_ROLE", [l.pauser.address]],
      ["token", "REGISTRAR_ROLE", [l.registrar.address]],
      ["token", "COMPLIANCE_ROLE", [l.compliance.address]],
      ["token", "ISSUER_ROLE", [l.issuer.address]],
      ["reserveRegistry", "DEFAULT_ADMIN_ROLE", [l.admin.address]],
      ["reserveRegistry", "CUSTODIAN_ROLE", [l.custodian.address]],
      ["reserveRegistry", "AUDITOR_ROLE", [l.auditor.address]],
    ]);
    expect(result.roles.every((r) => r.roleId === roles[r.role!])).to.equal(true);
  });

  it("follows grants and revokes, and answers at the block it is pinned to", async function () {
    await admin.waitForTransaction({ hash: await admin.grantRole({ role: "ISSUER_ROLE", account: alice }) });
    const granted = await getBlockNumber(l.reader, { cacheTime: 0 });
    expect((await l.reader.getRoleMembers()).roles.find((r) => r.role === "ISSUER_ROLE")!.members).to.deep.equal([l.issuer.address, alice]);
    await admin.waitForTransaction({ hash: await admin.revokeRole({ role: "ISSUER_ROLE", account: l.issuer.address as Address }) });
    expect((await l.reader.getRoleMembers()).roles.find((r) => r.role === "ISSUER_ROLE")!.members).to.deep.equal([alice]);
    // Pinned to the earlier block: the answer is the state then, read in small log ranges.
    const then = await l.reader.getRoleMembers({ blockNumber: granted, chunkSize: 3n });
    expect(then.blockNumber).to.equal(granted);
    expect(then.roles.find((r) => r.role === "ISSUER_ROLE")!.members).to.deep.equal([l.issuer.address, alice]);
  });

  describe("default admin: two-step transfer with a delay", function () {
    it("getDefaultAdmin reads the admin, no pending transfer and the delay, on both contracts", async function () {
      for (const contract of ["token", "reserveRegistry"] as const) {
        expect(await l.reader.getDefaultAdmin({ contract })).to.deep.equal({
          admin: l.admin.address,
          pendingAdmin: undefined,
          acceptableAt: undefined,
          delay: DEFAULT_ADMIN_DELAY,
          pendingDelay: undefined,
          delayIncreaseWait: 5n * 86_400n,
        });
      }
    });

    it("begin (admin only) → accept by the new admin after the delay; each contract moves on its own", async function () {
      const newAdmin = l.as({ address: alice });
      const notAdmin = await rejectionOf(newAdmin.beginDefaultAdminTransfer({ newAdmin: alice }));
      expect(notAdmin).to.be.instanceOf(UnauthorizedAccountError);
      expect((notAdmin as UnauthorizedAccountError).args).to.deep.equal({ account: alice, neededRole: roles.DEFAULT_ADMIN_ROLE });

      await admin.waitForTransaction({ hash: await admin.beginDefaultAdminTransfer({ newAdmin: alice }) });
      const begun = BigInt(await networkHelpers.time.latest());
      expect(await l.reader.getDefaultAdmin()).to.deep.include({ admin: l.admin.address, pendingAdmin: alice, acceptableAt: begun + DEFAULT_ADMIN_DELAY });

      const stranger = await rejectionOf(l.as(l.issuer).acceptDefaultAdminTransfer());
      expect(stranger).to.be.instanceOf(InvalidDefaultAdminError);
      expect((stranger as InvalidDefaultAdminError).args).to.deep.equal({ defaultAdmin: l.issuer.address });
      const early = await rejectionOf(newAdmin.acceptDefaultAdminTransfer());
      expect(early).to.be.instanceOf(EnforcedDefaultAdminDelayError);
      expect((early as EnforcedDefaultAdminDelayError).args).to.deep.equal({ schedule: Number(begun + DEFAULT_ADMIN_DELAY) });

      await networkHelpers.time.increase(DEFAULT_ADMIN_DELAY + 1n);
      await newAdmin.waitForTransaction({ hash: await newAdmin.acceptDefaultAdminTransfer() });
      expect(await l.reader.getDefaultAdmin()).to.deep.include({ admin: alice, pendingAdmin: undefined, acceptableAt: undefined });
      expect(await l.reader.hasRole({ role: "DEFAULT_ADMIN_ROLE", account: l.admin.address as Address })).to.equal(false);
      // The reserve registry has its own admin, still the old one.
      expect((await l.reader.getDefaultAdmin({ contract: "reserveRegistry" })).admin).to.equal(l.admin.address);
    });

    it("cancel (admin only) voids a pending transfer; the admin role is never granted directly", async function () {
      await admin.waitForTransaction({ hash: await admin.beginDefaultAdminTransfer({ newAdmin: alice, contract: "reserveRegistry" }) });
      expect(await rejectionOf(l.as({ address: alice }).cancelDefaultAdminTransfer({ contract: "reserveRegistry" }))).to.be.instanceOf(UnauthorizedAccountError);
      await admin.waitForTransaction({ hash: await admin.cancelDefaultAdminTransfer({ contract: "reserveRegistry" }) });
      expect(await l.reader.getDefaultAdmin({ contract: "reserveRegistry" })).to.deep.include({ pendingAdmin: undefined, acceptableAt: undefined });
      await networkHelpers.time.increase(DEFAULT_ADMIN_DELAY + 1n);
      const canceled = await rejectionOf(l.as({ address: alice }).acceptDefaultAdminTransfer({ contract: "reserveRegistry" }));
      expect(canceled).to.be.instanceOf(InvalidDefaultAdminError);
      const direct = await rejectionOf(admin.grantRole({ role: "DEFAULT_ADMIN_ROLE", account: alice }));
      expect(direct).to.be.instanceOf(EnforcedDefaultAdminRulesError);
      expect((direct as EnforcedDefaultAdminRulesError).shortMessage).to.equal("the admin role moves only by the two-step transfer (begin, wait the delay, accept), never by grant, revoke or a one-call renounce");
    });

    it("changeDefaultAdminDelay schedules a shorter delay; rollbackDefaultAdminDelay cancels it", async function () {
      await admin.waitForTransaction({ hash: await admin.changeDefaultAdminDelay({ delay: 86_400n }) });
      const changed = BigInt(await networkHelpers.time.latest());
      // A shorter delay takes effect after the difference (OpenZeppelin's rule).
      expect((await l.reader.getDefaultAdmin()).pendingDelay).to.deep.equal({ delay: 86_400n, effectiveAt: changed + DEFAULT_ADMIN_DELAY - 86_400n });
      await admin.waitForTransaction({ hash: await admin.rollbackDefaultAdminDelay() });
      expect((await l.reader.getDefaultAdmin()).pendingDelay).to.equal(undefined);
    });
  });
});
