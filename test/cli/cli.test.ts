// The real `goods-ledger` binary against a local chain it starts itself (`goods-ledger chain --port 0`): one
// chain and one deployment for the whole file, every command's happy path, an error per input kind, --json
// parsing, and a 1,000-wallet CSV import with a bad row.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildProgram, commandGroupModules, loadCommandGroups } from "../../scripts/cli.js";
import { CliContext } from "../../scripts/lib/context.js";
import { devAccounts } from "../../scripts/lib/keystore.js";
import { getAddress } from "viem";
import { decodeTlv, stripCrc, withCrc } from "@goods-ledger/sdk";
import { CliSandbox, bin, type CliRun } from "./helpers.js";
import { jsonRunner } from "./json-run.js";

const dev = devAccounts();
/** Plain users (accounts 7–9; 0–6 hold the roles). */
const [userA, userB, userC] = [dev[7]!.address, dev[8]!.address, dev[9]!.address];
const issuer = dev[4]!.address;
const PASSWORD = { GOODS_LEDGER_PASSWORD: "correct horse battery" };

const sandbox = new CliSandbox();
const cli = (...args: string[]) => sandbox.run(args);
/** Runs a command with --json, expects success, and returns the parsed document. */
async function ok<T = Record<string, any>>(...args: string[]): Promise<T> {
  const run = await cli(...args, "--json");
  expect(run.code, `goods-ledger ${args.join(" ")}\n${run.stderr}`).to.equal(0);
  const doc = run.json<T & { ok: boolean }>();
  expect(doc.ok).to.equal(true);
  return doc;
}
/** Runs a command with --json, expects a failure, and returns the run (stderr has the one-line error). */
async function fails(...args: string[]): Promise<CliRun & { error: { code: string; message: string } }> {
  const run = await cli(...args, "--json");
  expect(run.code, `expected goods-ledger ${args.join(" ")} to fail\n${run.stdout}`).to.not.equal(0);
  const doc = run.json<{ ok: boolean; error: { code: string; message: string } }>();
  expect(doc.ok).to.equal(false);
  return { ...run, error: doc.error };
}

describe("goods-ledger CLI (the real binary against its own local chain)", function () {
  this.timeout(120_000);
  let deployment: Record<string, any>;
  let deployRun: CliRun;

  before(async function () {
    await sandbox.startChain();
    deployRun = await cli("deploy", "--json");
    expect(deployRun.code, deployRun.stderr).to.equal(0);
    deployment = deployRun.json();
  });
  after(() => sandbox.dispose());

  describe("help", function () {
    it("each command group registers exactly the top-level commands it is listed with (a run loads only its group)", async function () {
      for (const group of commandGroupModules) {
        const program = buildProgram(new CliContext(), [await group.load()]);
        expect(program.commands.map((c) => c.name())).to.deep.equal(group.commands);
      }
      const only = await loadCommandGroups(["node", "goods-ledger", "--rpc-url", "http://127.0.0.1:1", "-n", "x", "balance", "0x1"]);
      expect(only).to.have.length(1);
      expect(buildProgram(new CliContext(), only).commands.map((c) => c.name())).to.deep.equal(["balance", "limits"]);
      expect(await loadCommandGroups(["node", "goods-ledger", "--help"])).to.have.length(commandGroupModules.length);
      expect(await loadCommandGroups(["node", "goods-ledger", "balanse"])).to.have.length(commandGroupModules.length);
    });
    it("lists every command group, and every command's help has examples", async function () {
      const program = buildProgram(new CliContext(), await loadCommandGroups());
      expect(program.commands.map((c) => c.name())).to.include.members([
        "chain", "deploy", "key", "wallet", "lot", "issue", "redeem", "transfer", "balance", "limits", "pay", "history",
      ]);
      const leaves = (c: typeof program, path: string[]): [string, typeof program][] =>
        c.commands.length === 0 ? [[path.join(" "), c]] : c.commands.flatMap((s) => leaves(s, [...path, s.name()]));
      const all = leaves(program, []);
      expect(all.length).to.be.greaterThan(25);
      for (const [name, command] of all) {
        let text = "";
        command.configureOutput({ writeOut: (s) => (text += s) });
        command.outputHelp();
        expect(text, name).to.include("Examples:").and.include("goods-ledger");
      }
    });
    it("goods-ledger --help exits 0 and shows the commands, with examples", async function () {
      const run = await cli("--help");
      expect(run.code).to.equal(0);
      expect(run.stdout).to.include("wallet").and.include("pay").and.include("--json");
      expect(run.stdout).to.match(/\nExamples:\n {2}\$ goods-ledger chain --data-dir \.data\/chain/);
    });
    it("every group's --help has examples: the first of each of its commands", async function () {
      const program = buildProgram(new CliContext(), await loadCommandGroups());
      const groups = program.commands.filter((c) => c.commands.length > 0);
      expect(groups.map((g) => g.name())).to.include.members(["key", "wallet", "lot", "limits", "pay"]);
      for (const group of groups) {
        const run = await cli(group.name(), "--help");
        expect(run.code, group.name()).to.equal(0);
        const block = run.stdout.slice(run.stdout.lastIndexOf("Examples:"));
        for (const sub of group.commands) expect(block, `${group.name()} ${sub.name()}`).to.include(`$ goods-ledger ${group.name()} ${sub.name()}`);
      }
    });
  });

  describe("deploy", function () {
    it("wrote deployments/<network>.json with chain id, addresses, start block and every role holder", function () {
      const file = JSON.parse(readFileSync(join(sandbox.env.GOODS_LEDGER_DEPLOYMENTS!, "localhost.json"), "utf8"));
      expect(file.chainId).to.equal(31337);
      expect(file.contracts.walletRegistry).to.equal(file.contracts.token);
      expect(file.startBlock).to.be.greaterThan(0);
      expect(file.decimals).to.equal(6);
      expect(file.roles).to.deep.equal({
        admin: dev[0]!.address, pauser: dev[1]!.address, registrar: dev[2]!.address, compliance: dev[3]!.address,
        issuer: dev[4]!.address, custodian: dev[5]!.address, auditor: dev[6]!.address,
      });
      expect(deployment.contracts).to.deep.equal(file.contracts);
      expect(deployment.tiers).to.match(/^set tiers 1, 2, 3/);
    });
    it("says on stderr that it signed with a well-known dev key, only allowed on chain 31337", function () {
      expect(deployRun.stderr).to.include("well-known dev key #0").and.include("only on the local chain (chain id 31337)");
    });
    it("a rerun resumes the same Ignition deployment instead of deploying twice", async function () {
      const again = await ok("deploy");
      expect(again.contracts).to.deep.equal(deployment.contracts);
      expect(again.tiers).to.equal("already configured");
    });
  });

  describe("keys", function () {
    it("key new, key import (from stdin) and key list; the keystore file holds no plain key", async function () {
      const created = await sandbox.run(["key", "new", "ops", "--json"], { env: PASSWORD });
      expect(created.code, created.stderr).to.equal(0);
      const imported = await sandbox.run(["key", "import", "user-c", "--json"], { env: PASSWORD, input: `${dev[9]!.privateKey}\n` });
      expect(imported.code, imported.stderr).to.equal(0);
      expect(imported.json<{ address: string }>().address).to.equal(userC);
      const list = await ok<{ keys: { name: string; address: string; file: string }[] }>("key", "list");
      expect(list.keys.map((k) => k.name)).to.deep.equal(["ops", "user-c"]);
      expect(readFileSync(list.keys[1]!.file, "utf8")).to.not.include(dev[9]!.privateKey.slice(2));
    });
    it("refuses a malformed private key and a key without a password", async function () {
      const bad = await sandbox.run(["key", "import", "x", "--json"], { env: PASSWORD, input: "0x1234\n" });
      expect(bad.code).to.equal(1);
      expect(bad.stderr).to.include("private key: expected 32 bytes of hex");
      const noPassword = await sandbox.run(["key", "new", "y", "--json"], { env: { GOODS_LEDGER_PASSWORD: "" } });
      expect(noPassword.code).to.equal(1);
      expect(noPassword.stderr).to.equal("error: the password must have at least 8 characters; nothing was written\n");
      expect(noPassword.json<{ error: { message: string } }>().error.message).to.equal("the password must have at least 8 characters; nothing was written");
      expect((await ok<{ keys: { name: string }[] }>("key", "list")).keys.map((k) => k.name)).to.not.include("y");
    });
  });

  describe("wallets, lots, issue, transfer", function () {
    it("wallet register and wallet show (three more wallets through a small import)", async function () {
      const registered = await ok("wallet", "register", userA, "--role", "individual", "--tier", "1", "--region", "11", "--institution", "1", "--kyc-expiry", "2030-01-01");
      expect(registered).to.include({ account: userA, role: "individual", kycExpiry: "2030-01-01" });
      expect(registered.tx).to.match(/^0x[0-9a-f]{64}$/);
      const shown = await ok("wallet", "show", userA);
      expect(shown.wallet).to.include({ status: "active", role: "individual", tier: 1, region: 11, institution: 1, kycExpiry: "2030-01-01" });
      const csv = join(sandbox.dir, "first.csv");
      writeFileSync(csv, `address,role,tier,region,institution,kyc_expiry\n${issuer},institution,3,11,1,2030-01-01\n${userB},merchant,3,11,2,2030-01-01\n${userC},individual,2,11,2,2030-01-01\n`);
      expect(await ok("wallet", "import", csv)).to.include({ registered: 3, rows: 3 });
    });
    it("lot attest (document hashed), lot show", async function () {
      const doc = join(sandbox.dir, "receipt.txt");
      writeFileSync(doc, "warehouse receipt WR-1");
      const attested = await ok("lot", "attest", "WR-1", "--class", "COFFEE", "--quantity", "1200", "--unit", "BAG60KG", "--valuation", "100000", "--location", "NBO-WH-07", "--document", doc, "--uri", "ipfs://wr-1", "--expires", "2030-01-01");
      expect(attested.attestationHash).to.match(/^0x[0-9a-f]{64}$/);
      const unknown = await fails("lot", "show", "WR-404");
      expect(unknown.error.code).to.equal("unknown-lot");
      expect(unknown.stderr).to.match(/^error: lot 0x[0-9a-f]{64} does not exist \(never attested\)\n$/);
      const shown = await ok("lot", "show", "WR-1");
      expect(shown.lot).to.include({ status: "active", classCode: "COFFEE", unit: "BAG60KG", location: "NBO-WH-07", valuation: "100000", issued: "0", availableToIssue: "99999.9996" });
      // DESIGN.md §3: a lot counts whole goods units at its unit value, rounded down: 1,200 bags at
      // ⌊100000.000000 / 1200⌋ = 83.333333 tokens each back 99,999.9996 tokens, never more than the goods.
    });
    it("issue, transfer (with a reference), balance, limits", async function () {
      const issued = await ok("issue", "WR-1", issuer, "5000", "--ref", "FLOAT-1");
      expect(issued.amount).to.equal("5000");
      await ok("transfer", userA, "300", "--from", "issuer");
      const sent = await ok("transfer", userB, "12.50", "--from", "dev:7", "--ref", "INV-7");
      expect(sent).to.include({ from: userA, to: userB, amount: "12.50", reference: "INV-7" });
      expect((await ok("balance", userA)).balance).to.equal("287.5");
      const today = await ok("limits", userA);
      expect(today).to.include({ tier: 1, spentToday: "12.5", balance: "287.5" });
      const tiers = await ok<{ tiers: { tier: number; configured: boolean }[] }>("limits");
      expect(tiers.tiers.map((t) => t.tier)).to.deep.equal([1, 2, 3]);
    });
    it("signs with an encrypted keystore key, unlocked by GOODS_LEDGER_PASSWORD", async function () {
      const run = await sandbox.run(["transfer", userA, "1", "--from", "user-c", "--json"], { env: PASSWORD });
      expect(run.code, run.stderr).to.equal(1); // user-c holds nothing yet: the pre-check names the rule
      expect(run.json<{ error: { code: string } }>().error.code).to.equal("ERC20InsufficientBalance");
      await ok("transfer", userC, "20", "--from", "issuer");
      const paid = await sandbox.run(["transfer", userA, "1", "--from", "user-c", "--json"], { env: PASSWORD });
      expect(paid.code, paid.stderr).to.equal(0);
      expect(paid.stderr).to.not.include("dev key");
      const wrong = await sandbox.run(["transfer", userA, "1", "--from", "user-c", "--json"], { env: { GOODS_LEDGER_PASSWORD: "nope" } });
      expect(wrong.json<{ error: { code: string } }>().error.code).to.equal("wrong-password");
    });
    it("limits set, wallet tier, wallet freeze and unfreeze", async function () {
      const set = await ok("limits", "set", "4", "--max-balance", "100", "--max-transfer", "10", "--daily-outflow", "unlimited");
      expect(set).to.include({ tier: 4, maxBalance: "100", dailyOutflow: null });
      expect((await ok("wallet", "tier", userC, "4", "--reason", "KYC_DOWNGRADE")).previousTier).to.equal(2);
      expect((await ok("wallet", "show", userC)).wallet.tier).to.equal(4);
      await ok("wallet", "freeze", userC, "--reason", "SANCTIONS_HIT");
      expect((await ok("wallet", "show", userC)).wallet.status).to.equal("frozen");
      const blocked = await fails("transfer", userC, "1", "--from", "dev:7");
      expect(blocked.error.code).to.equal("WalletRegistryWalletFrozen");
      expect(blocked.stderr).to.match(/^error: transfer blocked: .*frozen.*nothing was sent$/m);
      await ok("wallet", "unfreeze", userC, "--reason", "CLEARED");
      expect((await ok("wallet", "show", userC)).wallet.status).to.equal("active");
    });
    it("names the rule of a transfer over a limit, and sends nothing", async function () {
      const before = (await ok("balance", userA)).balance;
      const blocked = await fails("transfer", userB, "60000", "--from", "dev:7");
      expect(blocked.error.code).to.equal("WalletRegistryTransferLimitExceeded");
      expect(blocked.stderr).to.include("single-transfer limit of tier 1 exceeded");
      expect((await ok("balance", userA)).balance).to.equal(before);
    });
  });

  describe("pay (QR) and history", function () {
    it("pay request (PNG), pay sign by the payer, pay submit by the merchant; a second submit is refused", async function () {
      const png = join(sandbox.dir, "qr.png");
      const request = await ok("pay", "request", "7.25", "--merchant", userB, "--name", "Mama Njeri Shop", "--png", png);
      expect(request.payload).to.match(/^000201/);
      expect(request.reference).to.match(/^0x[0-9a-f]{64}$/);
      expect(readFileSync(png).subarray(1, 4).toString()).to.equal("PNG");
      // Piped (as here), the QR code's block art never reaches stdout; on a terminal (a pty, via script(1)) it does.
      const piped = await cli("pay", "request", "1", "--merchant", userB);
      expect(piped.code, piped.stderr).to.equal(0);
      expect(piped.stdout).to.include("single use").and.not.match(/[▄▀█]/);
      expect(piped.stdout.trim().split("\n").at(-1)).to.match(/^000201/);
      const command = [process.execPath, bin, "pay", "request", "1", "--merchant", userB].map((w) => `'${w}'`).join(" ");
      const tty = spawnSync("script", ["-qec", command, "/dev/null"], { env: { ...process.env, ...sandbox.env }, encoding: "utf8" });
      expect(tty.status, tty.stdout).to.equal(0);
      expect(tty.stdout).to.match(/[▄▀█]/).and.include("single use");

      const auth = join(sandbox.dir, "payment.json");
      const signed = await ok("pay", "sign", request.payload, "--from", "dev:7", "--out", auth);
      expect(signed.authorization).to.include({ from: userA, to: userB, value: "7250000", requestId: request.requestId, reference: request.reference });
      expect(signed.amount).to.equal("7.25");
      expect(signed.merchant).to.include({ address: userB, name: "Mama Njeri Shop", role: "merchant", status: "active" });
      const shown = await cli("pay", "sign", (await ok("pay", "request", "3", "--merchant", userB, "--name", "Mama Njeri Shop")).payload, "--from", "dev:7");
      expect(shown.code, shown.stderr).to.equal(0);
      expect(shown.stdout).to.include(`you pay 3.00`).and.include(`to "Mama Njeri Shop"`).and.include(`registered as merchant ${userB}`);
      const paid = await ok("pay", "submit", auth);
      expect(paid).to.include({ from: userA, to: userB, amount: "7.25", reference: request.reference });
      const again = await fails("pay", "submit", auth);
      expect(again.error.code).to.equal("GoodsTokenAuthorizationUsed");
    });
    it("pay refuses bad input with one line and sends nothing: a non-merchant payee, an edited amount, a paid request, a 0-value authorization", async function () {
      const { blockNumber } = jsonRunner(sandbox);
      const blockBefore = await blockNumber();
      // The error is one line on stderr (dev-key notes aside), and the same message is in the --json document.
      const oneLine = (run: CliRun & { error: { message: string } }) =>
        expect(run.stderr.split("\n").filter((line) => line.startsWith("error:")), run.stderr).to.deep.equal([`error: ${run.error.message}`]);

      const individual = await fails("pay", "request", "5", "--merchant", userA);
      expect(individual.error).to.deep.include({ code: "not-a-merchant", message: `--merchant ${userA} is registered as individual, not as a merchant: only a merchant wallet can request payments` });
      oneLine(individual);
      const nobody = "0x00000000000000000000000000000000deadbeef";
      const stranger = await fails("pay", "request", "5", "--merchant", nobody);
      expect(stranger.error).to.deep.include({ code: "not-a-merchant", message: `--merchant ${getAddress(nobody)} is not a registered wallet: only a merchant wallet can request payments` });

      // An edited amount (CRC recomputed): only the reference binding can tell.
      const { payload, reference } = await ok("pay", "request", "2.50", "--merchant", userB);
      const tlv = (f: { tag: string; value: string }) => `${f.tag}${String(f.value.length).padStart(2, "0")}${f.value}`;
      const edited = withCrc(decodeTlv(stripCrc(payload)).map((f) => (f.tag === "54" ? tlv({ tag: "54", value: "250.00" }) : tlv(f))).join(""));
      const tampered = await fails("pay", "sign", edited, "--from", "dev:7");
      expect(tampered.error.code).to.equal("PaymentRequestTamperedError");
      expect(tampered.error.message).to.equal(`payment request was altered: its amount (250.00) or payee (${userB}) is not what its reference ${reference} commits to; do not pay it`);
      oneLine(tampered);

      // The first test's request is paid: signing it again exits non-zero.
      const paidPayload = (await ok("pay", "request", "1.25", "--merchant", userB)).payload;
      const file = join(sandbox.dir, "paid.json");
      await ok("pay", "sign", paidPayload, "--from", "dev:7", "--out", file);
      await ok("pay", "submit", file);
      const blockPaid = await blockNumber();
      const paid = await fails("pay", "sign", paidPayload, "--from", "dev:9");
      expect(paid.error.code).to.equal("already-paid");
      expect(paid.error.message).to.match(new RegExp(`^payment request 0x[0-9a-f]{64} to ${userB} is already paid: nothing was signed$`));
      oneLine(paid);

      // A hand-made 0-value authorization is refused before anything is sent.
      const zero = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
      writeFileSync(file, JSON.stringify({ ...zero, value: "0" }));
      const zeroRun = await fails("pay", "submit", file);
      expect(zeroRun.error).to.deep.include({ code: "invalid-input", message: "<authorization>: a payment of 0 is refused: the amount must be more than 0" });
      oneLine(zeroRun);
      expect(await blockNumber()).to.equal(blockPaid);
      expect(blockPaid - blockBefore).to.equal(1n); // only the one good payment was mined
    });
    it("history labels issues, payments with references, and QR payments", async function () {
      const merchant = await ok<{ entries: { kind: string; direction: string; amount: string }[] }>("history", userB);
      expect(merchant.entries.map((e) => [e.kind, e.direction, e.amount])).to.deep.equal([
        ["payment", "in", "12.5"],
        ["qr-payment", "in", "7.25"],
        ["qr-payment", "in", "1.25"],
      ]);
      const treasury = await ok<{ entries: { kind: string }[] }>("history", issuer, "--limit", "1");
      expect(treasury.entries).to.have.length(1);
    });
  });

  describe("redeem, lot dispute and release, wallet close and recover", function () {
    it("redeem burns from the issuer's wallet and names the goods release", async function () {
      const redeemed = await ok("redeem", "WR-1", "100", "--ref", "DELIVERY-1");
      expect(redeemed.releaseId).to.equal("1");
      expect((await ok("lot", "show", "WR-1")).lot).to.include({ issued: "5000", redeemed: "100" });
    });
    it("lot dispute blocks issuance (the rule is named), lot resolve lifts it", async function () {
      await ok("lot", "dispute", "WR-1", "--reason", "STOCK_COUNT");
      const refused = await fails("issue", "WR-1", issuer, "1");
      expect(refused.error.code).to.equal("ReserveRegistryLotDisputed");
      await ok("lot", "resolve", "WR-1", "--reason", "RECOUNT_OK");
    });
    it("lot release of a lot with nothing outstanding", async function () {
      await ok("lot", "attest", "WR-2", "--class", "MAIZE", "--quantity", "5000", "--unit", "kg", "--valuation", "1000", "--location", "MSA", "--hash", `0x${"ab".repeat(32)}`, "--expires", "2030-01-01");
      expect((await ok("lot", "release", "WR-2", "--reason", "GOODS_DELIVERED")).action).to.equal("release");
      expect((await ok("lot", "show", "WR-2")).lot.status).to.equal("released");
    });
    it("wallet recover moves balance and record to a new address; wallet close needs a zero balance", async function () {
      const replacement = "0x000000000000000000000000000000000000dEaD";
      const recovered = await ok("wallet", "recover", userC, replacement, "--reason", "LOST_PHONE", "--legal-ref", "AFFIDAVIT-1");
      expect(recovered.replacement).to.equal(replacement);
      expect((await ok("wallet", "show", userC)).wallet.status).to.equal("closed");
      expect((await ok("balance", replacement)).balance).to.equal("19");
      const closeRefused = await fails("wallet", "close", replacement, "--reason", "CUSTOMER_REQUEST");
      expect(closeRefused.error.code).to.equal("WalletRegistryBalanceNotZero");
      await ok("wallet", "register", dev[6]!.address, "--role", "individual", "--tier", "1", "--region", "1", "--institution", "1", "--kyc-expiry", "2030-01-01");
      expect((await ok("wallet", "close", dev[6]!.address, "--reason", "CUSTOMER_REQUEST")).action).to.equal("close");
    });
  });

  describe("bad input: one clear line naming what is wrong, a non-zero exit, nothing sent", function () {
    const cases: [string, string[], RegExp][] = [
      ["address", ["balance", "0x1234"], /argument 'address'.*"0x1234" is not an address/],
      ["address checksum", ["balance", "0xA0Ee7A142d267C1f36714E4a8F75612F20a79720"], /wrong EIP-55 checksum/],
      ["amount", ["transfer", userB, "1.2.3", "--from", "dev:7"], /argument 'amount'.*1\.2\.3/],
      ["negative amount", ["transfer", userB, "-5", "--from", "dev:7"], /^error: command-argument value '-5' is invalid for argument 'amount'\. amount -5 is negative: amounts must be more than 0$/],
      ["too many decimals", ["issue", "WR-1", userA, "0.0000001"], /more than 6 decimal places/],
      ["zero amount", ["issue", "WR-1", userA, "0"], /^error: command-argument value '0' is invalid for argument 'amount'\. amount 0 is zero: amounts must be more than 0$/],
      ["zero transfer", ["transfer", userB, "0", "--from", "dev:7"], /argument 'amount'\. amount 0 is zero: amounts must be more than 0$/],
      ["lot id", ["lot", "show", "0x12"], /argument 'lot'.*is not a lot id/],
      ["lot label", ["lot", "show", "has space"], /printable ASCII characters without spaces/],
      ["file", ["wallet", "import", "/nonexistent/wallets.csv"], /file "\/nonexistent\/wallets.csv" does not exist/],
      ["URL", ["--rpc-url", "localhost:8545", "balance", userA], /must be an http\(s\) or ws\(s\) URL/],
      ["date", ["wallet", "register", userA, "--role", "agent", "--tier", "1", "--region", "1", "--institution", "1", "--kyc-expiry", "2030-02-30"], /is not a date/],
      ["role", ["wallet", "register", userA, "--role", "boss", "--tier", "1", "--region", "1", "--institution", "1", "--kyc-expiry", "2030-01-01"], /role "boss" is not one of/],
      ["reason code", ["wallet", "freeze", userA, "--reason", "X".repeat(40)], /longer than 31 bytes/],
      ["unknown key", ["transfer", userB, "1", "--from", "nobody"], /no key named "nobody"/],
    ];
    for (const [kind, args, message] of cases) {
      it(`${kind}: ${args.join(" ")}`, async function () {
        const run = await fails(...args);
        const lines = run.stderr.trim().split("\n").filter((l) => l.startsWith("error:"));
        expect(lines, run.stderr).to.have.length(1);
        expect(lines[0]).to.match(message);
        expect(run.stderr, "the rule is more than 0, never 'zero or more'").to.not.include("zero or more");
        expect(run.error.code).to.equal(kind === "unknown key" ? "no-key" : "invalid-input");
        expect(run.stderr).to.not.include("sent 0x");
      });
    }
    it("an unreachable RPC URL is named", async function () {
      const run = await fails("--rpc-url", "http://127.0.0.1:1", "balance", userA);
      expect(run.error.code).to.equal("rpc-unreachable");
      expect(run.stderr).to.include("http://127.0.0.1:1");
    });
    it("a missing deployment file says to deploy first", async function () {
      const run = await fails("--network", "nowhere", "balance", userA);
      expect(run.error.message).to.include('no deployment for network "nowhere"').and.include("goods-ledger deploy");
    });
  });

  describe("wallet import", function () {
    const csv = join(sandbox.dir, "wallets.csv");
    const wallets = Array.from({ length: 1000 }, (_, i) => `0x${(0x1000 + i).toString(16).padStart(40, "0")}`);
    const line = (i: number, address = wallets[i]) => `${address},individual,${1 + (i % 2)},${i % 7},${1 + (i % 3)},2030-01-01`;
    before(function () {
      const rows = wallets.map((_, i) => (i === 499 ? line(i).replace(",individual,", ",wizard,") : line(i)));
      writeFileSync(csv, ["address,role,tier,region,institution,kyc_expiry", ...rows].join("\n"));
    });

    it("1,000 rows with a bad one: names its line and field, and by default sends nothing", async function () {
      const run = await fails("wallet", "import", csv);
      expect(run.stderr).to.include(`${csv} line 501, field role: role "wizard" is not one of`);
      expect(run.error.message).to.include("1 bad row").and.include("nothing was sent");
      const unknown = await fails("wallet", "show", wallets[0]!);
      expect(unknown.error).to.include({ code: "unknown-wallet", message: `${wallets[0]} is not a registered wallet` });
      expect(unknown.stderr).to.equal(`error: ${wallets[0]} is not a registered wallet\n`);
      expect(existsSync(`${csv}.checkpoint.json`)).to.equal(false);
    });
    it("--skip-invalid registers the 999 good rows in batches with progress, and exits 2", async function () {
      const run = await sandbox.run(["wallet", "import", csv, "--skip-invalid", "--batch-size", "250", "--json"], { env: { GOODS_LEDGER_PROGRESS_SECONDS: "3600" } });
      expect(run.code, run.stderr).to.equal(2);
      const result = run.json<{ registered: number; rows: number; rejected: { line: number; field: string }[]; batches: unknown[] }>();
      expect(result).to.include({ registered: 999, rows: 1000 });
      expect(result.rejected).to.deep.equal([{ line: 501, field: "role", message: 'role "wizard" is not one of: individual, agent, merchant, institution' }]);
      expect(result.batches).to.have.length(4);
      expect(run.stderr).to.match(/\[#+\] 999\/999 wallets 100%/);
      // stderr is a pipe: not a line per batch (4), but the first and the last (a line per interval between).
      const progress = run.stderr.split("\n").filter((l) => / wallets \d+%/.test(l));
      expect(progress.map((l) => /(\d+)\/999/.exec(l)![1])).to.deep.equal(["250", "999"]);
      const last = await ok("wallet", "show", wallets[999]!);
      expect(last.wallet).to.include({ status: "active", tier: 2, region: 999 % 7, institution: 1 + (999 % 3) });
      expect((await fails("wallet", "show", wallets[499]!)).error.code).to.equal("unknown-wallet");
    });
    it("a rerun resumes from the checkpoint; without it, wallets already on chain with the same record count as done", async function () {
      const rerun = await cli("wallet", "import", csv, "--skip-invalid", "--json");
      expect(rerun.code, "the bad row is still rejected").to.equal(2);
      expect(rerun.stderr).to.include(`resuming from ${csv}.checkpoint.json: 4 of 4 checkpointed batches are on chain; every row is checked on chain`);
      expect(rerun.json()).to.include({ registered: 0, alreadyDone: 999, onChain: 999 });
      const fixed = join(sandbox.dir, "wallets-fixed.csv");
      writeFileSync(fixed, readFileSync(csv, "utf8").replace(",wizard,", ",individual,"));
      const completed = await ok("wallet", "import", fixed);
      expect(completed).to.include({ registered: 1, alreadyDone: 999, onChain: 1000 });
      expect((await ok("wallet", "show", wallets[499]!)).wallet.status).to.equal("active");
    });
    it("a batch the chain refuses names its lines and the rule (here: the signer is not a registrar)", async function () {
      const small = join(sandbox.dir, "small.csv");
      writeFileSync(small, `address,role,tier,region,institution,kyc_expiry\n${line(0, "0x00000000000000000000000000000000000a11ce")}\n`);
      const run = await fails("wallet", "import", small, "--from", "dev:7");
      expect(run.error.code).to.equal("AccessControlUnauthorizedAccount");
      expect(run.error.message).to.match(/^batch of lines 2 failed: .*REGISTRAR_ROLE.*rerun the same command to resume$/);
    });
    it("--skip-invalid lists every bad row, rows with the wrong number of fields included", async function () {
      const mixed = join(sandbox.dir, "mixed.csv");
      writeFileSync(mixed, [
        "address,role,tier,region,institution,kyc_expiry",
        line(0, "0x00000000000000000000000000000000000b0b01"),
        "0x00000000000000000000000000000000000b0b02,individual,1,1",
        line(1, "0x00000000000000000000000000000000000b0b03").replace(",individual,", ",wizard,"),
        "0x00000000000000000000000000000000000b0b04,individual,1,1,1,2030-01-01,extra",
        line(2, "0x00000000000000000000000000000000000b0b05"),
      ].join("\n"));
      const refused = await fails("wallet", "import", mixed);
      expect(refused.error.message).to.include("3 bad rows").and.include("nothing was sent");
      const run = await cli("wallet", "import", mixed, "--skip-invalid", "--json");
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr).to.include(`${mixed} line 3, field (row): has 4 fields, the header has 6`);
      expect(run.stderr).to.include(`${mixed} line 4, field role: role "wizard" is not one of`);
      expect(run.stderr).to.include(`${mixed} line 5, field (row): has 7 fields, the header has 6`);
      const result = run.json<{ registered: number; onChain: number; rejected: { line: number; field: string }[] }>();
      expect(result.rejected.map((r) => [r.line, r.field])).to.deep.equal([[3, "(row)"], [4, "role"], [5, "(row)"]]);
      expect(result).to.include({ registered: 2, onChain: 2 });
    });
    it("a row for a wallet registered with another record is named", async function () {
      const other = join(sandbox.dir, "other.csv");
      writeFileSync(other, `address,role,tier,region,institution,kyc_expiry\n${userA},agent,1,1,1,2030-01-01\n`);
      const run = await fails("wallet", "import", other);
      expect(run.stderr).to.include(`${other} line 2, field address: ${userA} is already registered (active, individual, tier 1)`);
    });
  });
});
