/**
 * `goods-ledger role grant|revoke|list`, `pause`, `unpause` (and, with contracts v2, `admin transfer|accept|cancel|show`):
 * who may do what on the ledger. Every command that needs a role checks, before anything is sent, that the
 * signer holds it, and names the missing role in one line.
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import type { Address } from "viem";
import type { LedgerClient } from "../../src/sdk/client.js";
import type { LedgerContract } from "../../src/sdk/internal/contracts.js";
import { resolveRole } from "../../src/sdk/internal/roles.js";
import { roleName, roles, type RoleName } from "../../src/sdk/roles.js";
import type { CliContext } from "../lib/context.js";
import { CliError } from "../lib/errors.js";
import { examples, fromOption } from "../lib/options.js";
import { table } from "../lib/output.js";
import { parseAddress } from "../lib/validate.js";

const CONTRACT_NAMES: Record<LedgerContract, string> = { token: "the token", reserveRegistry: "the reserve registry" };

/** Registers `role`, `pause` and `unpause`. */
export function register(program: Command, ctx: CliContext): void {
  const role = program.command("role").description("grant, revoke and list roles (the admin grants and revokes)");
  const roleList = Object.keys(roles)
    .filter((r) => r !== "DEFAULT_ADMIN_ROLE")
    .map((r) => r.replace(/_ROLE$/, "").toLowerCase())
    .join(", ");

  for (const verb of ["grant", "revoke"] as const) {
    role
      .command(verb)
      .description(`${verb} a role ${verb === "grant" ? "to" : "from"} an account (needs the role's admin role, DEFAULT_ADMIN_ROLE)`)
      .argument("<role>", `the role: ${roleList} (or ISSUER_ROLE…)`, parseRoleName)
      .argument("<account>", "the account", parseAddress)
      .addOption(contractOption())
      .addOption(fromOption("admin"))
      .addHelpText(
        "after",
        `\nThe admin role itself moves only by the two-step \`admin transfer\` / \`admin accept\`.${examples(
          `role ${verb} issuer 0x90F79bf6EB2c4f870365E785982E1f101E93b906`,
          `role ${verb} custodian 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65 --from admin --json`,
        )}`,
      )
      .action(async (name: RoleName, account: Address, o: { contract?: LedgerContract; from?: string }) => {
        if (name === "DEFAULT_ADMIN_ROLE") {
          throw new CliError("DEFAULT_ADMIN_ROLE is not granted or revoked: move it with `admin transfer` and `admin accept` (two steps, with a delay)", { code: "invalid-input" });
        }
        const { client, signer } = await ctx.writer(o.from, "admin");
        const target = resolveRole(name, o.contract);
        const adminRole = await client.getRoleAdmin({ role: name, contract: target.contract });
        await requireRole(client, adminRole, target.contract, signer.account.address, `role ${verb} ${name}`);
        const holds = await client.hasRole({ role: name, account, contract: target.contract });
        if (verb === "grant" && holds) throw new CliError(`${account} already holds ${name} on ${CONTRACT_NAMES[target.contract]}: nothing was sent`, { code: "no-change" });
        if (verb === "revoke" && !holds) throw new CliError(`${account} does not hold ${name} on ${CONTRACT_NAMES[target.contract]}: nothing was sent`, { code: "no-change" });
        const hash = verb === "grant" ? await client.grantRole({ role: name, account, contract: target.contract }) : await client.revokeRole({ role: name, account, contract: target.contract });
        const sent = await ctx.confirm(client, hash);
        ctx.out.result(
          { role: name, account, contract: target.contract, action: verb, ...sent },
          `${verb === "grant" ? "granted" : "revoked"} ${name} ${verb === "grant" ? "to" : "from"} ${account} on ${CONTRACT_NAMES[target.contract]} (tx ${sent.tx}, block ${sent.block})`,
        );
      });
  }

  role
    .command("list")
    .description("list who holds every role on both contracts (from the role events, each member confirmed on chain)")
    .option("--account <address>", "only the roles of this account", parseAddress)
    .addHelpText("after", examples("role list", "role list --account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --json"))
    .action(async (o: { account?: Address }) => {
      const client = await ctx.reader();
      const { blockNumber, roles: held } = await client.getRoleMembers({ fromBlock: BigInt(ctx.deployment().startBlock) });
      const rows = held
        .flatMap((r) => r.members.map((member) => ({ contract: r.contract, role: r.role ?? r.roleId, roleId: r.roleId, account: member })))
        .filter((r) => o.account === undefined || r.account.toLowerCase() === o.account.toLowerCase());
      ctx.out.result(
        { blockNumber, roles: rows },
        rows.length === 0
          ? `${o.account ?? "nobody"} holds no role (block ${blockNumber})`
          : [...table([["contract", "role", "account"], ...rows.map((r) => [r.contract, r.role, r.account])]), `(at block ${blockNumber})`],
      );
    });

  for (const verb of ["pause", "unpause"] as const) {
    program
      .command(verb)
      .description(verb === "pause" ? "pause the token: no transfers, issues or redemptions (PAUSER_ROLE)" : "unpause the token (PAUSER_ROLE)")
      .addOption(fromOption("pauser"))
      .addHelpText(
        "after",
        `\n${verb === "pause" ? "Freezing, denylisting, seizure and role changes still work while paused." : "Transfers, issues and redemptions resume."}${examples(verb, `${verb} --from pauser --json`)}`,
      )
      .action(async (o: { from?: string }) => {
        const { client, signer } = await ctx.writer(o.from, "pauser");
        await requireRole(client, roles.PAUSER_ROLE, "token", signer.account.address, verb);
        const paused = await client.isPaused();
        if (verb === "pause" && paused) throw new CliError("the token is already paused: nothing was sent", { code: "no-change" });
        if (verb === "unpause" && !paused) throw new CliError("the token is not paused: nothing was sent", { code: "no-change" });
        const sent = await ctx.confirm(client, verb === "pause" ? await client.pause() : await client.unpause());
        ctx.out.result({ paused: verb === "pause", ...sent }, `the token is ${verb === "pause" ? "paused" : "unpaused"} (tx ${sent.tx}, block ${sent.block})`);
      });
  }
}

/**
 * Refuses, before anything is sent, a command whose signer lacks the role it needs.
 *
 * @param client - A client on the deployment.
 * @param roleId - The role needed.
 * @param contract - Where it must be held.
 * @param account - The signer.
 * @param what - The command, for the message.
 */
async function requireRole(client: LedgerClient, roleId: `0x${string}`, contract: LedgerContract, account: Address, what: string): Promise<void> {
  if (await client.hasRole({ role: roleId, account, contract })) return;
  const name = roleName(roleId) ?? roleId;
  throw new CliError(`${account} does not hold ${name} on ${CONTRACT_NAMES[contract]}, which \`${what}\` needs: nothing was sent`, {
    code: "missing-role",
    details: { role: name, contract, account },
  });
}

function contractOption(): Option {
  return new Option("--contract <name>", "where the role is held: token or reserve (default: where the ledger keeps that role)").argParser((value: string): LedgerContract => {
    if (value === "token") return "token";
    if (value === "reserve" || value === "reserveRegistry" || value === "reserve-registry") return "reserveRegistry";
    throw new InvalidArgumentError(`"${value}" is not token or reserve`);
  });
}

/**
 * Parses a role name: `issuer`, `ISSUER`, `ISSUER_ROLE` or `admin`.
 *
 * @param value - The raw input.
 * @returns The SDK's role name.
 */
export function parseRoleName(value: string): RoleName {
  const upper = value.trim().toUpperCase().replace(/-/g, "_");
  const name = upper === "ADMIN" || upper === "DEFAULT_ADMIN" ? "DEFAULT_ADMIN_ROLE" : upper.endsWith("_ROLE") ? upper : `${upper}_ROLE`;
  if (!(name in roles)) {
    throw new InvalidArgumentError(`"${value}" is not a role: one of ${Object.keys(roles).map((r) => r.replace(/_ROLE$/, "").toLowerCase()).join(", ")}`);
  }
  return name as RoleName;
}
