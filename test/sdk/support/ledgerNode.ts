/**
 * A real `hardhat node` process on a free loopback port, with the ledger deployed through the Ignition module
 * (scripts/lib/deploy.ts, as `goods-ledger deploy` does) and set up through the SDK: tier limits, two lots,
 * registered wallets and issued balances. Used by test/sdk/node.test.ts and bench/sdk.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { keccak256, stringToHex, type Address, type Hex, type LocalAccount } from "viem";
import { deployLedger } from "../../../scripts/lib/deploy.js";
import { createLedgerClient, dayNumber, lotId, waitForTransaction, type LedgerClient, type LedgerDeployment, type WalletRegistration } from "@goods-ledger/sdk";
import { devAccounts, HARDHAT_MNEMONIC } from "./accounts.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const hardhatCli = join(root, "node_modules", "hardhat", "dist", "src", "cli.js");

/** A running `hardhat node`. */
export type HardhatNode = { url: string; process: ChildProcess; stop: () => Promise<void> };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns hardhat's CLI entry with this process's Node (so the PID we kill is the node itself, TOOLCHAIN.md)
 * on a free port, and resolves once it answers JSON-RPC. Never port 8545.
 *
 * Its standard output goes to /dev/null: the node logs every request, and writes to a pipe block the node
 * whenever the reader is busy (a benchmark's client signing transactions), which would slow the node down
 * for one side of a comparison only.
 *
 * @returns the URL and a `stop()` that kills the process and waits for it to exit.
 */
export async function startHardhatNode(): Promise<HardhatNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [hardhatCli, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  const collect = (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4_000));
  child.stderr!.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited with ${child.exitCode} before starting:\n${errors}`);
    const ready = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' })
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`hardhat node did not answer within 60 s:\n${errors}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.stderr!.off("data", collect);
  child.stderr!.resume();
  return { url, process: child, stop };
}

/** The role holders of a node deployment: Hardhat accounts 0 (admin, the deployer) to 6 (DESIGN.md §2). */
export const nodeRoles = {
  admin: devAccounts[0]!,
  pauser: devAccounts[1]!,
  registrar: devAccounts[2]!,
  compliance: devAccounts[3]!,
  issuer: devAccounts[4]!,
  custodian: devAccounts[5]!,
  auditor: devAccounts[6]!,
};

/** A deployed and funded ledger on a node. */
export type NodeLedger = {
  url: string;
  deployment: LedgerDeployment & { rpcUrl: string };
  /** A client (batched HTTP transport) signing with `account`. */
  clientFor: (account?: LocalAccount) => LedgerClient;
  /** Lot "NODE-LOT-A", 10,000,000 tokens, active for a year. */
  lot: Hex;
  /** The issuer's institution wallet (tier 3, unlimited) holds `issued` tokens. */
  issued: string;
  /** Registered tier-3 institution wallets, funded with `perSender` tokens each (accounts 7, 8, …). */
  senders: LocalAccount[];
  /** Registered tier-1 individuals and a tier-3 merchant, unfunded (accounts after the senders). */
  individuals: LocalAccount[];
  merchant: LocalAccount;
};

/**
 * Deploys the ledger to a node through the Ignition module and sets it up through the SDK.
 *
 * @param url - the node's JSON-RPC URL.
 * @param options - how many funded institution senders and how much each holds; extra registered
 *   recipients (generated addresses, e.g. for the bench's payout run).
 * @returns the deployment and clients.
 */
export async function deployNodeLedger(
  url: string,
  options: { senders?: number; perSender?: string; recipients?: readonly Address[] } = {},
): Promise<NodeLedger> {
  const work = mkdtempSync(join(tmpdir(), "goods-ledger-sdk-"));
  let deployed;
  try {
    const parameters = Object.fromEntries(Object.entries(nodeRoles).filter(([name]) => name !== "admin").map(([name, account]) => [name, account.address]));
    deployed = await deployLedger({
      network: "sdk-node",
      rpcUrl: url,
      deployerKey: privateKeyOf(0),
      parameters,
      deploymentsDir: join(work, "deployments"),
      ignitionDir: join(work, "ignition"),
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const deployment = { ...deployed.deployment, rpcUrl: url };
  const clientFor = (account?: LocalAccount) => createLedgerClient({ deployment, pollingInterval: 50, ...(account ? { account } : {}) }) as LedgerClient;
  const as = (role: keyof typeof nodeRoles) => clientFor(nodeRoles[role]);
  const confirm = async (client: LedgerClient, hash: Promise<Hex>) => waitForTransaction(client, { hash: await hash });

  const senderCount = options.senders ?? 2;
  const senders = devAccounts.slice(7, 7 + senderCount);
  const individuals = devAccounts.slice(7 + senderCount, 10 + senderCount);
  const merchant = devAccounts[10 + senderCount]!;
  const now = BigInt(Math.floor(Date.now() / 1000));
  const kycExpiryDay = dayNumber(new Date()) + 365;

  const compliance = as("compliance");
  await confirm(compliance, compliance.setTierLimits({ tier: 1, maxBalance: "300000", maxTransfer: "50000", dailyOutflow: "100000" }));
  await confirm(compliance, compliance.setTierLimits({ tier: 3, maxBalance: null, maxTransfer: null, dailyOutflow: null }));
  const lot = lotId("NODE-LOT-A");
  const custodian = as("custodian");
  await confirm(
    custodian,
    custodian.attestLot({ lot, classCode: "MAIZE", quantity: 500_000n, unit: "kg", valuation: "10000000", location: "KE-NBO-WH1",
      attestationHash: keccak256(stringToHex("node-lot-a")), attestationURI: "ipfs://node-lot-a", expiresAt: now + 365n * 86_400n }),
  );
  const wallet = (account: Address, role: WalletRegistration["role"], tier: number): WalletRegistration => ({ account, role, tier, region: 254, institution: 1, kycExpiryDay });
  const registrations = [
    wallet(nodeRoles.issuer.address, "institution", 3),
    ...senders.map((s) => wallet(s.address, "institution", 3)),
    ...individuals.map((i) => wallet(i.address, "individual", 1)),
    wallet(merchant.address, "merchant", 3),
    ...(options.recipients ?? []).map((r) => wallet(r, "individual", 3)),
  ];
  const registrar = as("registrar");
  for (let i = 0; i < registrations.length; i += 200) {
    await confirm(registrar, registrar.registerWallets({ wallets: registrations.slice(i, i + 200) }));
  }
  const issuer = as("issuer");
  const perSender = options.perSender ?? "100000";
  const issued = String(Number(perSender) * senderCount + 100_000);
  await confirm(issuer, issuer.issue({ lot, to: nodeRoles.issuer.address, amount: issued, reference: "NODE-CASH-IN" }));
  if (senders.length > 0) await confirm(issuer, issuer.batchTransfer({ transfers: senders.map((s) => ({ to: s.address, amount: perSender })) }));
  return { url, deployment, clientFor, lot, issued, senders, individuals, merchant };
}

/** The private key of Hardhat dev account `index` (the deployer key Ignition signs with). */
function privateKeyOf(index: number): Hex {
  const key = devAccounts[index]!.getHdKey().privateKey;
  if (!key) throw new Error(`no private key for ${HARDHAT_MNEMONIC} #${index}`);
  return `0x${Buffer.from(key).toString("hex")}`;
}
