// What keeps the CLI's start-up short (issue 10, "a CLI as fast as cast"), checked without timing anything:
// the constants written out instead of hashed at start-up are right, `balance` loads none of the heavy modules
// (the build's esbuild metafile), and Node's compile cache lives where the docs say and never blocks a run.
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { keccak256, stringToHex, toEventSelector, toFunctionSelector, toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { DEV_ACCOUNT_COUNT, DEV_MNEMONIC, devAccounts } from "../../scripts/lib/keystore.js";
import { encodeTransferCall } from "../../src/sdk/internal/calldata.js";
import { roles } from "@goods-ledger/sdk";
import { CliSandbox } from "./helpers.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("cli: start-up", function () {
  this.timeout(180_000);

  describe("constants written out instead of computed at every start", function () {
    it("role ids are keccak256 of their names (zero for the admin role)", function () {
      for (const [name, id] of Object.entries(roles)) {
        expect(id, name).to.equal(name === "DEFAULT_ADMIN_ROLE" ? `0x${"0".repeat(64)}` : keccak256(stringToHex(name)));
      }
      expect(Object.keys(roles)).to.have.length(8);
    });

    it("the transfer selectors and the Transfer topic are the hashes of their signatures", function () {
      const to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
      expect(encodeTransferCall(to, 1n, undefined, "t").slice(0, 10)).to.equal(toFunctionSelector("transfer(address,uint256)"));
      expect(encodeTransferCall(to, 1n, `0x${"ab".repeat(32)}`, "t").slice(0, 10)).to.equal(
        toFunctionSelector("transferWithReference(address,uint256,bytes32)"),
      );
      const source = readFileSync(join(root, "src/sdk/actions/sendTransfers.ts"), "utf8");
      expect(source).to.include(`const TRANSFER_TOPIC = "${toEventSelector("Transfer(address,address,uint256)")}"`);
    });

    it("the dev accounts are the mnemonic's first ten (m/44'/60'/0'/0/i)", function () {
      const derived = Array.from({ length: DEV_ACCOUNT_COUNT }, (_, i) => {
        const account = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i });
        return { address: account.address, privateKey: toHex(account.getHdKey().privateKey!) };
      });
      expect(devAccounts()).to.deep.equal(derived);
    });
  });

  describe("what `balance` loads (esbuild metafile of the build)", function () {
    let loaded: string[];
    let bytes: number;
    before(async function () {
      const { build, buildState } = (await import(join(root, "bin/build.js"))) as { build: () => Promise<number>; buildState: () => string };
      if (buildState() !== "current") await build();
      const meta = JSON.parse(readFileSync(join(root, "dist/cli/esbuild-meta.json"), "utf8")) as {
        outputs: Record<string, { entryPoint?: string; bytes: number; imports: { path: string; kind: string }[]; inputs: Record<string, unknown> }>;
      };
      const outputs = Object.entries(meta.outputs);
      const entry = outputs.find(([, o]) => o.entryPoint === "scripts/cli.ts")!;
      const group = outputs.find(([, o]) => o.entryPoint === "scripts/commands/balance.ts")!;
      expect(entry, "the CLI's entry").to.not.equal(undefined);
      expect(group, "the balance group's chunk").to.not.equal(undefined);
      // Static imports only: what Node loads before the command runs.
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const i of meta.outputs[file]?.imports ?? []) if (i.kind === "import-statement" && meta.outputs[i.path]) visit(i.path);
      };
      visit(entry[0]);
      visit(group[0]);
      loaded = [...seen].flatMap((f) => Object.keys(meta.outputs[f]!.inputs));
      bytes = [...seen].reduce((sum, f) => sum + meta.outputs[f]!.bytes, 0);
    });

    it("none of the SDK's decorator, viem's signing, ENS or account code, the indexer or another command group", function () {
      const heavy = [
        /src\/sdk\/decorator\.ts/,
        /src\/sdk\/pipeline\.ts/,
        /viem\/_esm\/actions\/(ens|siwe)\//,
        /viem\/_esm\/actions\/wallet\/(sign|sendCalls|deployContract|addChain)/,
        /viem\/_esm\/actions\/public\/simulate/,
        /viem\/_esm\/accounts\/(privateKeyToAccount|mnemonicToAccount|hdKeyToAccount|utils\/sign)/,
        /@noble\/curves\/esm\/(secp256k1|_shortw_utils|abstract\/weierstrass)/,
        /@scure\/bip/,
        /src\/(indexer|trace|server)\//,
        /scripts\/commands\/(?!balance\.ts)/,
        /scripts\/lib\/(wallet-import|deploy|local-chain|keystore-crypto)/,
      ];
      for (const pattern of heavy) expect(loaded.filter((f) => pattern.test(f)), String(pattern)).to.deep.equal([]);
      expect(loaded).to.include("scripts/lib/rpc-transport.ts");
      expect(loaded).to.include("src/sdk/actions/getBalance.ts");
      console.log(`      balance loads ${loaded.length} modules, ${Math.round(bytes / 1024)} KiB of JavaScript`);
    });
  });

  describe("the precompiled build", function () {
    it("is current after a build, names a source that changed, and the next run rebuilds before it runs", async function () {
      const { build, buildState } = (await import(join(root, "bin/build.js"))) as { build: () => Promise<number>; buildState: () => string };
      if (buildState() !== "current") await build();
      expect(buildState()).to.equal("current");
      const source = join(root, "scripts/commands/balance.ts");
      const { atime, mtime } = statSync(source);
      utimesSync(source, atime, new Date(mtime.getTime() + 5_000));
      try {
        expect(buildState()).to.equal("scripts/commands/balance.ts changed");
        const sandbox = new CliSandbox();
        try {
          const run = await sandbox.run(["key", "list", "--json"]);
          expect(run.code, run.stderr).to.equal(0);
          expect(buildState(), "the run rebuilt first").to.equal("current");
        } finally {
          await sandbox.dispose();
        }
      } finally {
        utimesSync(source, atime, mtime);
      }
    });
  });

  describe("a run of balance", function () {
    const sandbox = new CliSandbox();
    let node: Server;
    let url: string;
    const calls: string[] = [];
    let httpRequests = 0;
    before(async function () {
      // A fake node with the answers balance needs: chain id, the token's code, balanceOf and symbol.
      const word = (n: bigint) => n.toString(16).padStart(64, "0");
      const symbol = `0x${word(32n)}${word(3n)}${Buffer.from("GLT").toString("hex").padEnd(64, "0")}`;
      const answer = (r: { id: number; method: string; params: [{ data?: string }] }) => {
        calls.push(r.method);
        const data = r.params?.[0]?.data ?? "";
        const result =
          r.method === "eth_chainId" ? "0x7a69" : r.method === "eth_getCode" ? "0x6080" : data.startsWith("0x70a08231") ? `0x${word(12_500_000n)}` : symbol;
        return { jsonrpc: "2.0", id: r.id, result };
      };
      node = createServer((req, res) => {
        let text = "";
        req.on("data", (d: Buffer) => (text += d.toString()));
        req.on("end", () => {
          httpRequests++;
          const body = JSON.parse(text) as Parameters<typeof answer>[0] | Parameters<typeof answer>[0][];
          res.setHeader("Content-Type", "application/json");
          res.end(JSON.stringify(Array.isArray(body) ? body.map(answer) : answer(body)));
        });
      });
      await new Promise<void>((resolve) => node.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(node.address() as AddressInfo).port}`;
      const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
      mkdirSync(sandbox.env.GOODS_LEDGER_DEPLOYMENTS!, { recursive: true });
      writeFileSync(
        join(sandbox.env.GOODS_LEDGER_DEPLOYMENTS!, "localhost.json"),
        JSON.stringify({
          network: "localhost", chainId: 31337, rpcUrl: url, startBlock: 1, decimals: 6, deployedAt: new Date().toISOString(),
          contracts: { token: address(0xa1), walletRegistry: address(0xa1), reserveRegistry: address(0xa2) },
          roles: Object.fromEntries(["admin", "pauser", "registrar", "compliance", "issuer", "custodian", "auditor"].map((r, i) => [r, address(0xb0 + i)])),
        }),
      );
    });
    after(async function () {
      await sandbox.dispose();
      node.closeAllConnections();
      await new Promise((resolve) => node.close(resolve));
    });

    it("answers in one JSON-RPC round trip and never loads fetch (undici)", async function () {
      // Preloaded into the CLI's process: at exit, say whether Node loaded its fetch implementation.
      const probe = join(sandbox.dir, "probe.mjs");
      writeFileSync(probe, 'process.on("exit", () => process.stderr.write(`undici loaded: ${process.moduleLoadList.some((m) => m.includes("undici"))}\\n`));\n');
      const run = await sandbox.run(["balance", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--json"], { env: { NODE_OPTIONS: `--import=${probe}` } });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.json()).to.deep.equal({ ok: true, account: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", balance: "12.5", symbol: "GLT" });
      expect(run.stderr).to.include("undici loaded: false");
      // balanceOf, and the token's name, symbol and decimals; the deployment check (chain id, code): one batch.
      expect(calls.sort()).to.deep.equal(["eth_call", "eth_call", "eth_call", "eth_call", "eth_chainId", "eth_getCode"]);
      expect(httpRequests).to.equal(1);
    });
  });

  describe("compile cache", function () {
    const sandbox = new CliSandbox();
    after(() => sandbox.dispose());

    it("fills the folder GOODS_LEDGER_COMPILE_CACHE names, and runs without one when that folder cannot be made", async function () {
      const dir = mkdtempSync(join(tmpdir(), "goods-ledger-cc-"));
      try {
        const run = await sandbox.run(["key", "list", "--json"], { env: { GOODS_LEDGER_COMPILE_CACHE: dir } });
        expect(run.code, run.stderr).to.equal(0);
        const [versionDir] = readdirSync(dir);
        expect(versionDir, "a folder per Node version").to.match(/^v22\./);
        expect(readdirSync(join(dir, versionDir!)).length).to.be.greaterThan(3);
        // A path under a file: no folder can be made there. The command still works, with the same answer.
        const blocked = await sandbox.run(["key", "list", "--json"], { env: { GOODS_LEDGER_COMPILE_CACHE: "/dev/null/cache" } });
        expect(blocked.code, blocked.stderr).to.equal(0);
        expect(blocked.json()).to.deep.equal(run.json());
        expect(blocked.stderr).to.equal(run.stderr);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("defaults to node_modules/.cache/goods-ledger, which git ignores", async function () {
      const run = await sandbox.run(["key", "list"], { env: { GOODS_LEDGER_COMPILE_CACHE: "" } });
      expect(run.code, run.stderr).to.equal(0);
      expect(existsSync(join(root, "node_modules/.cache/goods-ledger"))).to.equal(true);
    });
  });
});
