import { expect } from "chai";
import type { Contract } from "ethers";
import { network } from "hardhat";
import { roles } from "@goods-ledger/sdk";
import { UNIT, ledgerFixtures, type FundedLedger } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { fundedLedgerFixture } = ledgerFixtures(connection);

type RoleName = keyof typeof roles;
const R = ethers.encodeBytes32String("R");

/** A restricted function: the role it needs and arguments that would otherwise be valid. */
interface Restricted {
  contract: "token" | "reserveRegistry";
  fn: string;
  role: RoleName;
  args: (l: FundedLedger) => unknown[];
}

const restricted: Restricted[] = [
  { contract: "token", fn: "pause", role: "PAUSER_ROLE", args: () => [] },
  { contract: "token", fn: "unpause", role: "PAUSER_ROLE", args: () => [] },
  { contract: "token", fn: "registerWallet", role: "REGISTRAR_ROLE", args: (l) => [l.others[0].address, 1, 1, 1, 1, l.kycExpiryDay] },
  { contract: "token", fn: "registerWallets", role: "REGISTRAR_ROLE", args: (l) => [[{ account: l.others[0].address, role: 1, tier: 1, region: 1, institution: 1, kycExpiryDay: l.kycExpiryDay }]] },
  { contract: "token", fn: "updateWallet", role: "REGISTRAR_ROLE", args: (l) => [l.alice.address, 1, 2, 1, 1, l.kycExpiryDay, R] },
  { contract: "token", fn: "linkAlias", role: "REGISTRAR_ROLE", args: (l) => [l.alice.address, ethers.id("alias")] },
  { contract: "token", fn: "closeWallet", role: "REGISTRAR_ROLE", args: (l) => [l.merchant.address, R] },
  { contract: "token", fn: "freezeWallet", role: "COMPLIANCE_ROLE", args: (l) => [l.alice.address, R] },
  { contract: "token", fn: "unfreezeWallet", role: "COMPLIANCE_ROLE", args: (l) => [l.alice.address, R] },
  { contract: "token", fn: "denylist", role: "COMPLIANCE_ROLE", args: (l) => [l.alice.address, R] },
  { contract: "token", fn: "removeFromDenylist", role: "COMPLIANCE_ROLE", args: (l) => [l.alice.address, R] },
  { contract: "token", fn: "setTierLimits", role: "COMPLIANCE_ROLE", args: () => [1, 1n, 1n, 1n] },
  { contract: "token", fn: "forcedTransfer", role: "COMPLIANCE_ROLE", args: (l) => [l.alice.address, l.bob.address, 1n, R, R] },
  { contract: "token", fn: "recoverWallet", role: "COMPLIANCE_ROLE", args: (l) => [l.alice.address, l.others[0].address, R, R] },
  { contract: "token", fn: "issue", role: "ISSUER_ROLE", args: (l) => [l.lotA, l.bob.address, UNIT, R] },
  { contract: "token", fn: "redeem", role: "ISSUER_ROLE", args: (l) => [l.lotA, UNIT, R] },
  { contract: "token", fn: "grantRole", role: "DEFAULT_ADMIN_ROLE", args: (l) => [roles.ISSUER_ROLE, l.alice.address] },
  { contract: "token", fn: "revokeRole", role: "DEFAULT_ADMIN_ROLE", args: (l) => [roles.ISSUER_ROLE, l.issuer.address] },
  { contract: "reserveRegistry", fn: "attestLot", role: "CUSTODIAN_ROLE", args: (l) => [ethers.id("NEW"), { classCode: R, quantity: 1n, unit: R, valuation: 1n, location: R, attestationHash: R, attestationURI: "u", expiresAt: 2n ** 39n }] },
  { contract: "reserveRegistry", fn: "renewAttestation", role: "CUSTODIAN_ROLE", args: (l) => [l.lotA, 500_000n, 10_000_000n * UNIT, R, "u", 2n ** 39n] },
  { contract: "reserveRegistry", fn: "releaseLot", role: "CUSTODIAN_ROLE", args: (l) => [l.lotB, R] },
  { contract: "reserveRegistry", fn: "disputeLot", role: "AUDITOR_ROLE", args: (l) => [l.lotA, R] },
  { contract: "reserveRegistry", fn: "resolveDispute", role: "AUDITOR_ROLE", args: (l) => [l.lotA, R] },
  { contract: "reserveRegistry", fn: "grantRole", role: "DEFAULT_ADMIN_ROLE", args: (l) => [roles.AUDITOR_ROLE, l.alice.address] },
  { contract: "reserveRegistry", fn: "revokeRole", role: "DEFAULT_ADMIN_ROLE", args: (l) => [roles.AUDITOR_ROLE, l.auditor.address] },
  { contract: "token", fn: "beginDefaultAdminTransfer", role: "DEFAULT_ADMIN_ROLE", args: (l) => [l.alice.address] },
  { contract: "token", fn: "cancelDefaultAdminTransfer", role: "DEFAULT_ADMIN_ROLE", args: () => [] },
  { contract: "token", fn: "changeDefaultAdminDelay", role: "DEFAULT_ADMIN_ROLE", args: () => [3n * 86_400n] },
  { contract: "token", fn: "rollbackDefaultAdminDelay", role: "DEFAULT_ADMIN_ROLE", args: () => [] },
  { contract: "reserveRegistry", fn: "beginDefaultAdminTransfer", role: "DEFAULT_ADMIN_ROLE", args: (l) => [l.alice.address] },
  { contract: "reserveRegistry", fn: "cancelDefaultAdminTransfer", role: "DEFAULT_ADMIN_ROLE", args: () => [] },
  { contract: "reserveRegistry", fn: "changeDefaultAdminDelay", role: "DEFAULT_ADMIN_ROLE", args: () => [3n * 86_400n] },
  { contract: "reserveRegistry", fn: "rollbackDefaultAdminDelay", role: "DEFAULT_ADMIN_ROLE", args: () => [] },
  { contract: "token", fn: "importWallets", role: "MIGRATOR_ROLE", args: () => [[]] },
  { contract: "token", fn: "importLots", role: "MIGRATOR_ROLE", args: () => [[]] },
  { contract: "token", fn: "sealMigration", role: "MIGRATOR_ROLE", args: () => [R, 1n] },
  { contract: "reserveRegistry", fn: "reassignLotCustodian", role: "DEFAULT_ADMIN_ROLE", args: (l) => [l.lotA, l.custodian.address] },
];

/** State-changing functions open to any caller, and why. */
const open: Record<"token" | "reserveRegistry", Record<string, string>> = {
  token: {
    transfer: "holder", approve: "holder", transferFrom: "spender", batchTransfer: "holder",
    transferWithReference: "holder", permit: "signature", transferWithAuthorization: "signature",
    receiveWithAuthorization: "signature (payee submits)", payWithAuthorization: "signature", cancelAuthorization: "signature",
    renounceRole: "own role only (the admin's only after a scheduled, delayed renounce: admin-rules.test.ts)",
    acceptDefaultAdminTransfer: "the pending admin only, after the delay (AccessControlInvalidDefaultAdmin: admin-rules.test.ts)",
    batchTransferPartial: "holder",
  },
  reserveRegistry: {
    renounceRole: "own role only (the admin's only after a scheduled, delayed renounce: admin-rules.test.ts)",
    acceptDefaultAdminTransfer: "the pending admin only, after the delay (AccessControlInvalidDefaultAdmin: admin-rules.test.ts)",
    recordIssue: "token only (ReserveRegistryCallerNotToken, ReserveRegistry.test.ts)",
    recordRedemption: "token only (ReserveRegistryCallerNotToken, ReserveRegistry.test.ts)",
    importLots: "token only (ReserveRegistryCallerNotToken, test/contracts/migration-import.test.ts)",
  },
};

const holders = (l: FundedLedger) =>
  ({ admin: l.admin, pauser: l.pauser, registrar: l.registrar, compliance: l.compliance, issuer: l.issuer, custodian: l.custodian, auditor: l.auditor, holder: l.alice, migrator: l.others[5] });
const holderOf: Record<RoleName, keyof ReturnType<typeof holders>> = {
  DEFAULT_ADMIN_ROLE: "admin", PAUSER_ROLE: "pauser", REGISTRAR_ROLE: "registrar", COMPLIANCE_ROLE: "compliance",
  ISSUER_ROLE: "issuer", CUSTODIAN_ROLE: "custodian", AUDITOR_ROLE: "auditor", MIGRATOR_ROLE: "migrator",
};

describe("roles: separated as USDC separates them", function () {
  it("every state-changing function is either restricted to a role (below) or deliberately open", async function () {
    const l = await networkHelpers.loadFixture(fundedLedgerFixture);
    for (const name of ["token", "reserveRegistry"] as const) {
      const contract = l[name] as Contract;
      const writes: string[] = [];
      contract.interface.forEachFunction((f) => {
        if (!f.constant) writes.push(f.name);
      });
      const classified = new Set([...restricted.filter((r) => r.contract === name).map((r) => r.fn), ...Object.keys(open[name])]);
      expect(writes.filter((w) => !classified.has(w)), `${name}: unclassified functions`).to.deep.equal([]);
      expect([...classified].filter((c) => !writes.includes(c)), `${name}: stale entries`).to.deep.equal([]);
    }
  });

  for (const r of restricted) {
    it(`${r.contract}.${r.fn}: every account without ${r.role} reverts with AccessControlUnauthorizedAccount`, async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      const contract = l[r.contract] as Contract;
      const allowed = holderOf[r.role];
      for (const [who, signer] of Object.entries(holders(l))) {
        if (who === allowed) continue;
        await expect((contract.connect(signer) as Contract)[r.fn](...r.args(l)), `${who} calling ${r.fn}`)
          .to.be.revertedWithCustomError(contract, "AccessControlUnauthorizedAccount")
          .withArgs(signer.address, roles[r.role]);
      }
    });
  }

  it("only the admin grants: a granted issuer can issue, a revoked one cannot", async function () {
    const l = await networkHelpers.loadFixture(fundedLedgerFixture);
    await expect(l.token.connect(l.admin).grantRole(roles.ISSUER_ROLE, l.compliance.address))
      .to.emit(l.token, "RoleGranted")
      .withArgs(roles.ISSUER_ROLE, l.compliance.address, l.admin.address);
    await (await l.token.connect(l.compliance).issue(l.lotA, l.bob.address, UNIT, R)).wait();
    await (await l.token.connect(l.admin).revokeRole(roles.ISSUER_ROLE, l.compliance.address)).wait();
    await expect(l.token.connect(l.compliance).issue(l.lotA, l.bob.address, UNIT, R))
      .to.be.revertedWithCustomError(l.token, "AccessControlUnauthorizedAccount")
      .withArgs(l.compliance.address, roles.ISSUER_ROLE);
  });

  it("renounceRole needs the caller's own address: AccessControlBadConfirmation otherwise", async function () {
    const l = await networkHelpers.loadFixture(fundedLedgerFixture);
    await expect(l.token.connect(l.issuer).renounceRole(roles.ISSUER_ROLE, l.alice.address)).to.be.revertedWithCustomError(l.token, "AccessControlBadConfirmation");
    await expect(l.reserveRegistry.connect(l.auditor).renounceRole(roles.AUDITOR_ROLE, l.alice.address)).to.be.revertedWithCustomError(l.reserveRegistry, "AccessControlBadConfirmation");
    await (await l.token.connect(l.issuer).renounceRole(roles.ISSUER_ROLE, l.issuer.address)).wait();
    expect(await l.token.hasRole(roles.ISSUER_ROLE, l.issuer.address)).to.equal(false);
  });

  it("role changes still work while paused", async function () {
    const l = await networkHelpers.loadFixture(fundedLedgerFixture);
    await (await l.token.connect(l.pauser).pause()).wait();
    await (await l.token.connect(l.admin).grantRole(roles.PAUSER_ROLE, l.alice.address)).wait();
    expect(await l.token.hasRole(roles.PAUSER_ROLE, l.alice.address)).to.equal(true);
  });
});
