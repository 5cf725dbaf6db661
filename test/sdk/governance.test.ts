import { expect } from "chai";
import { network } from "hardhat";
import type { Address } from "viem";
import { getBlockNumber } from "viem/actions";
import { roles, type LedgerClient } from "../../src/sdk/index.js";
import { sdkLedgerLoader, type SdkLedger } from "./helpers.js";

const connection = await network.create();
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
});
