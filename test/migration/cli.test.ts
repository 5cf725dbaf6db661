/**
 * `goods-ledger migrate` as users run it: --help with an example, a target that already has a ledger refused in
 * one line with nothing sent, and a migration with --json whose reconciliation holds.
 */
import { expect } from "chai";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPublicClient, createWalletClient, http, keccak256, stringToHex, toHex, type Abi, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { CliSandbox } from "../cli/helpers.js";
import { devAccounts } from "../sdk/support/accounts.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const artifact = (name: string) => JSON.parse(readFileSync(join(root, "artifacts", "contracts", "v1", `${name}.sol`, `${name}.json`), "utf8")) as { abi: Abi; bytecode: Hex };
const key = (i: number): Hex => toHex(devAccounts[i]!.getHdKey().privateKey!);
const addr = (i: number): Address => devAccounts[i]!.address;
const id = (text: string) => keccak256(stringToHex(text));
const U = 1_000_000n;

describe("goods-ledger migrate (CLI)", function () {
  this.timeout(600_000);
  const sandbox = new CliSandbox();
  let url: string;
  let client: PublicClient;
  let v1: { token: Address; reserveRegistry: Address; startBlock: number; chainId: number };

  before(async function () {
    url = await sandbox.startChain();
    client = createPublicClient({ transport: http(url) }) as PublicClient;
    const tokenV1 = artifact("GoodsTokenV1");
    const registryV1 = artifact("ReserveRegistryV1");
    const send = async (from: number, address: Address, abi: Abi, functionName: string, args: readonly unknown[]) => {
      const hash = await createWalletClient({ account: privateKeyToAccount(key(from)), transport: http(url) }).writeContract({ chain: null, address, abi, functionName, args } as never);
      expect((await client.waitForTransactionReceipt({ hash })).status).to.equal("success");
    };
    const hash = await createWalletClient({ account: privateKeyToAccount(key(0)), transport: http(url) }).deployContract({ chain: null, abi: tokenV1.abi, bytecode: tokenV1.bytecode, args: ["Goods Naira", "GNGN", addr(0)] });
    const receipt = await client.waitForTransactionReceipt({ hash });
    const token = receipt.contractAddress!;
    const reserveRegistry = (await client.readContract({ address: token, abi: tokenV1.abi, functionName: "reserveRegistry" })) as Address;
    v1 = { token, reserveRegistry, startBlock: Number(receipt.blockNumber), chainId: await client.getChainId() };
    const roles = { pauser: 1, registrar: 2, compliance: 3, issuer: 4, custodian: 5, auditor: 6 } as const;
    for (const [name, i] of Object.entries(roles)) {
      const onRegistry = name === "custodian" || name === "auditor";
      await send(0, onRegistry ? reserveRegistry : token, onRegistry ? registryV1.abi : tokenV1.abi, "grantRole", [id(`${name.toUpperCase()}_ROLE`), addr(i)]);
    }
    await send(3, token, tokenV1.abi, "setTierLimits", [3, 2n ** 64n - 1n, 2n ** 64n - 1n, 2n ** 64n - 1n]);
    const now = (await client.getBlock()).timestamp;
    await send(5, reserveRegistry, registryV1.abi, "attestLot", [id("LOT-1"), { classCode: toHex("MAIZE", { size: 32 }), quantity: 1_000n, unit: toHex("kg", { size: 32 }), valuation: 1_000n * U, location: toHex("MSA", { size: 32 }), attestationHash: id("doc"), attestationURI: "ipfs://doc", expiresAt: now + 90n * 86_400n }]);
    await send(2, token, tokenV1.abi, "registerWallets", [[7, 8].map((i) => ({ account: addr(i), role: 1, tier: 3, region: 1, institution: 1, kycExpiryDay: Number(now / 86_400n + 365n) }))]);
    await send(4, token, tokenV1.abi, "issue", [id("LOT-1"), addr(7), 400n * U, id("ISSUE-1")]);
    await send(7, token, tokenV1.abi, "transfer", [addr(8), 150n * U]);
    const deployments = join(sandbox.dir, "deployments");
    mkdirSync(deployments, { recursive: true });
    const file = (network: string) => ({
      network, chainId: v1.chainId, rpcUrl: url, startBlock: v1.startBlock, decimals: 6,
      contracts: { token, walletRegistry: token, reserveRegistry },
      roles: { admin: addr(0), pauser: addr(1), registrar: addr(2), compliance: addr(3), issuer: addr(4), custodian: addr(5), auditor: addr(6) },
      deployedAt: new Date().toISOString(),
    });
    writeFileSync(join(deployments, "v1.json"), JSON.stringify(file("v1")));
    // A network that already has a ledger (here: v1's own contracts under another name).
    writeFileSync(join(deployments, "live.json"), JSON.stringify(file("live")));
  });

  after(async function () {
    await sandbox.dispose();
  });

  it("--help explains the steps and has an example", async function () {
    const run = await sandbox.run(["migrate", "--help"]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include("$ goods-ledger migrate --from localhost --to localhost-v2");
    expect(run.stdout).to.include("pinned by its hash");
  });

  it("refuses a target network that already has a ledger: one line, non-zero exit, nothing sent", async function () {
    const before = await client.getBlockNumber();
    const run = await sandbox.run(["migrate", "--from", "v1", "--to", "live", "-q"]);
    expect(run.code).to.not.equal(0);
    const lines = run.stderr.trim().split("\n");
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/target network "live" already has a ledger \(token 0x[0-9a-fA-F]{40} .*nothing was sent/);
    expect(await client.getBlockNumber()).to.equal(before);
  });

  it("migrates with --json: one document, reconciled, the mapping in the target file", async function () {
    const run = await sandbox.run(["migrate", "--from", "v1", "--to", "v2", "--batch-size", "1", "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    const doc = run.json<{ snapshot: { wallets: number; lots: number; totalSupply: string; blockHash: string }; reconciliation: { ok: boolean; differences: unknown[] }; batches: { sent: number }; path: string }>();
    expect(doc.snapshot).to.include({ wallets: 2, lots: 1, totalSupply: (400n * U).toString() });
    expect(doc.reconciliation.ok).to.equal(true);
    expect(doc.reconciliation.differences).to.deep.equal([]);
    expect(doc.batches.sent).to.equal(3);
    const target = JSON.parse(readFileSync(doc.path, "utf8")) as { migratedFrom: { blockHash: string; token: string } };
    expect(target.migratedFrom.blockHash).to.equal(doc.snapshot.blockHash);
    expect(target.migratedFrom.token).to.equal(v1.token);
  });

  it("trace commands on the migrated network follow into v1's history: the v2 balance keeps its lot", async function () {
    const target = JSON.parse(readFileSync(join(sandbox.dir, "deployments", "v2.json"), "utf8")) as { migratedFrom: { blockNumber: number } };
    const v1Index = join(sandbox.dir, "v1-index");
    const v2Index = join(sandbox.dir, "v2-index");
    expect((await sandbox.run(["-n", "v1", "index", "--store", v1Index, "--to-block", String(target.migratedFrom.blockNumber), "-q"])).code).to.equal(0);
    expect((await sandbox.run(["-n", "v2", "index", "--store", v2Index, "-q"])).code).to.equal(0);
    const missing = await sandbox.run(["-n", "v2", "trace", "provenance", addr(8), "--store", v2Index, "-q"], { env: { GOODS_LEDGER_V1_STORE: join(sandbox.dir, "nowhere") } });
    expect(missing.code).to.not.equal(0);
    expect(missing.stderr).to.match(/was migrated from "v1" at block \d+: its history starts in v1's index/);
    const run = await sandbox.run(["-n", "v2", "trace", "provenance", addr(8), "--store", v2Index, "--json"], { env: { GOODS_LEDGER_V1_STORE: v1Index } });
    expect(run.code, run.stderr).to.equal(0);
    const doc = run.json<{ result?: { balance: string; lots: { lot: string; amount: string }[] }; balance?: string; lots?: { lot: string; amount: string }[] }>();
    const result = doc.result ?? doc;
    expect(result.balance).to.equal((150n * U).toString());
    expect(result.lots!.map((l) => [l.lot, l.amount])).to.deep.equal([[id("LOT-1"), (150n * U).toString()]]);
  });
});
