/**
 * The v1 → v2 migration (docs/DESIGN.md §5): pause v1, snapshot it at a pinned block, deploy v2, import the
 * tiers, wallets and lots in resumable batches through v2's sealed import path, seal, unpause, and write the
 * mapping (v1 block → v2 deployment) into the target deployment file.
 *
 * Resumable: a checkpoint file records the pinned block, the v2 deployment and each confirmed batch. On resume
 * the snapshot is re-read at the same block (refused if its hash changed), and every batch is checked against
 * v2's chain state (each wallet registered with its snapshot record, each lot present), never the checkpoint
 * alone, so a batch that landed after the checkpoint was last written is not sent twice.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createPublicClient, createWalletClient, getAddress, http, zeroHash, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { goodsTokenAbi } from "@goods-ledger/sdk";
import { reserveRegistryAbi } from "@goods-ledger/sdk";
import { roles } from "@goods-ledger/sdk";
import type { DeploymentFile } from "../context.js";
import { CliError } from "../errors.js";
import { takeSnapshot, v1Abi, type LotSnapshot, type Snapshot, type V1Ledger, type WalletSnapshot } from "./snapshot.js";

/** The mapping a migrated deployment file records: which v1 block it copies. */
export interface MigratedFrom {
  network: string;
  chainId: number;
  token: Address;
  reserveRegistry: Address;
  blockNumber: number;
  blockHash: Hex;
  /** The v2 transaction that sealed the import. */
  sealTx?: Hex;
}

/** A deployment file with the mapping of a migration. */
export type MigratedDeploymentFile = DeploymentFile & { migratedFrom?: MigratedFrom };

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** The v1 deployment: its file's content and name. */
  from: { network: string; deployment: DeploymentFile; rpcUrl: string };
  /** The target network's name and RPC URL. */
  to: { network: string; rpcUrl: string };
  deploymentsDir: string;
  /** Ignition's journal folder (default `<deploymentsDir>/ignition`). */
  ignitionDir?: string;
  /** v2's deployer and admin; it grants itself the migration's roles for the run and revokes them after. */
  adminKey: Hex;
  /** A v1 PAUSER_ROLE holder's key (not needed when v1 is already paused). */
  pauserKey?: Hex;
  /** Wallets or lots per import transaction (default 50). */
  batchSize?: number;
  /** Test hook: stop (throw {@link MigrationInterrupted}) after this many import batches were sent in this run. */
  stopAfterBatches?: number;
  /** Progress: phase, done, total. */
  onProgress?: (phase: string, done: number, total: number) => void;
  onNote?: (message: string) => void;
}

/** What a migration did. */
export interface MigrateResult {
  deployment: MigratedDeploymentFile;
  path: string;
  checkpoint: string;
  resumed: boolean;
  snapshot: { blockNumber: string; blockHash: Hex; wallets: number; lots: number; tiers: number; totalSupply: string };
  /** Import batches sent by this run, and batches found already on chain. */
  batches: { sent: number; alreadyOnChain: number };
}

/** Thrown by the `stopAfterBatches` test hook. */
export class MigrationInterrupted extends Error {}

interface CheckpointData {
  version: 1;
  from: { network: string; chainId: number; token: Address };
  to: { network: string; chainId: number };
  blockNumber: string;
  blockHash: Hex;
  v2?: { token: Address; reserveRegistry: Address };
  batches: { kind: "wallets" | "lots"; index: number; tx: Hex }[];
}

const MIGRATION_REASON = "0x4d4947524154494f4e0000000000000000000000000000000000000000000000" as Hex; // "MIGRATION"

/** The checkpoint file of a migration to `network`. */
export function checkpointPath(deploymentsDir: string, network: string): string {
  return join(deploymentsDir, `${network}.migration.json`);
}

function writeAtomic(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/**
 * Runs (or resumes) a migration. Nothing is sent before every refusal check has passed: a target network whose
 * deployment file names contracts that exist (and are not this migration's), a v1 that is not paused with no
 * pauser key that holds PAUSER_ROLE, or a resumed v2 whose admin is not the given key.
 *
 * @returns what was done, and the target deployment file.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const note = options.onNote ?? (() => {});
  const progress = options.onProgress ?? (() => {});
  const batchSize = options.batchSize ?? 50;
  const v1Client = createPublicClient({ transport: http(options.from.rpcUrl, { retryCount: 0 }) }) as PublicClient;
  const v2Client = createPublicClient({ transport: http(options.to.rpcUrl, { retryCount: 0 }) }) as PublicClient;
  const v1Deployment = options.from.deployment;
  const v1: V1Ledger = {
    chainId: v1Deployment.chainId,
    token: v1Deployment.contracts.token,
    reserveRegistry: v1Deployment.contracts.reserveRegistry,
    startBlock: v1Deployment.startBlock,
  };
  const admin = privateKeyToAccount(options.adminKey);
  const targetPath = join(options.deploymentsDir, `${options.to.network}.json`);
  const cpPath = checkpointPath(options.deploymentsDir, options.to.network);
  const [v1ChainId, v2ChainId] = await Promise.all([v1Client.getChainId(), v2Client.getChainId()]);
  if (v1ChainId !== v1.chainId) throw new CliError(`the v1 deployment file is for chain ${v1.chainId}, but ${options.from.rpcUrl} is chain ${v1ChainId}`, { code: "wrong-chain" });
  if (options.from.network === options.to.network) throw new CliError(`--from and --to are both "${options.to.network}": migrate to a new network name`, { code: "invalid-input" });

  // ---- refusals, before anything is sent ----
  let cp: CheckpointData | undefined = existsSync(cpPath) ? (JSON.parse(readFileSync(cpPath, "utf8")) as CheckpointData) : undefined;
  if (cp && (cp.from.token.toLowerCase() !== v1.token.toLowerCase() || cp.to.chainId !== v2ChainId)) {
    throw new CliError(`checkpoint ${cpPath} belongs to another migration (from ${cp.from.token} to chain ${cp.to.chainId}); remove it to start again`, { code: "checkpoint-mismatch" });
  }
  if (existsSync(targetPath)) {
    const existing = JSON.parse(readFileSync(targetPath, "utf8")) as MigratedDeploymentFile;
    const ours = cp?.v2 !== undefined && existing.contracts.token.toLowerCase() === cp.v2.token.toLowerCase();
    const code = existing.chainId === v2ChainId ? await v2Client.getCode({ address: existing.contracts.token }) : undefined;
    if (!ours && code !== undefined && code !== "0x") {
      throw new CliError(
        `target network "${options.to.network}" already has a ledger (token ${existing.contracts.token} in ${targetPath}): a migration deploys a fresh v2 and never writes into a ledger with data; nothing was sent`,
        { code: "target-has-data" },
      );
    }
  }
  const [v1Paused] = await Promise.all([v1Client.readContract({ address: v1.token, abi: v1Abi, functionName: "paused" })]);
  let pauser: PrivateKeyAccount | undefined;
  if (!v1Paused) {
    if (options.pauserKey === undefined) throw new CliError(`v1 (${v1.token}) is not paused and no v1 pauser key was given (--pauser): the migration must pause v1 first; nothing was sent`, { code: "missing-role" });
    pauser = privateKeyToAccount(options.pauserKey);
    const may = await v1Client.readContract({ address: v1.token, abi: v1Abi, functionName: "hasRole", args: [roles.PAUSER_ROLE, pauser.address] });
    if (!may) throw new CliError(`${pauser.address} does not hold PAUSER_ROLE on v1 (${v1.token}): it cannot pause v1; nothing was sent`, { code: "missing-role" });
  }
  if (cp?.v2 !== undefined) {
    const v2Admin = await v2Client.readContract({ address: cp.v2.token, abi: goodsTokenAbi, functionName: "defaultAdmin" });
    if (getAddress(v2Admin) !== admin.address) throw new CliError(`${admin.address} is not the admin of the migration's v2 (${cp.v2.token}, admin ${v2Admin}); nothing was sent`, { code: "missing-role" });
  }

  // ---- pause v1, snapshot at a pinned block ----
  if (pauser) {
    note(`pausing v1 (${v1.token})…`);
    const w = createWalletClient({ account: pauser, transport: http(options.from.rpcUrl, { retryCount: 0 }) });
    const hash = await w.writeContract({ chain: null, address: v1.token, abi: [...v1Abi, { type: "function", name: "pause", inputs: [], outputs: [], stateMutability: "nonpayable" }] as const, functionName: "pause" });
    await v1Client.waitForTransactionReceipt({ hash });
  }
  const resumed = cp !== undefined;
  const snapshot = await takeSnapshot(v1Client, v1, cp ? { blockNumber: BigInt(cp.blockNumber), blockHash: cp.blockHash } : undefined);
  note(`snapshot of v1 at block ${snapshot.blockNumber} (${snapshot.blockHash}): ${snapshot.wallets.length} wallets, ${snapshot.lots.length} lots, ${snapshot.tiers.length} tiers, supply ${snapshot.totalSupply}`);
  cp ??= {
    version: 1,
    from: { network: options.from.network, chainId: v1.chainId, token: v1.token },
    to: { network: options.to.network, chainId: v2ChainId },
    blockNumber: snapshot.blockNumber.toString(),
    blockHash: snapshot.blockHash,
    batches: [],
  };
  writeAtomic(cpPath, cp);

  // ---- deploy v2 (Ignition resumes its own journal on a rerun) ----
  if (cp.v2 === undefined) {
    note("deploying v2…");
    const { deployLedger } = await import("../deploy.js");
    const { admin: _admin, ...holders } = v1Deployment.roles;
    const { deployment } = await deployLedger({
      network: options.to.network,
      rpcUrl: options.to.rpcUrl,
      deployerKey: options.adminKey,
      parameters: holders,
      deploymentsDir: options.deploymentsDir,
      ignitionDir: options.ignitionDir ?? join(options.deploymentsDir, "ignition"),
      onNote: note,
    });
    cp.v2 = { token: deployment.contracts.token, reserveRegistry: deployment.contracts.reserveRegistry };
    writeAtomic(cpPath, cp);
  }
  const v2 = cp.v2;
  const wallet = createWalletClient({ account: admin, transport: http(options.to.rpcUrl, { retryCount: 0 }) });
  const send = async (address: Address, abi: typeof goodsTokenAbi | typeof reserveRegistryAbi, functionName: string, args: readonly unknown[]): Promise<Hex> => {
    const hash = await wallet.writeContract({ chain: null, address, abi, functionName, args } as never);
    const receipt = await v2Client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new CliError(`v2 ${functionName} reverted (tx ${hash})`, { code: "send-failed" });
    return hash;
  };
  const readToken = <T>(functionName: string, args: readonly unknown[] = []) =>
    v2Client.readContract({ address: v2.token, abi: goodsTokenAbi, functionName, args } as never) as Promise<T>;
  const readRegistry = <T>(functionName: string, args: readonly unknown[] = []) =>
    v2Client.readContract({ address: v2.reserveRegistry, abi: reserveRegistryAbi, functionName, args } as never) as Promise<T>;

  // ---- the migration's roles (idempotent: read first) ----
  const state = async () => readToken<readonly [bigint, bigint, boolean, boolean]>("migrationState");
  let [, , , sealed] = await state();
  const tempRoles = [roles.MIGRATOR_ROLE, roles.PAUSER_ROLE, roles.COMPLIANCE_ROLE] as const;
  if (!sealed) {
    for (const role of tempRoles) {
      if (!(await readToken<boolean>("hasRole", [role, admin.address]))) await send(v2.token, goodsTokenAbi, "grantRole", [role, admin.address]);
    }
    for (const custodian of new Set(snapshot.lots.map((l) => l.custodian))) {
      if (!(await readRegistry<boolean>("hasRole", [roles.CUSTODIAN_ROLE, custodian]))) await send(v2.reserveRegistry, reserveRegistryAbi, "grantRole", [roles.CUSTODIAN_ROLE, custodian]);
    }
    // Tiers first (a wallet's tier must be configured), then pause (imports need it).
    for (const t of snapshot.tiers) {
      const now = await readToken<{ maxBalance: bigint; maxTransfer: bigint; dailyOutflow: bigint }>("tierLimits", [t.tier]);
      if (now.maxBalance !== t.maxBalance || now.maxTransfer !== t.maxTransfer || now.dailyOutflow !== t.dailyOutflow) {
        await send(v2.token, goodsTokenAbi, "setTierLimits", [t.tier, t.maxBalance, t.maxTransfer, t.dailyOutflow]);
      }
    }
    if (!(await readToken<boolean>("paused"))) await send(v2.token, goodsTokenAbi, "pause", []);
  }

  // ---- import in batches, each checked against the chain ----
  const batches = { sent: 0, alreadyOnChain: 0 };
  const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / batchSize) }, (_, i) => items.slice(i * batchSize, (i + 1) * batchSize));
  const walletBatches = chunks(snapshot.wallets);
  const lotBatches = chunks(snapshot.lots);
  const total = walletBatches.length + lotBatches.length;
  let done = 0;
  const runBatch = async (kind: "wallets" | "lots", index: number, onChain: () => Promise<boolean>, sendBatch: () => Promise<Hex>) => {
    if (sealed || (await onChain())) {
      batches.alreadyOnChain++;
    } else {
      if (options.stopAfterBatches !== undefined && batches.sent >= options.stopAfterBatches) {
        throw new MigrationInterrupted(`stopped after ${batches.sent} batches (test hook)`);
      }
      const tx = await sendBatch();
      batches.sent++;
      cp.batches.push({ kind, index, tx });
      writeAtomic(cpPath, cp);
    }
    progress("import", ++done, total);
  };
  for (const [index, batch] of walletBatches.entries()) {
    await runBatch("wallets", index, () => walletBatchOnChain(batch, (a) => readToken("walletOf", [a])), () =>
      send(v2.token, goodsTokenAbi, "importWallets", [batch.map(walletImport)]),
    );
  }
  for (const [index, batch] of lotBatches.entries()) {
    await runBatch("lots", index, () => lotBatchOnChain(batch, (l) => readRegistry("lotInfo", [l])), () =>
      send(v2.token, goodsTokenAbi, "importLots", [batch.map(lotImport)]),
    );
  }

  // ---- denylist entries of unregistered addresses, seal, unpause, drop the temporary roles ----
  let sealTx: Hex | undefined;
  if (!sealed) {
    for (const account of snapshot.denylistedUnregistered) {
      const w = await readToken<{ denylisted: boolean }>("walletOf", [account]);
      if (!w.denylisted) await send(v2.token, goodsTokenAbi, "denylist", [account, MIGRATION_REASON]);
    }
    note("sealing the import…");
    sealTx = await send(v2.token, goodsTokenAbi, "sealMigration", [snapshot.blockHash, snapshot.blockNumber]);
    sealed = true;
  }
  if (await readToken<boolean>("paused")) {
    if (!(await readToken<boolean>("hasRole", [roles.PAUSER_ROLE, admin.address]))) await send(v2.token, goodsTokenAbi, "grantRole", [roles.PAUSER_ROLE, admin.address]);
    await send(v2.token, goodsTokenAbi, "unpause", []);
  }
  for (const role of tempRoles) {
    if (await readToken<boolean>("hasRole", [role, admin.address])) await send(v2.token, goodsTokenAbi, "revokeRole", [role, admin.address]);
  }
  if (sealTx === undefined) {
    const [log] = await v2Client.getContractEvents({ address: v2.token, abi: goodsTokenAbi, eventName: "MigrationSealed", fromBlock: 0n });
    sealTx = log?.transactionHash ?? undefined;
  }

  // ---- the mapping, in the target deployment file ----
  const deployment = JSON.parse(readFileSync(targetPath, "utf8")) as MigratedDeploymentFile;
  deployment.migratedFrom = {
    network: options.from.network,
    chainId: v1.chainId,
    token: v1.token,
    reserveRegistry: v1.reserveRegistry,
    blockNumber: Number(snapshot.blockNumber),
    blockHash: snapshot.blockHash,
    ...(sealTx && { sealTx }),
  };
  writeAtomic(targetPath, deployment);
  return {
    deployment,
    path: targetPath,
    checkpoint: cpPath,
    resumed,
    snapshot: summary(snapshot),
    batches,
  };
}

function summary(s: Snapshot): MigrateResult["snapshot"] {
  return { blockNumber: s.blockNumber.toString(), blockHash: s.blockHash, wallets: s.wallets.length, lots: s.lots.length, tiers: s.tiers.length, totalSupply: s.totalSupply.toString() };
}

function walletImport(w: WalletSnapshot) {
  return { ...w };
}

function lotImport(l: LotSnapshot) {
  return { ...l };
}

type V2Wallet = { status: number; role: number; tier: number; denylisted: boolean; region: number; institution: number; kycExpiryDay: number; balance: bigint; aliasCommitment: Hex };
type V2Lot = { status: number; issued: bigint; redeemed: bigint; released: bigint; quantity: bigint; valuation: bigint };

/**
 * Whether a wallet batch is on v2: every wallet registered there with its snapshot record. None registered →
 * not sent yet. Some, or a different record → the chain disagrees with the snapshot: refuse.
 */
async function walletBatchOnChain(batch: WalletSnapshot[], read: (a: Address) => Promise<unknown>): Promise<boolean> {
  const found = await Promise.all(batch.map(async (w) => ({ w, on: (await read(w.account)) as V2Wallet })));
  const registered = found.filter((f) => f.on.status !== 0);
  if (registered.length === 0) return false;
  const bad = found.find((f) => walletDiff(f.w, f.on).length > 0);
  if (registered.length !== batch.length || bad) {
    throw new CliError(`v2 holds part of a wallet batch or a different record (${bad?.w.account ?? "partial batch"}): the chain disagrees with the snapshot; not sending`, { code: "migration-diverged" });
  }
  return true;
}

async function lotBatchOnChain(batch: LotSnapshot[], read: (l: Hex) => Promise<unknown>): Promise<boolean> {
  const found = await Promise.all(batch.map(async (l) => ({ l, on: (await read(l.lot)) as V2Lot })));
  const present = found.filter((f) => f.on.status !== 0);
  if (present.length === 0) return false;
  if (present.length !== batch.length) throw new CliError("v2 holds part of a lot batch: the chain disagrees with the snapshot; not sending", { code: "migration-diverged" });
  return true;
}

/** The fields of a wallet record that differ between the snapshot and v2 (empty when equal). */
export function walletDiff(w: WalletSnapshot, on: V2Wallet): string[] {
  const fields = ["status", "role", "tier", "denylisted", "region", "institution", "kycExpiryDay", "balance"] as const;
  const norm = (v: unknown) => (typeof v === "boolean" ? String(v) : BigInt(v as bigint).toString());
  const diff: string[] = fields.filter((f) => norm(on[f]) !== norm(w[f]));
  if ((on.aliasCommitment ?? zeroHash).toLowerCase() !== w.aliasCommitment.toLowerCase()) diff.push("aliasCommitment");
  return diff;
}
