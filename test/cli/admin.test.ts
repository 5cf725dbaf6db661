// `goods-ledger role …`, `pause`, `unpause` (and `admin …` once the contracts have two-step admin transfer):
// the real binary against a local chain of its own. A command run by an account without the role it needs
// fails with one line naming the role, and sends nothing.
import { expect } from "chai";
import { devAccounts } from "../../scripts/lib/keystore.js";
import { roles } from "@goods-ledger/sdk";
import { CliSandbox } from "./helpers.js";
import { jsonRunner } from "./json-run.js";

const dev = devAccounts();
const [admin, pauser, registrar, compliance, issuer, custodian, auditor] = dev.map((k) => k.address);
const userA = dev[7]!.address;

const sandbox = new CliSandbox();
const cli = (...args: string[]) => sandbox.run(args);
const { ok, fails, rpc, blockNumber } = jsonRunner(sandbox);

type RoleRow = { contract: string; role: string; account: string };

describe("goods-ledger role, admin, pause and unpause (the real binary against its own local chain)", function () {
  this.timeout(120_000);
  before(async function () {
    await sandbox.startChain();
    const deployed = await cli("deploy", "--json");
    expect(deployed.code, deployed.stderr).to.equal(0);
  });
  after(() => sandbox.dispose());

  it("role list names every role holder of the deployment, on the contract that holds it", async function () {
    const { roles } = await ok<{ roles: RoleRow[] }>("role", "list");
    const rows = roles.map((r) => [r.contract, r.role, r.account]);
    expect(rows).to.deep.include.members([
      ["token", "DEFAULT_ADMIN_ROLE", admin],
      ["token", "PAUSER_ROLE", pauser],
      ["token", "REGISTRAR_ROLE", registrar],
      ["token", "COMPLIANCE_ROLE", compliance],
      ["token", "ISSUER_ROLE", issuer],
      ["reserveRegistry", "DEFAULT_ADMIN_ROLE", admin],
      ["reserveRegistry", "CUSTODIAN_ROLE", custodian],
      ["reserveRegistry", "AUDITOR_ROLE", auditor],
    ]);
    const human = await cli("role", "list", "--account", pauser);
    expect(human.code).to.equal(0);
    expect(human.stdout).to.match(new RegExp(`token\\s+PAUSER_ROLE\\s+${pauser}`));
    expect(human.stdout).to.not.include("ISSUER_ROLE");
  });

  it("role grant and revoke by the admin; list follows", async function () {
    const granted = await ok("role", "grant", "issuer", userA);
    expect(granted).to.include({ role: "ISSUER_ROLE", account: userA, contract: "token", action: "grant" });
    expect((await ok<{ roles: RoleRow[] }>("role", "list", "--account", userA)).roles).to.deep.equal([{ contract: "token", role: "ISSUER_ROLE", roleId: roles.ISSUER_ROLE, account: userA }]);
    const again = await fails("role", "grant", "ISSUER_ROLE", userA);
    expect(again.error).to.deep.equal({ code: "no-change", message: `${userA} already holds ISSUER_ROLE on the token: nothing was sent` });
    await ok("role", "revoke", "issuer", userA);
    expect((await ok<{ roles: RoleRow[] }>("role", "list", "--account", userA)).roles).to.deep.equal([]);
    const custodianGrant = await ok("role", "grant", "custodian", userA);
    expect(custodianGrant.contract).to.equal("reserveRegistry");
    await ok("role", "revoke", "custodian", userA);
  });

  it("a role command run by an account without the role fails with one line naming the role, and sends nothing", async function () {
    const before = await blockNumber();
    const grant = await fails("role", "grant", "issuer", userA, "--from", "dev:7");
    expect(grant.error).to.deep.include({ code: "missing-role", message: `${userA} does not hold DEFAULT_ADMIN_ROLE on the token, which \`role grant ISSUER_ROLE\` needs: nothing was sent` });
    expect(grant.error).to.deep.include({ role: "DEFAULT_ADMIN_ROLE", contract: "token", account: userA });
    const revoke = await fails("role", "revoke", "custodian", custodian, "--from", "dev:5");
    expect(revoke.error).to.deep.include({ code: "missing-role", message: `${custodian} does not hold DEFAULT_ADMIN_ROLE on the reserve registry, which \`role revoke CUSTODIAN_ROLE\` needs: nothing was sent` });
    const pause = await fails("pause", "--from", "dev:7");
    expect(pause.error).to.deep.include({ code: "missing-role", message: `${userA} does not hold PAUSER_ROLE on the token, which \`pause\` needs: nothing was sent` });
    const adminPause = await fails("unpause", "--from", "admin");
    expect(adminPause.error.message).to.equal(`${admin} does not hold PAUSER_ROLE on the token, which \`unpause\` needs: nothing was sent`);
    const adminRole = await fails("role", "grant", "admin", userA);
    expect(adminRole.error.code).to.equal("invalid-input");
    expect(adminRole.error.message).to.include("admin transfer");
    const badRole = await cli("role", "grant", "boss", userA);
    expect(badRole.code).to.equal(1);
    expect(badRole.stderr).to.include(`"boss" is not a role`);
    expect(await blockNumber()).to.equal(before);
  });

  it("pause and unpause by the pauser; each refuses the state it is already in, sending nothing", async function () {
    expect(await ok("pause")).to.include({ paused: true });
    const before = await blockNumber();
    expect((await fails("pause")).error).to.deep.equal({ code: "no-change", message: "the token is already paused: nothing was sent" });
    expect(await blockNumber()).to.equal(before);
    expect(await ok("unpause")).to.include({ paused: false });
    expect((await fails("unpause")).error).to.deep.equal({ code: "no-change", message: "the token is not paused: nothing was sent" });
  });

  it("admin show, transfer (admin only), accept (the pending admin, after the delay), cancel; each refusal is one line and sends nothing", async function () {
    const shown = await ok<{ contracts: { contract: string; admin: string; delay: string; pendingAdmin?: string }[] }>("admin", "show");
    expect(shown.contracts.map((c) => [c.contract, c.admin, String(c.delay), c.pendingAdmin ?? null])).to.deep.equal([
      ["token", admin, "172800", null],
      ["reserveRegistry", admin, "172800", null],
    ]);
    const before = await blockNumber();
    const notAdmin = await fails("admin", "transfer", userA, "--from", "dev:7");
    expect(notAdmin.error).to.deep.include({ code: "missing-role", message: `${userA} does not hold DEFAULT_ADMIN_ROLE on the token (the admin is ${admin}), which \`admin transfer\` needs: nothing was sent` });
    expect(await blockNumber()).to.equal(before);

    const begun = await ok<{ transfers: { contract: string; pendingAdmin: string; acceptableAt: string }[] }>("admin", "transfer", userA);
    expect(begun.transfers.map((t) => [t.contract, t.pendingAdmin])).to.deep.equal([["token", userA], ["reserveRegistry", userA]]);
    const afterBegin = await blockNumber();
    const wrong = await fails("admin", "accept", "--from", "dev:8");
    expect(wrong.error).to.deep.include({ code: "not-pending-admin", message: `${dev[8]!.address} is not the pending admin of the token (pending: ${userA}): nothing was sent` });
    const early = await fails("admin", "accept", "--from", "dev:7");
    expect(early.error).to.deep.include({ code: "admin-delay", message: `the admin transfer of the token can be accepted only after ${new Date(Number(begun.transfers[0]!.acceptableAt) * 1000).toISOString()} (the admin delay): nothing was sent` });
    expect(await blockNumber()).to.equal(afterBegin);

    await rpc("evm_increaseTime", [172_801]);
    await rpc("evm_mine", []);
    expect((await ok<{ accepted: { contract: string; admin: string }[] }>("admin", "accept", "--from", "dev:7", "--contract", "token")).accepted.map((a) => [a.contract, a.admin])).to.deep.equal([["token", userA]]);
    const after = await ok<{ contracts: { contract: string; admin: string; pendingAdmin?: string }[] }>("admin", "show");
    expect(after.contracts.map((c) => [c.contract, c.admin, c.pendingAdmin ?? null])).to.deep.equal([
      ["token", userA, null],
      ["reserveRegistry", admin, userA],
    ]);
    // The old admin lost the token's admin role: granting a token role now names the missing role.
    const lost = await fails("role", "grant", "issuer", userA);
    expect(lost.error).to.deep.include({ code: "missing-role", message: `${admin} does not hold DEFAULT_ADMIN_ROLE on the token, which \`role grant ISSUER_ROLE\` needs: nothing was sent` });
    // The old admin still runs the reserve registry, and withdraws its pending transfer.
    const canceled = await ok<{ canceled: { contract: string }[] }>("admin", "cancel", "--contract", "reserve");
    expect(canceled.canceled.map((c) => c.contract)).to.deep.equal(["reserveRegistry"]);
    expect((await fails("admin", "cancel", "--contract", "reserve")).error).to.deep.include({ code: "no-change", message: "no admin transfer is pending: nothing was sent" });
  });
});
