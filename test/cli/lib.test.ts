// Unit tests of the CLI's pure helpers: CSV reading, input validation, the wallets CSV, the checkpoint.
import { InvalidArgumentError } from "commander";
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Checkpoint } from "../../scripts/lib/checkpoint.js";
import { parseCsv } from "../../scripts/lib/csv.js";
import { CliContext } from "../../scripts/lib/context.js";
import { CliError, describeError } from "../../scripts/lib/errors.js";
import { RpcConnectionError } from "@goods-ledger/sdk";
import { Keystore, devAccounts } from "../../scripts/lib/keystore.js";
import { readWalletCsv } from "../../scripts/lib/wallet-csv.js";
import { keccak256, stringToHex } from "viem";
import {
  parseAddress,
  parseAmountArg,
  parseCode,
  parseLotId,
  parseDay,
  parseExistingFile,
  parseInteger,
  parseRpcUrl,
  parseUri,
} from "../../scripts/lib/validate.js";

const dir = mkdtempSync(join(tmpdir(), "goods-ledger-cli-lib-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The message a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(CliError);
    return (error as Error).message;
  }
  expect.fail("expected a rejection");
}

describe("cli helpers", function () {
  describe("parseCsv", function () {
    it("keeps line numbers across quoted newlines, blank lines and comments", function () {
      const { header, records } = parseCsv('\uFEFFA,b\r\n1,"x\ny"\n\n# note\n"q""uote",2\n', "f.csv");
      expect(header).to.deep.equal(["a", "b"]);
      expect(records).to.deep.equal([
        { line: 2, fields: { a: "1", b: "x\ny" } },
        { line: 6, fields: { a: 'q"uote', b: "2" } },
      ]);
    });
    it("names the line of a record with the wrong field count", function () {
      expect(() => parseCsv("a,b\n1,2\n3\n", "f.csv")).to.throw(CliError, "f.csv line 3: has 1 fields, the header has 2");
    });
    it("names the line of an unterminated quote", function () {
      expect(() => parseCsv('a\n"open\n', "f.csv")).to.throw(CliError, "f.csv line 2: a quoted field is never closed");
    });
  });

  describe("validators", function () {
    it("parseAddress accepts lowercase and checksummed, refuses a bad checksum, short hex and zero", function () {
      expect(parseAddress("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
      expect(() => parseAddress("0xF39fd6e51aad88F6F4ce6aB8827279cffFb92266")).to.throw("wrong EIP-55 checksum");
      expect(() => parseAddress("0x1234")).to.throw("is not an address");
      expect(() => parseAddress(`0x${"0".repeat(40)}`)).to.throw("zero address");
    });
    it("parseLotId takes a label (keccak256, as the SDK) or 32 bytes of hex", function () {
      expect(parseLotId("LOT-1")).to.equal(keccak256(stringToHex("LOT-1")));
      expect(parseLotId(`0x${"AB".repeat(32)}`)).to.equal(`0x${"ab".repeat(32)}`);
      expect(() => parseLotId("a label with spaces")).to.throw("printable ASCII characters without spaces");
      expect(() => parseLotId("0x12")).to.throw("is not a lot id");
    });
    it("parseCode and parseAmountArg refuse what the SDK would refuse", function () {
      expect(parseCode("reason code")("SANCTIONS_HIT")).to.equal("SANCTIONS_HIT");
      expect(() => parseCode("reason code")("x".repeat(32))).to.throw("longer than 31 bytes");
      expect(parseAmountArg("12.50")).to.equal("12.50");
      // Each refusal names its rule (issue 15: not just "throws").
      const refusals: [string, string][] = [
        ["-1", "amount -1 is negative: amounts must be more than 0"],
        ["1.2.3", 'amount "1.2.3" is not a decimal number: use digits with an optional "." (e.g. "12.50")'],
        ["0.0000001", "amount 0.0000001 has more than 6 decimal places, the token's precision"],
        ["abc", 'amount "abc" is not a decimal number: use digits with an optional "." (e.g. "12.50")'],
        ["0", "amount 0 is zero: amounts must be more than 0"],
      ];
      for (const [bad, message] of refusals) expect(() => parseAmountArg(bad), bad).to.throw(InvalidArgumentError, message);
    });
    it("parseInteger, parseDay, parseRpcUrl and parseExistingFile name what is wrong", function () {
      expect(parseInteger("tier", 0, 255)("3")).to.equal(3);
      expect(() => parseInteger("tier", 0, 255)("256")).to.throw("tier 256 is out of range (0–255)");
      expect(() => parseInteger("tier", 0, 255)("1.5")).to.throw("not a whole number");
      expect(parseDay("1970-01-02")).to.equal(1);
      expect(() => parseDay("2027-02-30")).to.throw("is not a date");
      expect(parseRpcUrl("http://127.0.0.1:8545")).to.equal("http://127.0.0.1:8545");
      expect(() => parseRpcUrl("localhost:8545")).to.throw("must be an http(s) or ws(s) URL");
      expect(() => parseRpcUrl("not a url")).to.throw("is not a URL");
      expect(parseUri("ipfs://bafy/receipt.pdf")).to.equal("ipfs://bafy/receipt.pdf");
      expect(() => parseUri("receipt.pdf")).to.throw("is not a URI");
      expect(() => parseExistingFile(join(dir, "nope.csv"))).to.throw("does not exist");
      expect(() => parseExistingFile(dir)).to.throw("is not a file");
    });
  });

  describe("readWalletCsv", function () {
    it("returns the good rows and names the line and field of every bad one", function () {
      const a = devAccounts();
      const file = join(dir, "wallets.csv");
      writeFileSync(
        file,
        [
          "address,role,tier,region,institution,kyc_expiry",
          `${a[1]!.address},individual,1,254,1,2030-01-01`,
          `${a[2]!.address},shopkeeper,1,254,1,2030-01-01`,
          `${a[1]!.address},agent,1,254,1,2030-01-01`,
          `${a[3]!.address},merchant,1,254,1,2001-01-01`,
          `0xnope,merchant,300,254,1,2030-01-01`,
        ].join("\n"),
      );
      const { rows, rejected } = readWalletCsv(file, parseDay("2026-11-21"));
      expect(rows).to.deep.equal([
        { line: 2, account: a[1]!.address, role: "individual", tier: 1, region: 254, institution: 1, kycExpiryDay: parseDay("2030-01-01") },
      ]);
      expect(rejected.map((r) => [r.line, r.field])).to.deep.equal([
        [3, "role"],
        [4, "address"],
        [5, "kyc_expiry"],
        [6, "address"],
        [6, "tier"],
      ]);
      expect(rejected[1]!.message).to.equal(`${a[1]!.address} is already on line 2`);
    });
    it("refuses a file that lacks a column", function () {
      const file = join(dir, "short.csv");
      writeFileSync(file, "address,role\n");
      expect(() => readWalletCsv(file, 0)).to.throw(CliError, "lacks column(s) tier, region, institution, kyc_expiry");
    });
  });

  describe("Checkpoint", function () {
    const key = { csvSha256: "ab", chainId: 31337, registry: devAccounts()[0]!.address };
    it("remembers confirmed batches across opens", function () {
      const path = join(dir, "cp.json");
      const first = Checkpoint.open(path, key);
      expect(first.resumed).to.equal(false);
      first.record({ lines: [2, 3], tx: "0x01", block: "5" });
      const second = Checkpoint.open(path, key);
      expect(second.resumed).to.equal(true);
      expect([...second.doneLines()]).to.deep.equal([2, 3]);
      expect(Checkpoint.open(path, key, true).doneLines().size).to.equal(0);
    });
    it("refuses a checkpoint of another file", function () {
      const path = join(dir, "cp2.json");
      Checkpoint.open(path, key).record({ lines: [2], tx: "0x01", block: "5" });
      expect(() => Checkpoint.open(path, { ...key, csvSha256: "cd" })).to.throw(CliError, "belongs to another import (its csvSha256 is ab");
    });
  });

  describe("describeError", function () {
    it("does not call a connection dropped during a send 'refused': it may have been received", function () {
      const cause = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) });
      const dropped = new RpcConnectionError({ method: "eth_sendRawTransaction", url: "http://127.0.0.1:8545", cause }, false);
      const described = describeError(dropped);
      expect(described.message).to.not.include("connection refused");
      expect(described.message).to.include("may have been received");
      const refused = new RpcConnectionError({ method: "eth_call", url: "http://127.0.0.1:8545", cause: new TypeError("fetch failed") });
      expect(describeError(refused).code).to.equal("rpc-unreachable");
    });
  });

  describe("CliContext.signer", function () {
    it("refuses a well-known dev key on any chain but 31337", async function () {
      const error = await new CliContext().signer("dev:0", 1).then(
        () => undefined,
        (e: unknown) => e as CliError,
      );
      expect(error?.code).to.equal("dev-key-refused");
      expect(error?.message).to.include("allowed only on the local chain (chain id 31337); this chain is 1");
      expect((await new CliContext().signer("dev:3", 31337)).account.address).to.equal(devAccounts()[3]!.address);
    });

    it("refuses a dev key imported into the keystore on any chain but 31337", async function () {
      const keys = join(dir, "keys-dev");
      await new Keystore(keys).add("imported-dev", devAccounts()[7]!.privateKey, "correct horse");
      const ctx = new CliContext();
      ctx.configure({ network: "localhost", keystore: keys });
      const saved = process.env.GOODS_LEDGER_PASSWORD;
      process.env.GOODS_LEDGER_PASSWORD = "correct horse";
      try {
        const error = await ctx.signer("imported-dev", 1).then(
          () => undefined,
          (e: unknown) => e as CliError,
        );
        expect(error?.code).to.equal("dev-key-refused");
        expect((await ctx.signer("imported-dev", 31337)).account.address).to.equal(devAccounts()[7]!.address);
      } finally {
        if (saved === undefined) delete process.env.GOODS_LEDGER_PASSWORD;
        else process.env.GOODS_LEDGER_PASSWORD = saved;
      }
    });
  });

  describe("Keystore", function () {
    it("encrypts a key, finds it by name and address, and refuses a wrong password and a duplicate", async function () {
      const keystore = new Keystore(join(dir, "keys"));
      const { address, privateKey } = devAccounts()[5]!;
      const entry = await keystore.add("ops", privateKey, "correct horse");
      expect(entry.address).to.equal(address);
      expect(keystore.find(address.toLowerCase())?.name).to.equal("ops");
      expect(await keystore.unlock(entry, "correct horse")).to.equal(privateKey);
      expect(await rejection(keystore.unlock(entry, "wrong"))).to.include("wrong password for key ops");
      expect(await rejection(keystore.add("ops2", privateKey, "x"))).to.include("keystore already has ops");
    });
  });
});
