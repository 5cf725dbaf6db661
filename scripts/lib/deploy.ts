/**
 * Deploys the ledger through the Hardhat Ignition module (ignition/modules/Ledger.ts) to any JSON-RPC URL
 * and writes the deployment file (docs/DESIGN.md §6). Used by `goods-ledger deploy` and the demo.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, getAddress, http, parseAbiItem, type Address, type Hex } from "viem";
import { roles as roleIds } from "@goods-ledger/sdk";
import type { DeploymentFile, RoleName } from "./context.js";
import { CliError } from "./errors.js";
import { LOCAL_CHAIN_ID } from "./keystore.js";
import { createHre } from "./hardhat.js";

/** Options of {@link deployLedger}. */
export interface DeployLedgerOptions {
  /** Name of the deployment file: `<deploymentsDir>/<network>.json`. */
  network: string;
  rpcUrl: string;
  /** The deployer's private key (it pays for and sends every deployment transaction). */
  deployerKey: Hex;
  /** Module parameters: role holders (pauser … auditor), name, symbol; a missing one takes the module's default. */
  parameters: Record<string, string>;
  deploymentsDir: string;
  /** Where Ignition keeps its journals (default: the project's ignition/deployments). */
  ignitionDir?: string;
  /** Forget an earlier (possibly partial) Ignition deployment on this chain and deploy afresh. */
  reset?: boolean;
  /** Progress notes. */
  onNote?: (message: string) => void;
}

/** Where the deployment landed: the deployment file's content and its path. */
export interface DeployLedgerResult {
  deployment: DeploymentFile;
  path: string;
  /** Ignition's deployment id (its journal folder), so a rerun resumes instead of deploying twice. */
  deploymentId: string;
}

const ROLE_BY_ID = new Map<string, RoleName>([
  [roleIds.DEFAULT_ADMIN_ROLE, "admin"],
  [roleIds.PAUSER_ROLE, "pauser"],
  [roleIds.REGISTRAR_ROLE, "registrar"],
  [roleIds.COMPLIANCE_ROLE, "compliance"],
  [roleIds.ISSUER_ROLE, "issuer"],
  [roleIds.CUSTODIAN_ROLE, "custodian"],
  [roleIds.AUDITOR_ROLE, "auditor"],
]);

const roleGranted = parseAbiItem("event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)");
const roleRevoked = parseAbiItem("event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)");

/**
 * Deploys (or resumes deploying) the ledger and writes `<deploymentsDir>/<network>.json`.
 *
 * The Ignition journal is keyed by network name, chain id and genesis hash, so rerunning against the same
 * chain resumes or confirms the deployment, while a fresh local chain (new genesis) gets a fresh one.
 * Role holders and the start block are read back from the chain's `RoleGranted` / `RoleRevoked` events,
 * so the file states what the chain says.
 *
 * @returns The deployment file's content and path.
 */
export async function deployLedger(options: DeployLedgerOptions): Promise<DeployLedgerResult> {
  const note = options.onNote ?? (() => {});
  const hre = await createHre(options.ignitionDir);
  note("compiling contracts…");
  await onStderr(() => hre.tasks.getTask("build").run({ quiet: true, noTests: true }));
  const client = createPublicClient({ transport: http(options.rpcUrl, { retryCount: 0 }) });
  const [chainId, genesis] = await Promise.all([client.getChainId(), client.getBlock({ blockNumber: 0n })]);
  const deploymentId = `${options.network}-${chainId}-${genesis.hash!.slice(2, 10)}`;
  if (options.reset) rmSync(join(hre.config.paths.ignition, "deployments", deploymentId), { recursive: true, force: true });

  const connection = await hre.network.create({
    network: "localhost",
    override: { url: options.rpcUrl, accounts: [options.deployerKey] },
  });
  let contracts: DeploymentFile["contracts"];
  try {
    const { default: ledgerModule } = await import("../../ignition/modules/Ledger.js");
    note(`deploying with Ignition (deployment id ${deploymentId})…`);
    const result = await onStderr(() =>
      connection.ignition.deploy(ledgerModule, {
        parameters: { [ledgerModule.id]: options.parameters },
        deploymentId,
        // Ignition waits for 5 confirmations by default, polling each second: about 5 s per transaction on the
        // local chain's 1 s blocks. The local chain (31337) is a single node that never reorgs: 1 is final.
        config: chainId === LOCAL_CHAIN_ID ? { requiredConfirmations: 1, blockPollingInterval: 200 } : {},
      }),
    );
    const token = getAddress(await result.token.getAddress());
    contracts = { token, walletRegistry: token, reserveRegistry: getAddress(await result.reserveRegistry.getAddress()) };
  } finally {
    await connection.close();
  }

  const { roles, startBlock } = await rolesFromEvents(client, [contracts.token, contracts.reserveRegistry]);
  const decimals = await client.readContract({
    address: contracts.token,
    abi: [parseAbiItem("function decimals() view returns (uint8)")],
    functionName: "decimals",
  });
  const deployment: DeploymentFile = {
    network: options.network,
    chainId,
    rpcUrl: options.rpcUrl,
    startBlock,
    decimals,
    contracts,
    roles,
    deployedAt: new Date().toISOString(),
  };
  mkdirSync(options.deploymentsDir, { recursive: true });
  const path = join(options.deploymentsDir, `${options.network}.json`);
  writeFileSync(path, `${JSON.stringify(deployment, null, 2)}\n`);
  return { deployment, path, deploymentId };
}

/**
 * Runs `work` with whatever it prints on stdout sent to stderr: Hardhat's build prints a blank line when it
 * compiles, and stdout must stay one JSON document under `--json`.
 */
async function onStderr<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

/** Reads who holds each role, and the first block of the deployment, from the role events. */
async function rolesFromEvents(
  client: ReturnType<typeof createPublicClient>,
  addresses: Address[],
): Promise<{ roles: Record<RoleName, Address>; startBlock: number }> {
  const logs = await client.getLogs({ address: addresses, events: [roleGranted, roleRevoked], fromBlock: 0n, toBlock: "latest" });
  if (logs.length === 0) throw new CliError("the deployed contracts emitted no RoleGranted event: is this the ledger?", { code: "deploy-failed" });
  const holders = new Map<RoleName, Address[]>();
  for (const log of logs) {
    const name = ROLE_BY_ID.get(log.args.role!);
    if (name === undefined) continue;
    const list = (holders.get(name) ?? []).filter((a) => a !== log.args.account);
    if (log.eventName === "RoleGranted") list.push(log.args.account!);
    holders.set(name, list);
  }
  const roles = {} as Record<RoleName, Address>;
  for (const name of ROLE_BY_ID.values()) {
    const latest = holders.get(name)?.at(-1);
    if (latest === undefined) throw new CliError(`after deployment nobody holds the ${name} role`, { code: "deploy-failed" });
    roles[name] = latest;
  }
  return { roles, startBlock: Number(logs[0]!.blockNumber) };
}
