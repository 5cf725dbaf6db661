/**
 * `goods-ledger deploy`: the Ignition module to any JSON-RPC URL, then deployments/<network>.json.
 */
import { Option, type Command } from "commander";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, http, type Address } from "viem";
import { ROLE_NAMES, type CliContext, type RoleName } from "../lib/context.js";
import { CliError, invalidInput } from "../lib/errors.js";
import { LOCAL_CHAIN_ID, devAccounts } from "../lib/keystore.js";
import { table } from "../lib/output.js";
import { parseAddress, parseExistingFile } from "../lib/validate.js";

const LOCAL_RPC_URL = "http://127.0.0.1:8545";

/** The token's name when `--token-name` is not given: neutral, naming no country's currency. */
export const DEFAULT_TOKEN_NAME = "Goods Ledger Token";
/** The token's symbol when `--token-symbol` is not given. */
export const DEFAULT_TOKEN_SYMBOL = "GLT";

/** Registers `deploy`. */
export function register(program: Command, ctx: CliContext): void {
  const command = program
    .command("deploy")
    .description("deploy GoodsToken and ReserveRegistry with the Ignition module, wire the roles, write deployments/<network>.json")
    .option("--from <key>", "deployer: a keystore key name or address (default on the local chain: dev:0)")
    .option("--roles <file>", "JSON file of role holders, e.g. {\"issuer\": \"0x…\", …}", parseExistingFile)
    .option("--reset", "forget an earlier, possibly partial, Ignition deployment on this chain and deploy afresh");
  for (const role of MODULE_ROLES) {
    command.addOption(new Option(`--${role} <address>`, `holder of the ${role} role`).argParser(parseAddress));
  }
  command
    .option("--token-name <name>", "the token's ERC-20 (and EIP-712) name", DEFAULT_TOKEN_NAME)
    .option("--token-symbol <symbol>", "the token's symbol", DEFAULT_TOKEN_SYMBOL)
    .option("--no-tiers", "do not set the default tier limits after deploying");
  command
    .addHelpText(
      "after",
      `
Role holders: every role goes to its own address (the admin cannot issue, the issuer cannot freeze…).
The admin is the deployer (--from). On the local chain (id ${LOCAL_CHAIN_ID}) a role you do not name goes to
the module's default dev account (docs/DESIGN.md §2); on any other chain name all of them (--roles file or
one option each).

Tier limits: unless --no-tiers, and if no tier is configured yet, the compliance role holder then sets the
default tiers 1–3 (ignition/modules/Ledger.ts DEFAULT_TIER_LIMITS), when the CLI has its key; otherwise the
compliance officer runs \`goods-ledger limits set\`.

Deploying again to the same chain resumes or confirms the same deployment (Ignition's journal, kept in
<deployments>/ignition/deployments/<network>-<chain id>-<genesis hash>); --reset deploys a new one.

Examples:
  $ goods-ledger deploy                                        # local chain on ${LOCAL_RPC_URL}
  $ goods-ledger deploy --rpc-url http://127.0.0.1:8600 --json
  $ goods-ledger deploy -n besu --rpc-url https://besu.bank.example:8545 --from ops-deployer --roles roles.json`,
    )
    .action(async (options: DeployOptions) => {
      const network = ctx.options.network;
      const rpcUrl = ctx.options.rpcUrl ?? (network === "localhost" ? LOCAL_RPC_URL : undefined);
      if (rpcUrl === undefined) throw invalidInput("--rpc-url", `required to deploy network "${network}"`);
      const chainId = await createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) }).getChainId();

      const roles: Partial<Record<ModuleRole, Address>> = options.roles ? readRolesFile(options.roles) : {};
      for (const role of MODULE_ROLES) if (options[role]) roles[role] = options[role];
      const missing = MODULE_ROLES.filter((r) => roles[r] === undefined);
      if (chainId !== LOCAL_CHAIN_ID && missing.length > 0) {
        throw new CliError(`chain ${chainId} is not the local chain: name the holder of every role (missing: ${missing.join(", ")})`, {
          code: "invalid-input",
        });
      }
      // Loaded here, not at the top: the module pulls in Ignition, which every other command would pay for.
      const { DEFAULT_ROLE_ACCOUNTS } = await import("../../ignition/modules/Ledger.js");
      for (const role of missing) roles[role] = devAccounts()[DEFAULT_ROLE_ACCOUNTS[role]]!.address;
      const from = options.from ?? (chainId === LOCAL_CHAIN_ID ? "dev:0" : undefined);
      if (from === undefined) throw invalidInput("--from", `a deployer key is required on chain ${chainId}`);
      const deployer = await ctx.signer(from, chainId);

      const { deployLedger } = await import("../lib/deploy.js");
      const { deployment, path, deploymentId } = await deployLedger({
        network,
        rpcUrl,
        deployerKey: deployer.privateKey,
        parameters: { ...roles, ...(options.tokenName && { name: options.tokenName }), ...(options.tokenSymbol && { symbol: options.tokenSymbol }) },
        deploymentsDir: ctx.deploymentsDir,
        ignitionDir: join(ctx.deploymentsDir, "ignition"),
        reset: options.reset,
        onNote: (m) => ctx.out.note(m),
      });
      const tiers = options.tiers ? await setDefaultTiers(ctx) : "not set (--no-tiers)";
      ctx.out.result({ ...deployment, file: path, ignitionDeploymentId: deploymentId, tiers }, [
        `tier limits: ${tiers}`,
        `deployed to chain ${deployment.chainId} at ${rpcUrl}, from block ${deployment.startBlock}; wrote ${path}`,
        ...table([
          ["token (and wallet registry)", deployment.contracts.token],
          ["reserve registry", deployment.contracts.reserveRegistry],
          ...ROLE_NAMES.map((r) => [`${r} role`, deployment.roles[r]]),
        ]),
      ]);
    });
}

/**
 * Sets the module's default tier limits (tiers 1–3) from the compliance role holder, for each tier not
 * configured yet; skipped with a note when the CLI has no key for that holder.
 *
 * @returns What happened, for the output.
 */
async function setDefaultTiers(ctx: CliContext): Promise<string> {
  let writer;
  try {
    writer = await ctx.writer(undefined, "compliance");
  } catch (error) {
    if (error instanceof CliError && error.code === "no-key") {
      return `not set: ${error.message}; the compliance officer sets them with \`goods-ledger limits set\``;
    }
    throw error;
  }
  const { client } = writer;
  const { DEFAULT_TIER_LIMITS, UNLIMITED } = await import("../../ignition/modules/Ledger.js");
  const set: number[] = [];
  for (const t of DEFAULT_TIER_LIMITS) {
    if ((await client.getTierLimits({ tier: t.tier })).configured) continue;
    const limit = (v: bigint) => (v === UNLIMITED ? null : v);
    await ctx.confirm(
      client,
      await client.setTierLimits({ tier: t.tier, maxBalance: limit(t.maxBalance), maxTransfer: limit(t.maxTransfer), dailyOutflow: limit(t.dailyOutflow) }),
    );
    set.push(t.tier);
  }
  return set.length > 0 ? `set tiers ${set.join(", ")} (DEFAULT_TIER_LIMITS)` : "already configured";
}

/** The roles the module takes as parameters: all but the admin, which is the deployer. */
const MODULE_ROLES = ROLE_NAMES.filter((r): r is Exclude<RoleName, "admin"> => r !== "admin");
type ModuleRole = (typeof MODULE_ROLES)[number];

interface DeployOptions extends Partial<Record<ModuleRole, Address>> {
  from?: string;
  roles?: string;
  reset?: boolean;
  tokenName?: string;
  tokenSymbol?: string;
  tiers: boolean;
}

function readRolesFile(path: string): Partial<Record<ModuleRole, Address>> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch {
    throw invalidInput(`--roles ${path}`, "not valid JSON");
  }
  const roles: Partial<Record<ModuleRole, Address>> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === "admin") throw invalidInput(`--roles ${path}`, "the admin is the deployer (--from), not a parameter");
    if (!(MODULE_ROLES as readonly string[]).includes(key)) throw invalidInput(`--roles ${path}`, `unknown role "${key}" (roles: ${MODULE_ROLES.join(", ")})`);
    try {
      roles[key as ModuleRole] = parseAddress(String(value));
    } catch (error) {
      throw invalidInput(`--roles ${path}, role ${key}`, (error as Error).message);
    }
  }
  return roles;
}
