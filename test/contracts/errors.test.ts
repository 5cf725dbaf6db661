import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";

const { ethers } = await network.create();

/**
 * Errors that OpenZeppelin bases declare but this code can never raise, so no test can trigger them. Each is
 * checked below to be absent from our own sources.
 */
const UNREACHABLE: Record<string, string> = {
  InvalidAccountNonce: "Nonces._useCheckedNonce is never called (permit uses _useNonce)",
  InvalidShortString: "ShortStrings: EIP712 only builds short strings through toShortStringWithFallback",
  StringTooLong: "ShortStrings: EIP712 keeps a long name or version in storage instead of reverting",
  SafeCastOverflowedUintDowncast: "AccessControlDefaultAdminRules casts block.timestamp to uint48, which overflows only after the year 8,900,000",
};

const testDir = join(import.meta.dirname, ".");
const contractsDir = join(import.meta.dirname, "..", "..", "contracts");

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => join(e.parentPath, e.name));
}

/** Every error name that some contract test expects a call to revert with. */
function expectedErrors(): Set<string> {
  const names = new Set<string>();
  for (const file of filesUnder(testDir, ".ts")) {
    if (file.endsWith("errors.test.ts")) continue;
    for (const m of readFileSync(file, "utf8").matchAll(/revertedWithCustomError\(\s*[^,]+,\s*"(\w+)"/g)) names.add(m[1]);
  }
  return names;
}

describe("custom errors", function () {
  for (const name of ["GoodsToken", "ReserveRegistry"]) {
    it(`every custom error in ${name}'s ABI is triggered by a test`, async function () {
      const factory = await ethers.getContractFactory(name);
      const errors: string[] = [];
      factory.interface.forEachError((e) => {
        errors.push(e.name);
      });
      expect(errors.length).to.be.greaterThan(10);
      const tested = expectedErrors();
      const missing = errors.filter((e) => !tested.has(e) && !(e in UNREACHABLE));
      expect(missing, `errors without a test that triggers them`).to.deep.equal([]);
    });
  }

  it("the unreachable list names only inherited OpenZeppelin errors, never one of ours", function () {
    const ours = filesUnder(contractsDir, ".sol").map((f) => readFileSync(f, "utf8")).join("\n");
    for (const name of Object.keys(UNREACHABLE)) expect(ours.includes(name), name).to.equal(false);
  });

  it("no require strings: the contracts revert with custom errors only", function () {
    for (const file of filesUnder(contractsDir, ".sol")) {
      const source = readFileSync(file, "utf8");
      expect(/require\([^;]*"/.test(source) || /revert\(\s*"/.test(source), file).to.equal(false);
    }
  });
});
