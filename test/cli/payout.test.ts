// `goods-ledger payout FILE.csv`: the real binary against a local chain of its own. All or nothing by default;
// with --skip-failing every leg's outcome is reported and a bad leg no longer stops the payroll.
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { devAccounts } from "../../scripts/lib/keystore.js";
import { CliSandbox } from "./helpers.js";
import { jsonRunner } from "./json-run.js";

const dev = devAccounts();
const issuer = dev[4]!.address;
const [userA, userB] = [dev[7]!.address, dev[8]!.address];
const stranger = dev[9]!.address; // never registered

const sandbox = new CliSandbox();
const cli = (...args: string[]) => sandbox.run(args);
const { ok, fails, blockNumber } = jsonRunner(sandbox);

describe("goods-ledger payout (the real binary against its own local chain)", function () {
  this.timeout(120_000);
  let payroll: string;
  before(async function () {
    await sandbox.startChain();
    expect((await cli("deploy", "--json")).code).to.equal(0);
    const wallets = join(sandbox.dir, "wallets.csv");
    writeFileSync(wallets, `address,role,tier,region,institution,kyc_expiry\n${issuer},institution,3,1,1,2030-01-01\n${userA},individual,1,1,1,2030-01-01\n${userB},individual,1,1,1,2030-01-01\n`);
    await ok("wallet", "import", wallets);
    const doc = join(sandbox.dir, "receipt.txt");
    writeFileSync(doc, "warehouse receipt WR-9");
    await ok("lot", "attest", "WR-9", "--class", "MAIZE", "--quantity", "1000", "--unit", "BAG90KG", "--valuation", "100000", "--location", "NBO-1", "--document", doc, "--expires", "2030-01-01");
    await ok("issue", "WR-9", issuer, "10000");
    await ok("wallet", "freeze", userB, "--reason", "SANCTIONS_HIT");
    payroll = join(sandbox.dir, "payroll.csv");
    writeFileSync(payroll, `to,amount\n${userA},100\n${userB},50\n${stranger},1\n${userA},25.5\n`);
  });
  after(() => sandbox.dispose());

  it("without --skip-failing, one failing leg refuses the batch with its rule, and nothing is sent", async function () {
    const before = await blockNumber();
    const refused = await fails("payout", payroll, "--from", "issuer");
    expect(refused.error).to.deep.include({ code: "WalletRegistryWalletFrozen", message: `wallet ${userB} is frozen` });
    expect(await blockNumber()).to.equal(before);
    expect((await ok("balance", userA)).balance).to.equal("0");
  });

  it("with --skip-failing, pays the good legs and reports every leg, skipped ones with the rule's SDK error name", async function () {
    const report = await ok<{ paid: number; skipped: number; legs: Record<string, unknown>[] }>("payout", payroll, "--from", "issuer", "--skip-failing");
    expect(report).to.include({ paid: 2, skipped: 2 });
    expect(report.legs.map((leg) => [leg.index, leg.to, leg.amount, leg.status, leg.reason ?? null])).to.deep.equal([
      [0, userA, "100", "paid", null],
      [1, userB, "50", "skipped", "WalletFrozenError"],
      [2, stranger, "1", "skipped", "WalletNotRegisteredError"],
      [3, userA, "25.5", "paid", null],
    ]);
    expect((await ok("balance", userA)).balance).to.equal("125.5");
    expect((await ok("balance", userB)).balance).to.equal("0");
    const human = await cli("payout", payroll, "--from", "issuer", "--skip-failing");
    expect(human.code, human.stderr).to.equal(0);
    expect(human.stdout).to.match(new RegExp(`2\\s+${userB}\\s+50\\.00\\s+skipped: WalletFrozenError`));
    expect(human.stdout).to.include("paid 2 of 4 legs, skipped 2");
  });

  it("names a bad CSV line and field before anything is sent", async function () {
    const bad = join(sandbox.dir, "bad.csv");
    writeFileSync(bad, `to,amount\n${userA},10\n${userA},0\n`);
    const zero = await fails("payout", bad, "--from", "issuer", "--skip-failing");
    expect(zero.error).to.deep.include({ code: "invalid-input", message: `${bad} line 3, field amount: must be more than 0` });
    writeFileSync(bad, `to,amount\n0x1234,10\n`);
    expect((await fails("payout", bad, "--from", "issuer")).error.message).to.equal(`${bad} line 2, field to: "0x1234" is not a wallet address`);
  });
});
