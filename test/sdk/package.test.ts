/**
 * The SDK as an app outside this repository gets it: `npm pack` of the workspace @goods-ledger/sdk, installed
 * into a temporary app under the system's temp folder with only the registry (viem) and that tarball. The app
 * then runs in Node against a hardhat node process, its production dependency tree is checked for Node-only
 * packages, and a browser bundle of a small payment app is measured (viem external), with the size recorded in
 * bench/results/sdk-size.json. The bar: ≤ 40 kB gzipped (issue 13).
 *
 * npm resolves viem from the registry (or its cache: `--prefer-offline`), so this test needs what `npm ci`
 * needed, and no more.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { nodeImportCatcher } from "./support/bundle.js";
import { deployNodeLedger, startHardhatNode, type HardhatNode, type NodeLedger } from "./support/ledgerNode.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const sizeRecord = join(root, "bench", "results", "sdk-size.json");
/** The bar on the browser bundle of a payment app, gzipped, viem excluded (issue 13). */
const MAX_GZIP_BYTES = 40 * 1024;
/** The viem an app pins (the newest whose dependencies the registry mirror has, TOOLCHAIN.md). */
const VIEM = JSON.parse(readFileSync(join(root, "node_modules", "viem", "package.json"), "utf8")).version as string;
/** What the root project depends on for Node's sake: none of it may reach an app through the SDK. */
const ROOT_ONLY = Object.keys(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).dependencies).filter((n) => n !== "viem" && n !== "@goods-ledger/sdk");

/** An app that pays and takes payments: the client, `transfer`, and the QR actions. */
const PAYMENT_APP = `import { createLedgerClient, transfer, createPaymentRequest, parsePaymentRequest, signPayment, submitPayment,
  isPaymentReferenceUsed, serializePaymentAuthorization, parsePaymentAuthorization } from "@goods-ledger/sdk";
export async function shop(deployment, merchant) {
  const client = createLedgerClient({ deployment });
  const request = createPaymentRequest(client, { merchant, amount: "12.50", expiresAt: BigInt(Math.floor(Date.now() / 1000) + 600) });
  return { request, paid: () => isPaymentReferenceUsed(client, { payee: merchant, reference: request.reference }) };
}
export async function customer(deployment, account, payload) {
  const client = createLedgerClient({ deployment, account });
  const request = await parsePaymentRequest(client, { payload });
  const authorization = await signPayment(client, { request });
  const wire = serializePaymentAuthorization(authorization);
  return submitPayment(client, { authorization: parsePaymentAuthorization(wire) });
}
export const pay = (client, to, amount) => transfer(client, { to, amount });
`;

/** The Node check: imports the installed package by name and calls it against the node (argv[2]: JSON). */
const NODE_CHECK = `import { createLedgerClient, checkTransfer, createPaymentRequest, parsePaymentRequest } from "@goods-ledger/sdk";
const { deployment, payer, merchant, stranger } = JSON.parse(process.argv[2]);
const client = createLedgerClient({ deployment });
const passes = await checkTransfer(client, { from: payer, to: merchant, amount: "1.50" });
const blocked = await checkTransfer(client, { from: payer, to: stranger, amount: "1" });
const request = createPaymentRequest(client, { merchant, amount: "12.50", expiresAt: BigInt(Math.floor(Date.now() / 1000) + 600), merchantName: "PACKAGE TEST SHOP" });
const parsed = await parsePaymentRequest(client, { payload: request.payload });
console.log(JSON.stringify({
  resolved: import.meta.resolve("@goods-ledger/sdk"),
  passes,
  blocked: { ok: blocked.ok, rule: blocked.rule, args: blocked.args, message: blocked.message, error: blocked.error?.name },
  request,
  parsed: { merchant: parsed.merchant, merchantName: parsed.merchantName, amount: parsed.amount, merchantRole: parsed.merchantRole, merchantStatus: parsed.merchantStatus, paid: parsed.paid },
}));
`;

type Pack = { filename: string; size: number; unpackedSize: number; files: { path: string }[] };
type Tree = { name?: string; version?: string; dependencies?: Record<string, Tree> };

/** Every package in an `npm ls --json` tree, as name@version (the app itself excluded). */
function packagesOf(tree: Tree): string[] {
  const out = new Set<string>();
  const walk = (deps: Record<string, Tree> | undefined) => {
    for (const [name, node] of Object.entries(deps ?? {})) {
      if (node.version === undefined) continue; // an unmet optional peer (tiny-secp256k1): not installed
      out.add(`${name}@${node.version}`);
      walk(node.dependencies);
    }
  };
  walk(tree.dependencies);
  return [...out].sort();
}

describe("sdk as a package (@goods-ledger/sdk packed, installed into an app outside the repository)", function () {
  this.timeout(600_000);
  let work: string;
  let app: string;
  let pack: Pack;
  let node: HardhatNode | undefined;
  let ledger: NodeLedger;

  before(async function () {
    work = mkdtempSync(join(tmpdir(), "goods-ledger-sdk-package-"));
    // npm pack runs the workspace's prepack (its tsc build), so the tarball holds what the sources say now.
    const packed = await run("npm", ["pack", "-w", "@goods-ledger/sdk", "--json", "--pack-destination", work], { cwd: root, maxBuffer: 64 << 20 });
    pack = (JSON.parse(packed.stdout) as Pack[])[0]!;
    app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "sdk-package-test-app", private: true, type: "module" }, null, 2)}\n`);
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(work, pack.filename), `viem@${VIEM}`], { cwd: app, maxBuffer: 64 << 20 });
  });

  after(async function () {
    await node?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("the tarball holds built ES modules, .d.ts types and source maps, and no TypeScript source or build state", function () {
    const files = pack.files.map((f) => f.path);
    expect(files).to.include.members(["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/index.js.map", "dist/accounts/wasm.js", "dist/actions/transfer.d.ts"]);
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).to.deep.equal([]);
    expect(files.filter((f) => f.includes("tsbuildinfo") || f.includes("tsconfig"))).to.deep.equal([]);
    const manifest = JSON.parse(readFileSync(join(app, "node_modules", "@goods-ledger", "sdk", "package.json"), "utf8"));
    expect(manifest.sideEffects).to.equal(false);
    expect(manifest.exports["."]).to.deep.equal({ types: "./dist/index.d.ts", default: "./dist/index.js" });
    expect(manifest.dependencies ?? {}).to.deep.equal({});
    expect(Object.keys(manifest.peerDependencies)).to.deep.equal(["tiny-secp256k1", "viem"]);
  });

  it("in Node, the app imports the package by name and calls createLedgerClient, checkTransfer and createPaymentRequest against a local chain", async function () {
    node = await startHardhatNode();
    ledger = await deployNodeLedger(node.url, { senders: 1, perSender: "1000" });
    writeFileSync(join(app, "node-check.mjs"), NODE_CHECK);
    const stranger = "0x000000000000000000000000000000000000dEaD";
    const input = { deployment: ledger.deployment, payer: ledger.senders[0]!.address, merchant: ledger.merchant.address, stranger };
    const { stdout } = await run(process.execPath, ["node-check.mjs", JSON.stringify(input)], { cwd: app });
    const out = JSON.parse(stdout);
    // The app's own copy, not this repository's workspace.
    expect(out.resolved).to.equal(`file://${join(app, "node_modules", "@goods-ledger", "sdk", "dist", "index.js")}`);
    expect(out.passes).to.deep.equal({ ok: true });
    expect(out.blocked).to.deep.include({ ok: false, rule: "WalletRegistryWalletNotRegistered", error: "WalletNotRegisteredError" });
    expect(out.blocked.args).to.deep.equal({ account: stranger });
    expect(out.request.payload).to.match(/^000201/);
    expect(out.request.reference).to.match(/^0x[0-9a-f]{64}$/);
    expect(out.parsed).to.deep.equal({
      merchant: ledger.merchant.address,
      merchantName: "PACKAGE TEST SHOP",
      amount: "12.5",
      merchantRole: "merchant",
      merchantStatus: "active",
      paid: false,
    });
  });

  it("its production dependency tree is viem's, with nothing Node-only (no root dependency, no install script, no native build)", async function () {
    const { stdout } = await run("npm", ["ls", "--omit=dev", "--all", "--json"], { cwd: app, maxBuffer: 64 << 20 });
    const packages = packagesOf(JSON.parse(stdout) as Tree);
    const names = packages.map((p) => p.slice(0, p.lastIndexOf("@")));
    expect(names).to.include.members(["@goods-ledger/sdk", "viem"]);
    expect(names.filter((n) => ROOT_ONLY.includes(n))).to.deep.equal([]);
    const withScripts = names.filter((name) => {
      const dir = join(app, "node_modules", name);
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      const scripts = manifest.scripts ?? {};
      return scripts.preinstall || scripts.install || scripts.postinstall || manifest.gypfile || existsSync(join(dir, "binding.gyp"));
    });
    expect(withScripts).to.deep.equal([]);
    // And what the app really loads, viem included, bundles for the browser without one Node built-in.
    const found: string[] = [];
    const result = await build({
      stdin: { contents: PAYMENT_APP, resolveDir: app, loader: "js" },
      absWorkingDir: app,
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      plugins: [nodeImportCatcher(found)],
    });
    expect(result.errors).to.deep.equal([]);
    expect(found, `Node-only imports:\n${found.join("\n")}`).to.deep.equal([]);
  });

  it("a browser bundle of a payment app (client, transfer, QR actions) is at most 40 kB gzipped without viem; recorded in bench/results/sdk-size.json", async function () {
    const bundle = async (external: string[]) => {
      const result = await build({
        stdin: { contents: PAYMENT_APP, resolveDir: app, loader: "js" },
        absWorkingDir: app,
        bundle: true,
        minify: true,
        platform: "browser",
        format: "esm",
        target: "es2022",
        external,
        write: false,
        logLevel: "silent",
      });
      const code = result.outputFiles[0]!.contents;
      return { bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, text: result.outputFiles[0]!.text };
    };
    const sdkOnly = await bundle(["viem", "viem/*"]);
    const withViem = await bundle([]);
    // viem really is outside the first bundle, and inside the second.
    expect(sdkOnly.text).to.match(/from\s*"viem"/);
    expect(withViem.text).not.to.match(/from\s*"viem/);
    expect(withViem.bytes).to.be.greaterThan(sdkOnly.bytes);
    const record = {
      what: "esbuild --bundle --minify --platform=browser --format=esm of an app importing createLedgerClient, transfer, createPaymentRequest, parsePaymentRequest, signPayment, submitPayment, isPaymentReferenceUsed and the authorization (de)serializer from the packed @goods-ledger/sdk; gzip level 9",
      package: `@goods-ledger/sdk@${JSON.parse(readFileSync(join(app, "node_modules", "@goods-ledger", "sdk", "package.json"), "utf8")).version}`,
      tarballBytes: pack.size,
      viem: VIEM,
      bar: { gzipBytesWithoutViem: MAX_GZIP_BYTES },
      withoutViem: { bytes: sdkOnly.bytes, gzipBytes: sdkOnly.gzipBytes },
      withViem: { bytes: withViem.bytes, gzipBytes: withViem.gzipBytes },
    };
    mkdirSync(join(root, "bench", "results"), { recursive: true });
    writeFileSync(sizeRecord, `${JSON.stringify(record, null, 2)}\n`);
    console.log(`      payment app bundle: ${(sdkOnly.gzipBytes / 1024).toFixed(1)} kB gzipped without viem (${(withViem.gzipBytes / 1024).toFixed(1)} kB with it); bar 40 kB`);
    expect(sdkOnly.gzipBytes).to.be.at.most(MAX_GZIP_BYTES);
  });
});
