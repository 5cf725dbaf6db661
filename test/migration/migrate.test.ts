/**
 * Migration v1 → v2 end to end (issue 8 scope 9): a v1 ledger (contracts/v1, GoodsTokenV1) plays the demo's story
 * (scripts/demo.ts: tiers, two custodians, two banks' registrations, issuance, sends, a QR payment, cash-out, a
 * freeze, a redemption) plus aliases, a denylisted holder, a denylisted unregistered address and an expired KYC;
 * then `migrate` (scripts/lib/migrate) is refused where it must be, interrupted after two batches, re-run, and v2
 * is reconciled against the snapshot.
 */
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  parseSignature,
  stringToHex,
  toHex,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { DeploymentFile, RoleName } from "../../scripts/lib/context.js";
import { CliError } from "../../scripts/lib/errors.js";
import { reconcileMigration } from "../../scripts/lib/migrate/reconcile.js";
import { MigrationInterrupted, migrate, type MigrateOptions } from "../../scripts/lib/migrate/run.js";
import { takeSnapshot } from "../../scripts/lib/migrate/snapshot.js";
import { goodsTokenAbi } from "@goods-ledger/sdk";
import { reserveRegistryAbi } from "@goods-ledger/sdk";
import { devAccounts } from "../sdk/support/accounts.js";
import { startHardhatNode, type HardhatNode } from "../sdk/support/ledgerNode.js";
import { SqliteStore } from "../../src/indexer/store/sqlite.js";
import { Syncer } from "../../src/indexer/sync.js";
import { loadMigratedModel } from "../../src/trace/migration.js";
import { loadModel } from "../../src/trace/model.js";
import { provenance } from "../../src/trace/provenance.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const artifact = (name: string) => JSON.parse(readFileSync(join(root, "artifacts", "contracts", "v1", `${name}.sol`, `${name}.json`), "utf8")) as { abi: Abi; bytecode: Hex };
const U = 1_000_000n;
const DAY = 86_400n;
const UNLIMITED = 2n ** 64n - 1n;
const id = (text: string) => keccak256(stringToHex(text));
const b32 = (text: string) => toHex(text, { size: 32 });

const key = (i: number): Hex => toHex(devAccounts[i]!.getHdKey().privateKey!);
const addr = (i: number): Address => devAccounts[i]!.address;
const ROLE_INDEX: Record<RoleName, number> = { admin: 0, pauser: 1, registrar: 2, compliance: 3, issuer: 4, custodian: 5, auditor: 6 };
const P = { custodianB: 8, bankBDesk: 9, agent: 10, amina: 11, merchant: 12, baraka: 13, chen: 14, shadow: 15, lapsed: 16 } as const;

describe("migration v1 → v2 (the demo's ledger)", function () {
  this.timeout(600_000);
  let node: HardhatNode;
  let dir: string;
  let client: PublicClient;
  let v1: DeploymentFile;
  let migrated: { v2Start: number; v1Block: number; token: Address; reserveRegistry: Address; wallets: Address[] } | undefined;
  const tokenV1 = artifact("GoodsTokenV1");
  const registryV1 = artifact("ReserveRegistryV1");

  async function send(from: number, address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []): Promise<Hex> {
    const wallet = createWalletClient({ account: privateKeyToAccount(key(from)), transport: http(node.url) });
    const hash = await wallet.writeContract({ chain: null, address, abi, functionName, args } as never);
    const receipt = await client.waitForTransactionReceipt({ hash });
    expect(receipt.status, `${functionName} from account ${from}`).to.equal("success");
    return hash;
  }
  const t = (from: number, fn: string, args: readonly unknown[] = []) => send(from, v1.contracts.token, tokenV1.abi, fn, args);
  const r = (from: number, fn: string, args: readonly unknown[] = []) => send(from, v1.contracts.reserveRegistry, registryV1.abi, fn, args);
  const options = (extra: Partial<MigrateOptions> = {}): MigrateOptions => ({
    from: { network: "v1", deployment: v1, rpcUrl: node.url },
    to: { network: "v2", rpcUrl: node.url },
    deploymentsDir: join(dir, "deployments"),
    adminKey: key(0),
    pauserKey: key(1),
    batchSize: 3,
    ...extra,
  });

  before(async function () {
    node = await startHardhatNode();
    dir = mkdtempSync(join(tmpdir(), "goods-ledger-migrate-"));
    client = createPublicClient({ transport: http(node.url) }) as PublicClient;
    // ---- deploy v1 (the frozen main contracts) and wire the roles as the Ignition module did ----
    const deployer = createWalletClient({ account: privateKeyToAccount(key(0)), transport: http(node.url) });
    const hash = await deployer.deployContract({ chain: null, abi: tokenV1.abi, bytecode: tokenV1.bytecode, args: ["Goods Naira", "GNGN", addr(0)] });
    const receipt = await client.waitForTransactionReceipt({ hash });
    const token = receipt.contractAddress!;
    const reserveRegistry = (await client.readContract({ address: token, abi: tokenV1.abi, functionName: "reserveRegistry" })) as Address;
    v1 = {
      network: "v1", chainId: await client.getChainId(), rpcUrl: node.url, startBlock: Number(receipt.blockNumber), decimals: 6,
      contracts: { token, walletRegistry: token, reserveRegistry },
      roles: Object.fromEntries(Object.entries(ROLE_INDEX).map(([name, i]) => [name, addr(i)])) as Record<RoleName, Address>,
      deployedAt: new Date().toISOString(),
    };
    for (const [name, i] of Object.entries(ROLE_INDEX)) {
      if (name === "admin") continue;
      const onRegistry = name === "custodian" || name === "auditor";
      await send(0, onRegistry ? reserveRegistry : token, onRegistry ? registryV1.abi : tokenV1.abi, "grantRole", [id(`${name.toUpperCase()}_ROLE`), addr(i)]);
    }
    // ---- the demo's story, on v1 ----
    await t(3, "setTierLimits", [1, 1_000n * U, 500n * U, 200n * U]);
    await t(3, "setTierLimits", [2, 5_000n * U, 2_000n * U, 3_000n * U]);
    await t(3, "setTierLimits", [3, UNLIMITED, UNLIMITED, UNLIMITED]);
    await r(0, "grantRole", [id("CUSTODIAN_ROLE"), addr(P.custodianB)]);
    await t(0, "grantRole", [id("REGISTRAR_ROLE"), addr(P.bankBDesk)]);
    const now = (await client.getBlock()).timestamp;
    const coffee = id("WR-NBO-0001");
    const maize = id("WR-MSA-0001");
    const attest = (classCode: string, quantity: bigint, unit: string, valuation: bigint, location: string, label: string, days: bigint) => ({
      classCode: b32(classCode), quantity, unit: b32(unit), valuation, location: b32(location), attestationHash: id(`attestation document ${label}`),
      attestationURI: `ipfs://attestations/${label.toLowerCase()}`, expiresAt: now + days * DAY,
    });
    await r(5, "attestLot", [coffee, attest("COFFEE-AA", 1_200n, "BAG60KG", 100_000n * U, "NBO-WH-07", "WR-NBO-0001", 365n)]);
    await r(P.custodianB, "attestLot", [maize, attest("MAIZE-W1", 500_000n, "kg", 60_000n * U, "MSA-BW-02", "WR-MSA-0001", 180n)]);
    const kyc = Number(now / DAY + 365n);
    const reg = (i: number, role: number, tier: number, region: number, institution: number, kycExpiryDay = kyc) => ({ account: addr(i), role, tier, region, institution, kycExpiryDay });
    await t(2, "registerWallets", [[reg(4, 4, 3, 1, 1), reg(P.agent, 2, 3, 1, 1), reg(P.amina, 1, 1, 1, 1)]]);
    await t(P.bankBDesk, "registerWallets", [[reg(P.merchant, 3, 3, 2, 2), reg(P.baraka, 1, 2, 2, 2), reg(P.chen, 1, 1, 1, 2), reg(P.lapsed, 1, 1, 2, 2, Number(now / DAY + 2n))]]);
    await t(2, "linkAlias", [addr(P.amina), id("alias:+254700000011")]);
    await t(P.bankBDesk, "linkAlias", [addr(P.merchant), id("alias:+254700000012")]);
    await t(4, "issue", [coffee, addr(P.agent), 5_000n * U, id("FLOAT-KAMAU-001")]);
    await t(4, "issue", [maize, addr(4), 2_000n * U, id("TREASURY-001")]);
    await t(P.agent, "transfer", [addr(P.amina), 300n * U]);
    await t(P.amina, "transferWithReference", [addr(P.baraka), 40n * U, b32("RENT-SHARE-NOV")]);
    await t(P.agent, "transfer", [addr(P.lapsed), 15n * U]);
    // The QR payment (v1: an EIP-3009 receiveWithAuthorization whose nonce is the request's reference).
    const ref = id("QR-REQUEST-0001");
    const baraka = privateKeyToAccount(key(P.baraka));
    const validBefore = now + 900n;
    const signature = await baraka.signTypedData({
      domain: { name: "Goods Naira", version: "1", chainId: v1.chainId, verifyingContract: token },
      types: { ReceiveWithAuthorization: [{ name: "from", type: "address" }, { name: "to", type: "address" }, { name: "value", type: "uint256" }, { name: "validAfter", type: "uint256" }, { name: "validBefore", type: "uint256" }, { name: "nonce", type: "bytes32" }] },
      primaryType: "ReceiveWithAuthorization",
      message: { from: baraka.address, to: addr(P.merchant), value: 25_500_000n, validAfter: 0n, validBefore, nonce: ref },
    });
    const { v, r: sr, s } = parseSignature(signature);
    await t(P.merchant, "receiveWithAuthorization", [baraka.address, addr(P.merchant), 25_500_000n, 0n, validBefore, ref, Number(v), sr, s]);
    await t(P.baraka, "transfer", [addr(P.agent), 10n * U]);
    await t(3, "freezeWallet", [addr(P.chen), b32("SANCTIONS_HIT")]);
    await t(P.agent, "transferWithReference", [addr(4), 1_000n * U, b32("FLOAT-RETURN-001")]);
    await t(4, "redeem", [coffee, 1_000n * U, b32("DELIVERY-0042")]);
    // Beyond the demo: a denylisted holder, a denylisted unregistered address, and a KYC that lapses.
    await t(3, "denylist", [addr(P.baraka), b32("FRAUD-CASE-7")]);
    await t(3, "denylist", [addr(P.shadow), b32("WATCHLIST")]);
    await client.request({ method: "evm_increaseTime" as never, params: [Number(3n * DAY)] as never });
    await client.request({ method: "evm_mine" as never, params: [] as never });
  });

  after(async function () {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the snapshot at a pinned block holds the story's figures", async function () {
    const s = await takeSnapshot(client, { chainId: v1.chainId, token: v1.contracts.token, reserveRegistry: v1.contracts.reserveRegistry, startBlock: v1.startBlock });
    const w = (i: number) => s.wallets.find((x) => x.account === addr(i))!;
    expect(w(P.amina).balance).to.equal(260n * U);
    expect(w(P.amina).aliasCommitment).to.equal(id("alias:+254700000011"));
    expect(w(P.merchant).balance).to.equal(25_500_000n);
    expect([w(P.baraka).balance, w(P.baraka).denylisted]).to.deep.equal([4_500_000n, true]);
    expect(w(P.chen).status).to.equal(2);
    expect(w(P.lapsed).kycExpiryDay).to.be.lessThan(Number((await client.getBlock()).timestamp / DAY));
    expect(s.denylistedUnregistered).to.deep.equal([addr(P.shadow)]);
    const coffee = s.lots.find((l) => l.lot === id("WR-NBO-0001"))!;
    // v1 released pro rata: 1,000 of 100,000 tokens of 1,200 bags = 12 bags.
    expect([coffee.issued, coffee.redeemed, coffee.released, coffee.custodian]).to.deep.equal([5_000n * U, 1_000n * U, 12n, addr(5)]);
    expect(s.totalSupply).to.equal(6_000n * U);
    expect(s.tiers.map((x) => x.tier)).to.deep.equal([1, 2, 3]);
  });

  it("refuses a caller without v1's PAUSER_ROLE, and a target network that already has a ledger: nothing sent", async function () {
    const before = await client.getBlockNumber();
    const noRole = await migrate(options({ pauserKey: key(P.amina) })).then(() => undefined, (e: unknown) => e);
    expect(noRole).to.be.instanceOf(CliError);
    expect((noRole as CliError).code).to.equal("missing-role");
    expect((noRole as CliError).message).to.match(/does not hold PAUSER_ROLE on v1.*nothing was sent/);
    const occupiedDir = join(dir, "occupied");
    mkdirSync(occupiedDir, { recursive: true });
    writeFileSync(join(occupiedDir, "live.json"), JSON.stringify({ ...v1, network: "live" }));
    const occupied = await migrate(options({ to: { network: "live", rpcUrl: node.url }, deploymentsDir: occupiedDir })).then(() => undefined, (e: unknown) => e);
    expect(occupied).to.be.instanceOf(CliError);
    expect((occupied as CliError).code).to.equal("target-has-data");
    expect((occupied as CliError).message).to.match(/already has a ledger.*nothing was sent/);
    expect(existsSync(join(occupiedDir, "live.migration.json"))).to.equal(false);
    expect(await client.getBlockNumber()).to.equal(before);
    expect(await client.readContract({ address: v1.contracts.token, abi: tokenV1.abi, functionName: "paused" })).to.equal(false);
  });

  it("interrupted after two batches, re-run finishes without duplicates; v2 reconciles with the snapshot", async function () {
    const interrupted = await migrate(options({ stopAfterBatches: 2 })).then(() => undefined, (e: unknown) => e);
    expect(interrupted).to.be.instanceOf(MigrationInterrupted);
    expect(await client.readContract({ address: v1.contracts.token, abi: tokenV1.abi, functionName: "paused" })).to.equal(true);
    const checkpoint = JSON.parse(readFileSync(join(dir, "deployments", "v2.migration.json"), "utf8")) as { batches: unknown[]; blockHash: Hex; blockNumber: string; v2: { token: Address; reserveRegistry: Address } };
    expect(checkpoint.batches).to.have.length(2);
    // v2 is paused and unsealed in between: nobody can move the half-imported ledger.
    expect(await client.readContract({ address: checkpoint.v2.token, abi: goodsTokenAbi, functionName: "paused" })).to.equal(true);

    const result = await migrate(options());
    expect(result.resumed).to.equal(true);
    expect(result.batches.alreadyOnChain).to.equal(2);
    expect(result.snapshot.blockHash).to.equal(checkpoint.blockHash);
    const snapshot = await takeSnapshot(client, { chainId: v1.chainId, token: v1.contracts.token, reserveRegistry: v1.contracts.reserveRegistry, startBlock: v1.startBlock }, { blockNumber: BigInt(checkpoint.blockNumber), blockHash: checkpoint.blockHash });
    expect(result.batches.sent + result.batches.alreadyOnChain).to.equal(Math.ceil(snapshot.wallets.length / 3) + Math.ceil(snapshot.lots.length / 3));

    const v2 = result.deployment.contracts;
    migrated = { v2Start: result.deployment.startBlock, v1Block: Number(checkpoint.blockNumber), token: v2.token, reserveRegistry: v2.reserveRegistry, wallets: snapshot.wallets.map((w) => w.account) };
    const check = await reconcileMigration(client, v2, snapshot);
    expect(check.differences).to.deep.equal([]);
    expect(check.ok).to.equal(true);
    expect(check.checked).to.deep.equal({ wallets: snapshot.wallets.length, aliases: 2, lots: 2, tiers: 3 });
    // No duplicates: one WalletRegistered per wallet, one LotImported per lot, one seal.
    const registered = await client.getContractEvents({ address: v2.token, abi: goodsTokenAbi, eventName: "WalletRegistered", fromBlock: 0n });
    expect(registered.map((l) => l.args.account).sort()).to.deep.equal(snapshot.wallets.map((w) => w.account).sort());
    const imported = await client.getContractEvents({ address: v2.reserveRegistry, abi: reserveRegistryAbi, eventName: "LotImported", fromBlock: 0n });
    expect(imported).to.have.length(snapshot.lots.length);
    const seals = await client.getContractEvents({ address: v2.token, abi: goodsTokenAbi, eventName: "MigrationSealed", fromBlock: 0n });
    expect(seals.map((l) => [l.args.sourceBlockHash, l.args.sourceBlockNumber])).to.deep.equal([[checkpoint.blockHash, BigInt(checkpoint.blockNumber)]]);
    // The mapping is in the target deployment file.
    const file = JSON.parse(readFileSync(join(dir, "deployments", "v2.json"), "utf8")) as { migratedFrom: Record<string, unknown> };
    expect(file.migratedFrom).to.include({ network: "v1", token: v1.contracts.token, blockNumber: Number(checkpoint.blockNumber), blockHash: checkpoint.blockHash });
    // v2 is live and the migration's temporary roles are gone.
    expect(await client.readContract({ address: v2.token, abi: goodsTokenAbi, functionName: "paused" })).to.equal(false);
    expect(await client.readContract({ address: v2.token, abi: goodsTokenAbi, functionName: "hasRole", args: [id("MIGRATOR_ROLE"), addr(0)] })).to.equal(false);
    // Running it once more changes nothing and sends nothing.
    const blockBefore = await client.getBlockNumber();
    const again = await migrate(options());
    expect(again.batches.sent).to.equal(0);
    expect(await client.getBlockNumber()).to.equal(blockBefore);
  });

  it("the trace engine follows across the migration: every wallet's provenance and history are the same before and after", async function () {
    expect(migrated, "the migration test ran first").to.not.equal(undefined);
    const m = migrated!;
    const v1Store = new SqliteStore(join(dir, "v1.sqlite"));
    const v2Store = new SqliteStore(join(dir, "v2.sqlite"));
    try {
      await new Syncer(v1Store, { rpcUrl: node.url, chainId: v1.chainId, token: v1.contracts.token, reserveRegistry: v1.contracts.reserveRegistry, startBlock: v1.startBlock }).syncOnce(m.v1Block);
      await new Syncer(v2Store, { rpcUrl: node.url, chainId: v1.chainId, token: m.token, reserveRegistry: m.reserveRegistry, startBlock: m.v2Start }).syncOnce();
      const before = await loadModel(v1Store, { toBlock: m.v1Block });
      const after = await loadMigratedModel(v1Store, v2Store, { v1Block: m.v1Block });
      // v2 alone sees the import as unexplained mints: no lot behind any balance.
      const v2Only = await loadModel(v2Store);
      expect(provenance(v2Only, addr(P.amina), { policy: "fifo" }).lots.map((l) => l.lot)).to.deep.equal([null]);
      for (const policy of ["fifo", "haircut"]) {
        for (const wallet of m.wallets) {
          const a = provenance(before, wallet, { policy });
          const b = provenance(after, wallet, { policy });
          expect(b.balance, `${wallet} balance`).to.equal(a.balance);
          expect(b.lots.map((l) => [l.lot, l.amount]), `${wallet} lots (${policy})`).to.deep.equal(a.lots.map((l) => [l.lot, l.amount]));
          expect(b.flows, `${wallet} flows (${policy})`).to.deep.equal(a.flows);
        }
      }
      const coffee = id("WR-NBO-0001");
      expect(provenance(after, addr(P.amina), { policy: "fifo" }).lots.map((l) => [l.lot, l.amount])).to.deep.equal([[coffee, 260n * U]]);
      // History continues: after the migration a v2 transfer joins v1's history in one model.
      await send(P.amina, m.token, goodsTokenAbi as Abi, "transfer", [addr(P.agent), 60n * U]);
      await new Syncer(v2Store, { rpcUrl: node.url, chainId: v1.chainId, token: m.token, reserveRegistry: m.reserveRegistry, startBlock: m.v2Start }).syncOnce();
      const later = await loadMigratedModel(v1Store, v2Store, { v1Block: m.v1Block });
      expect(later.size).to.equal(before.size + 1);
      expect(provenance(later, addr(P.amina), { policy: "fifo" }).lots.map((l) => [l.lot, l.amount])).to.deep.equal([[coffee, 200n * U]]);
      const agent = provenance(later, addr(P.agent), { policy: "fifo" });
      expect(agent.balance).to.equal(provenance(before, addr(P.agent), { policy: "fifo" }).balance + 60n * U);
      expect(agent.lots.every((l) => l.lot === coffee)).to.equal(true);
    } finally {
      await v1Store.close();
      await v2Store.close();
    }
  });
});
