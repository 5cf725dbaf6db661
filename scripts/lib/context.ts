/**
 * What every command shares: the global options, the output, the deployment file, the chain connection
 * and the keys. Each command calls only what it needs, so `key list` never touches the chain.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createClient, getAddress, type Address, type Client, type Hash, type Hex, type TransactionReceipt } from "viem";
import { getChainId, getCode } from "viem/actions";
import type { PrivateKeyAccount } from "viem/accounts";
import { createLedgerBaseClient, type LedgerBaseClient, type LedgerClient } from "@goods-ledger/sdk";
import { CliError } from "./errors.js";
import { Keystore, LOCAL_CHAIN_ID, defaultKeystoreDir, devAccounts, keystorePassword } from "./keystore.js";
import { Output } from "./output.js";
import { projectRootDir } from "./paths.js";
import { rpcTransport } from "./rpc-transport.js";

/** The global options, after commander's parsing. */
export interface GlobalOptions {
  json?: boolean;
  quiet?: boolean;
  network: string;
  rpcUrl?: string;
  deployments?: string;
  keystore?: string;
}

/** The role names of a deployment file's `roles` (docs/DESIGN.md §6). */
export const ROLE_NAMES = ["admin", "pauser", "registrar", "compliance", "issuer", "custodian", "auditor"] as const;
/** One of {@link ROLE_NAMES}. */
export type RoleName = (typeof ROLE_NAMES)[number];

/** The deployment file (docs/DESIGN.md §6). */
export interface DeploymentFile {
  network: string;
  chainId: number;
  rpcUrl: string;
  startBlock: number;
  decimals: number;
  contracts: { token: Address; walletRegistry: Address; reserveRegistry: Address };
  roles: Record<RoleName, Address>;
  deployedAt: string;
}

/** Where a transaction landed. */
export interface Sent {
  tx: Hash;
  block: bigint;
}

/** A signing account and how it was found, for messages. */
export interface Signer {
  account: PrivateKeyAccount;
  /** The key itself, for tools that sign on their own (Hardhat Ignition); never printed. */
  privateKey: Hex;
  /** e.g. "keystore key alice", "issuer role holder (dev key #4)". */
  source: string;
}

/**
 * How often the CLI polls for a receipt (ms). The SDK's default (1 s) added up to a second to every command on
 * a chain with 1 s blocks; a receipt poll is one cheap request.
 */
export const RECEIPT_POLL_MS = 200;

/** The shared state of one CLI run. */
export class CliContext {
  /** Where results and notes go. */
  readonly out = new Output();
  /** The CLI's version (package.json). */
  readonly version: string = (JSON.parse(readFileSync(join(projectRootDir, "package.json"), "utf8")) as { version: string }).version;
  #options: GlobalOptions = { network: "localhost" };
  #deployment: DeploymentFile | undefined;
  #client: Client | undefined;

  /** Called before each command with its options merged with the global ones. */
  configure(options: GlobalOptions): void {
    this.#options = options;
    this.out.json = options.json === true;
    this.out.quiet = options.quiet === true;
  }

  /** The global options of the running command. */
  get options(): GlobalOptions {
    return this.#options;
  }

  /** The folder of deployment files: `--deployments`, else the project's deployments/. */
  get deploymentsDir(): string {
    return this.#options.deployments ?? join(projectRootDir, "deployments");
  }

  /** Path of the selected network's deployment file. */
  get deploymentPath(): string {
    return join(this.deploymentsDir, `${this.#options.network}.json`);
  }

  /** The keystore (`--keystore`, else `$GOODS_LEDGER_KEYSTORE`, else ~/.goods-ledger/keystore). */
  get keystore(): Keystore {
    return new Keystore(this.#options.keystore ?? defaultKeystoreDir());
  }

  /** The JSON-RPC URL: `--rpc-url`, else the deployment file's. */
  rpcUrl(): string {
    return this.#options.rpcUrl ?? this.deployment().rpcUrl;
  }

  /**
   * The selected deployment file, read once.
   *
   * @throws CliError naming the file when it is missing or malformed.
   */
  deployment(): DeploymentFile {
    if (this.#deployment) return this.#deployment;
    const path = this.deploymentPath;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
      throw new CliError(
        missing
          ? `no deployment for network "${this.#options.network}" (${path}): run \`goods-ledger deploy\` first, or pick one with --network`
          : `deployment file ${path} is not valid JSON`,
        { code: "no-deployment", cause: error },
      );
    }
    this.#deployment = checkDeploymentFile(raw, path);
    return this.#deployment;
  }

  /** A viem client on {@link CliContext.rpcUrl}, for viem's standalone actions (`getBlock(ctx.publicClient(), …)`). */
  publicClient(): Client {
    this.#client ??= createClient({ transport: rpcTransport(this.rpcUrl(), { retryCount: 0 }) });
    return this.#client;
  }

  /**
   * Checks that the chain behind the RPC URL is the one the deployment file describes: same chain id, and
   * the token's code is there (a restarted in-memory chain has lost it).
   *
   * @param client - The client to ask (default: {@link CliContext.publicClient}); a batching ledger client sends
   * both questions in the same request as the command's own reads.
   */
  async verifyDeployment(client: Client = this.publicClient()): Promise<DeploymentFile> {
    const deployment = this.deployment();
    const [chainId, code] = await Promise.all([getChainId(client), getCode(client, { address: deployment.contracts.token })]);
    if (chainId !== deployment.chainId) {
      throw new CliError(
        `${this.deploymentPath} is for chain ${deployment.chainId}, but ${this.rpcUrl()} is chain ${chainId}`,
        { code: "wrong-chain" },
      );
    }
    if (code === undefined || code === "0x") {
      throw new CliError(
        `no contract at the token address ${deployment.contracts.token} on ${this.rpcUrl()}: the chain was reset (an in-memory chain restarted?); run \`goods-ledger deploy\` again, or keep the chain with \`goods-ledger chain --data-dir\``,
        { code: "stale-deployment" },
      );
    }
    return deployment;
  }

  /**
   * Finds the key to sign with. `who` is a keystore name, an address, a role name of the deployment
   * (admin, pauser, registrar, compliance, issuer, custodian, auditor) or `dev:<n>`. A role or address is
   * looked up in the keystore; on the local chain (id 31337) only, a well-known dev key is accepted too,
   * with a note on stderr.
   *
   * @param who - What `--from` said, or the command's default role.
   * @param chainId - The chain's id (dev keys only on 31337).
   */
  async signer(who: string, chainId: number): Promise<Signer> {
    const dev = /^dev:(\d+)$/.exec(who);
    if (dev) {
      const index = Number(dev[1]);
      const key = devAccounts()[index];
      if (key === undefined) throw new CliError(`--from ${who}: there are dev accounts 0–${devAccounts().length - 1}`, { code: "invalid-input" });
      return this.#devSigner(key.privateKey, index, `dev account #${index}`, chainId);
    }
    let address: Address | undefined;
    let label = who;
    if ((ROLE_NAMES as readonly string[]).includes(who)) {
      address = this.deployment().roles[who as RoleName];
      label = `the ${who} role holder ${address}`;
    } else if (/^0x[0-9a-fA-F]{40}$/.test(who)) {
      address = getAddress(who);
    }
    const keystore = this.keystore;
    const entry = keystore.find(address ?? who);
    if (entry) {
      // A dev key imported into the keystore is still public: the keystore must not launder it onto a real chain.
      const devIndex = devAccounts().findIndex((k) => k.address === entry.address);
      if (devIndex >= 0) refuseDevKeyOffLocalChain(`keystore key ${entry.name} (dev key #${devIndex})`, chainId);
      const password = await keystorePassword(`Password for key ${entry.name} (${entry.address})`);
      const privateKey = await keystore.unlock(entry, password);
      return { account: await accountOf(privateKey), privateKey, source: `keystore key ${entry.name}` };
    }
    if (address !== undefined) {
      const index = devAccounts().findIndex((k) => k.address === address);
      if (index >= 0 && chainId === LOCAL_CHAIN_ID) return this.#devSigner(devAccounts()[index]!.privateKey, index, label, chainId);
      throw new CliError(
        `no key for ${label} in keystore ${keystore.dir}: add it with \`goods-ledger key import <name>\``,
        { code: "no-key" },
      );
    }
    throw new CliError(`no key named "${who}" in keystore ${keystore.dir} (see \`goods-ledger key list\`)`, { code: "no-key" });
  }

  /**
   * A read-only ledger client (SDK) on the deployment, after {@link CliContext.verifyDeployment}.
   */
  async reader(): Promise<LedgerClient> {
    const deployment = this.deployment();
    const { createLedgerClient } = await import("@goods-ledger/sdk");
    const client = createLedgerClient({ deployment, ...this.#ledgerTransport(), pollingInterval: RECEIPT_POLL_MS });
    await this.verifyDeployment(client);
    return client;
  }

  /**
   * Runs a command's reads on a read-only ledger client (the SDK's base client: the reads call the SDK's
   * standalone actions, so a run loads only the actions it uses) while checking the deployment
   * ({@link CliContext.verifyDeployment}) in the same JSON-RPC batch: one round trip instead of two. A failed
   * check wins over the reads' result or error (reads against a reset chain mean nothing).
   *
   * @param reads - The command's reads.
   * @returns What `reads` returned.
   * @example const balance = await ctx.read((client) => getBalance(client, { account }));
   */
  async read<T>(reads: (client: LedgerBaseClient) => Promise<T>): Promise<T> {
    const deployment = this.deployment();
    const client = createLedgerBaseClient({ deployment, ...this.#ledgerTransport(), pollingInterval: RECEIPT_POLL_MS });
    const [verified, result] = await Promise.allSettled([this.verifyDeployment(client), reads(client)]);
    if (verified.status === "rejected") throw verified.reason;
    if (result.status === "rejected") throw result.reason;
    return result.value;
  }

  /**
   * A ledger client (SDK) that signs as `who`, or as the holder of `defaultRole` when `who` is not given.
   *
   * @param who - What `--from` said.
   * @param defaultRole - The deployment role that usually does this (e.g. "issuer" for `issue`).
   */
  async writer(who: string | undefined, defaultRole?: RoleName): Promise<{ client: LedgerClient<PrivateKeyAccount>; signer: Signer }> {
    const deployment = await this.verifyDeployment();
    const spec = who ?? defaultRole;
    if (spec === undefined) throw new CliError("--from is required: a keystore key name or address, a role, or dev:<n> on the local chain", { code: "invalid-input" });
    const signer = await this.signer(spec, deployment.chainId);
    const { createLedgerClient } = await import("@goods-ledger/sdk");
    return { client: createLedgerClient({ deployment, ...this.#ledgerTransport(), account: signer.account, pollingInterval: RECEIPT_POLL_MS }), signer };
  }

  /**
   * Waits for a transaction the SDK sent and returns where it landed. A revert is thrown as the SDK's named
   * rule.
   */
  async confirm(client: LedgerClient, hash: Hash): Promise<Sent> {
    const receipt = await this.receipt(client, hash);
    return { tx: hash, block: receipt.blockNumber };
  }

  /** Like {@link CliContext.confirm}, returning the whole receipt (for its logs). */
  async receipt(client: LedgerClient, hash: Hash): Promise<TransactionReceipt> {
    this.out.note(`sent ${hash}, waiting for the receipt…`);
    return client.waitForTransaction({ hash });
  }

  /** The SDK client's transport: batched as the SDK's own default (`http(url, { batch })`), over node:http. */
  #ledgerTransport() {
    const rpcUrl = this.rpcUrl();
    return { rpcUrl, transport: rpcTransport(rpcUrl, { batch: { batchSize: 100, wait: 0 } }) };
  }

  async #devSigner(privateKey: Hex, index: number, label: string, chainId: number): Promise<Signer> {
    refuseDevKeyOffLocalChain(label, chainId);
    const account = await accountOf(privateKey);
    this.out.note(`note: signing as ${account.address} with Hardhat's well-known dev key #${index}: public, accepted only on the local chain (chain id ${LOCAL_CHAIN_ID})`);
    return { account, privateKey, source: label === `dev account #${index}` ? label : `${label} (dev key #${index})` };
  }
}

/** The signing account of a private key (viem's accounts, with their curve code, load only when a command signs). */
async function accountOf(privateKey: Hex): Promise<PrivateKeyAccount> {
  const { privateKeyToAccount } = await import("viem/accounts");
  return privateKeyToAccount(privateKey);
}

/**
 * Checks a parsed deployment file's shape (docs/DESIGN.md §6).
 *
 * @param raw - The parsed JSON.
 * @param path - The file, for messages.
 * @returns The typed deployment.
 * @throws CliError naming the first bad field.
 */
export function checkDeploymentFile(raw: unknown, path: string): DeploymentFile {
  const d = raw as Partial<DeploymentFile>;
  const bad = (field: string): never => {
    throw new CliError(`deployment file ${path}: field "${field}" is missing or malformed`, { code: "bad-deployment" });
  };
  const isAddr = (v: unknown) => typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v);
  if (typeof d !== "object" || d === null) bad("(root)");
  if (!Number.isInteger(d.chainId)) bad("chainId");
  if (typeof d.rpcUrl !== "string") bad("rpcUrl");
  if (!Number.isInteger(d.startBlock)) bad("startBlock");
  if (!Number.isInteger(d.decimals)) bad("decimals");
  for (const c of ["token", "walletRegistry", "reserveRegistry"] as const) if (!isAddr(d.contracts?.[c])) bad(`contracts.${c}`);
  for (const r of ROLE_NAMES) if (!isAddr(d.roles?.[r])) bad(`roles.${r}`);
  return d as DeploymentFile;
}

/**
 * The one dev-key rule, whichever way the key arrived (`dev:<n>`, a role or address, or the keystore): Hardhat's
 * well-known keys are public, so they sign only on the local chain.
 */
function refuseDevKeyOffLocalChain(label: string, chainId: number): void {
  if (chainId === LOCAL_CHAIN_ID) return;
  throw new CliError(
    `refusing a well-known dev key for ${label}: dev keys are public and allowed only on the local chain (chain id ${LOCAL_CHAIN_ID}); this chain is ${chainId}`,
    { code: "dev-key-refused" },
  );
}
