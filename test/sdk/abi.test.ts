import { expect } from "chai";
import { readFileSync } from "node:fs";
import { encodeErrorResult, type AbiParameter, type Hex } from "viem";
import { renderAbiModules } from "../../scripts/gen-abi.js";
import {
  contractErrors,
  ContractRevertError,
  ContractRevertedError,
  createLedgerClient,
  decodeContractError,
  goodsTokenAbi,
  ledgerErrorsAbi,
  reserveRegistryAbi,
  reserveFunctionActions,
  tokenFunctionActions,
  type LedgerContractErrorName,
} from "@goods-ledger/sdk";

/** A sample value for an ABI parameter, distinct per position so argument order is checked too. */
function sample(param: AbiParameter, i: number): unknown {
  if (param.type === "address") return `0x${String(i + 1).repeat(40)}`.slice(0, 42);
  if (param.type === "bool") return true;
  if (param.type === "string") return `text-${i}`;
  if (param.type.startsWith("bytes")) return `0x${String(i + 1).repeat(Number(param.type.slice(5)) * 2)}`;
  if (param.type.startsWith("uint")) return Number(param.type.slice(4)) <= 48 ? 3 * (i + 1) : BigInt(1_234_567 * (i + 1));
  throw new Error(`no sample for ${param.type}`);
}

describe("sdk ABI and error map", function () {
  it("the committed ABI modules match the compiled artifacts (run scripts/gen-abi.ts after a contract change)", function () {
    for (const module of renderAbiModules()) {
      expect(readFileSync(module.path, "utf8"), module.path).to.equal(module.content);
    }
  });

  it("has an error class for every custom error of both contracts, and nothing else", function () {
    const names = [...new Set(ledgerErrorsAbi.map((e) => e.name))].sort();
    expect(Object.keys(contractErrors).sort()).to.deep.equal(names);
  });

  for (const item of ledgerErrorsAbi) {
    it(`decodes ${item.name} into ${contractErrors[item.name as LedgerContractErrorName].name} with its arguments by name`, function () {
      const args = item.inputs.map((input, i) => sample(input as AbiParameter, i));
      const data = encodeErrorResult({ abi: [item], errorName: item.name, args } as never);
      const error = decodeContractError(data);
      expect(error).to.be.instanceOf(ContractRevertError);
      expect(error).to.be.instanceOf(contractErrors[item.name as LedgerContractErrorName]);
      const revert = error as ContractRevertError;
      expect(revert.errorName).to.equal(item.name);
      expect(revert.name).to.equal(contractErrors[item.name as LedgerContractErrorName].name);
      expect(revert.data).to.equal(data);
      const expected = Object.fromEntries(item.inputs.map((input, i) => [input.name, args[i]]));
      expect(JSON.stringify(revert.args, (_k, v) => (typeof v === "bigint" ? v.toString() : typeof v === "string" ? v.toLowerCase() : v))).to.equal(
        JSON.stringify(expected, (_k, v) => (typeof v === "bigint" ? v.toString() : typeof v === "string" ? v.toLowerCase() : v)),
      );
      expect(revert.shortMessage).to.be.a("string").with.length.greaterThan(10);
      expect(revert.shortMessage).to.not.match(/undefined|NaN|\[object/);
    });
  }

  it("decodes Error(string), panics, empty and unknown revert data into ContractRevertedError", function () {
    const reason = decodeContractError(encodeErrorResult({ abi: [{ type: "error", name: "Error", inputs: [{ type: "string", name: "message" }] }], errorName: "Error", args: ["nope"] }));
    expect(reason).to.be.instanceOf(ContractRevertedError);
    expect((reason as ContractRevertedError).reason).to.equal("nope");
    const panic = decodeContractError(encodeErrorResult({ abi: [{ type: "error", name: "Panic", inputs: [{ type: "uint256", name: "code" }] }], errorName: "Panic", args: [0x11n] }));
    expect((panic as ContractRevertedError).reason).to.equal("panic 0x11");
    const empty = decodeContractError("0x");
    expect(empty).to.be.instanceOf(ContractRevertedError);
    expect(empty.shortMessage).to.equal("the contract reverted without a reason");
    const unknown = decodeContractError("0xdeadbeef" as Hex);
    expect((unknown as ContractRevertedError).reason).to.equal("unknown error selector 0xdeadbeef");
  });

  it("reaches every contract function from an action (or says why not), and every named action exists", function () {
    const client = createLedgerClient({
      deployment: { chainId: 31337, contracts: { token: "0x5FbDB2315678afecb367f032d93F642f64180aa3", reserveRegistry: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" } },
      rpcUrl: "http://127.0.0.1:1",
    });
    for (const [abi, map] of [[goodsTokenAbi, tokenFunctionActions], [reserveRegistryAbi, reserveFunctionActions]] as const) {
      const functions = [...new Set(abi.filter((i) => i.type === "function").map((i) => i.name))].sort();
      expect(Object.keys(map).sort()).to.deep.equal(functions);
      for (const [fn, coverage] of Object.entries(map)) {
        if (typeof coverage === "string") expect(client, `${fn} → ${coverage}`).to.have.property(coverage).that.is.a("function");
        else expect(coverage.noAction, fn).to.be.a("string");
      }
    }
  });
});
