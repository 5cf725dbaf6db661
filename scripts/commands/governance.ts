/**
 * `goods-ledger role grant|revoke|list`, `admin show|transfer|accept|cancel`, `pause`, `unpause`:
 * who may do what on the ledger. Every command that needs a role checks, before anything is sent, that the
 * signer holds it, and names the missing role in one line.
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import type { Address } from "viem";
import { getBlock } from "viem/actions";
import { resolveRole, roleName, roles, type LedgerClient, type LedgerContract, type RoleName } from "@goods-ledger/sdk";
import type { CliContext } from "../lib/context.js";
import { CliError } from "../lib/errors.js";
import { examples, fromOption } from "../lib/options.js";
import { table } from "../lib/output.js";
import { parseAddress } from "../lib/validate.js";

const CONTRACT_NAMES: Record<LedgerContract, string> = { token: "the token", reserveRegistry: "the reserve registry" };

/** Registers `role`, `admin`, `pause` and `unpause`. */
export function register(program: Command, ctx: CliContext): void {
  const role = program
    .command("role")
    .description("grant, revoke and list roles (the admin grants and revokes)")
    .addHelpText("after", examples("role list", "role grant issuer 0x90F79bf6EB2c4f870365E785982E1f101E93b906", "role revoke issuer 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --json"));
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

  const adminGroup = program
    .command("admin")
    .description("the admin role of each contract: a two-step transfer with a delay (begin, wait, accept), never a one-call handover")
    .addHelpText("after", examples("admin show", "admin transfer 0x90F79bf6EB2c4f870365E785982E1f101E93b906", "admin accept --from new-admin", "admin cancel"));

  adminGroup
    .command("show")
    .description("each contract's admin, pending transfer (who, and from when it can be accepted) and delay")
    .addOption(adminContractOption())
    .addHelpText("after", examples("admin show", "admin show --contract reserve --json"))
    .action(async (o: { contract: AdminContracts }) => {
      const client = await ctx.reader();
      const states = await Promise.all(o.contract.map(async (contract) => ({ contract, ...(await client.getDefaultAdmin({ contract })) })));
      ctx.out.result(
        { contracts: states },
        states.map(
          (s) =>
            `${CONTRACT_NAMES[s.contract]}: admin ${s.admin}, delay ${duration(s.delay)}` +
            (s.pendingAdmin ? `; pending transfer to ${s.pendingAdmin}, acceptable from ${isoTime(s.acceptableAt!)}` : "; no pending transfer") +
            (s.pendingDelay ? `; delay becomes ${duration(s.pendingDelay.delay)} at ${isoTime(s.pendingDelay.effectiveAt)}` : ""),
        ),
      );
    });

  adminGroup
    .command("transfer")
    .description("begin the transfer of the admin role to a new account (the current admin); it accepts after the delay")
    .argument("<new-admin>", "the account that will be admin", parseAddress)
    .addOption(adminContractOption())
    .addOption(fromOption("admin"))
    .addHelpText(
      "after",
      `\nThe new admin then runs \`admin accept\` once the delay has passed; until then \`admin cancel\` withdraws it.
Beginning again replaces a pending transfer.${examples("admin transfer 0x90F79bf6EB2c4f870365E785982E1f101E93b906", "admin transfer 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --contract token --json")}`,
    )
    .action(async (newAdmin: Address, o: { contract: AdminContracts; from?: string }) => {
      const { client, signer } = await ctx.writer(o.from, "admin");
      for (const contract of o.contract) await requireAdmin(client, contract, signer.account.address, "admin transfer");
      const results = [];
      for (const contract of o.contract) {
        const sent = await ctx.confirm(client, await client.beginDefaultAdminTransfer({ newAdmin, contract }));
        const state = await client.getDefaultAdmin({ contract, blockNumber: sent.block });
        results.push({ contract, pendingAdmin: newAdmin, acceptableAt: state.acceptableAt!, ...sent });
      }
      ctx.out.result(
        { transfers: results },
        results.map((r) => `${CONTRACT_NAMES[r.contract]}: admin transfer to ${newAdmin} begun; it can accept from ${isoTime(r.acceptableAt)} (tx ${r.tx}, block ${r.block})`),
      );
    });

  adminGroup
    .command("accept")
    .description("as the pending admin: accept the admin role once the delay has passed")
    .addOption(adminContractOption())
    .addOption(fromOption().makeOptionMandatory())
    .addHelpText("after", examples("admin accept --from new-admin", "admin accept --from 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --contract reserve --json"))
    .action(async (o: { contract: AdminContracts; from: string }) => {
      const { client, signer } = await ctx.writer(o.from);
      const me = signer.account.address;
      const now = BigInt((await getBlock(ctx.publicClient(), { blockTag: "latest" })).timestamp);
      for (const contract of o.contract) {
        const state = await client.getDefaultAdmin({ contract });
        if (state.pendingAdmin === undefined || state.pendingAdmin.toLowerCase() !== me.toLowerCase()) {
          throw new CliError(
            `${me} is not the pending admin of ${CONTRACT_NAMES[contract]} (${state.pendingAdmin ? `pending: ${state.pendingAdmin}` : "no transfer is pending"}): nothing was sent`,
            { code: "not-pending-admin", details: { contract, pendingAdmin: state.pendingAdmin ?? null } },
          );
        }
        if (now <= state.acceptableAt!) {
          throw new CliError(`the admin transfer of ${CONTRACT_NAMES[contract]} can be accepted only after ${isoTime(state.acceptableAt!)} (the admin delay): nothing was sent`, {
            code: "admin-delay",
            details: { contract, acceptableAt: state.acceptableAt! },
          });
        }
      }
      const results = [];
      for (const contract of o.contract) results.push({ contract, admin: me, ...(await ctx.confirm(client, await client.acceptDefaultAdminTransfer({ contract }))) });
      ctx.out.result(
        { accepted: results },
        results.map((r) => `${me} is now the admin of ${CONTRACT_NAMES[r.contract]} (tx ${r.tx}, block ${r.block})`),
      );
    });

  adminGroup
    .command("cancel")
    .description("as the current admin: cancel a pending admin transfer")
    .addOption(adminContractOption())
    .addOption(fromOption("admin"))
    .addHelpText("after", examples("admin cancel", "admin cancel --contract token --json"))
    .action(async (o: { contract: AdminContracts; from?: string }) => {
      const { client, signer } = await ctx.writer(o.from, "admin");
      const pending: LedgerContract[] = [];
      for (const contract of o.contract) {
        await requireAdmin(client, contract, signer.account.address, "admin cancel");
        if ((await client.getDefaultAdmin({ contract })).pendingAdmin !== undefined) pending.push(contract);
      }
      if (pending.length === 0) throw new CliError("no admin transfer is pending: nothing was sent", { code: "no-change" });
      const results = [];
      for (const contract of pending) results.push({ contract, ...(await ctx.confirm(client, await client.cancelDefaultAdminTransfer({ contract }))) });
      ctx.out.result({ canceled: results }, results.map((r) => `the pending admin transfer of ${CONTRACT_NAMES[r.contract]} is canceled (tx ${r.tx}, block ${r.block})`));
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

/** The contracts an `admin` command acts on. */
type AdminContracts = LedgerContract[];

async function requireAdmin(client: LedgerClient, contract: LedgerContract, account: Address, what: string): Promise<void> {
  const { admin } = await client.getDefaultAdmin({ contract });
  if (admin.toLowerCase() === account.toLowerCase()) return;
  throw new CliError(`${account} does not hold DEFAULT_ADMIN_ROLE on ${CONTRACT_NAMES[contract]} (the admin is ${admin}), which \`${what}\` needs: nothing was sent`, {
    code: "missing-role",
    details: { role: "DEFAULT_ADMIN_ROLE", contract, account },
  });
}

function adminContractOption(): Option {
  return new Option("--contract <name>", "token, reserve, or both (each contract has its own admin)")
    .default(["token", "reserveRegistry"], "both")
    .argParser((value: string): AdminContracts => {
      if (value === "both") return ["token", "reserveRegistry"];
      if (value === "token") return ["token"];
      if (value === "reserve" || value === "reserveRegistry" || value === "reserve-registry") return ["reserveRegistry"];
      throw new InvalidArgumentError(`"${value}" is not token, reserve or both`);
    });
}

function isoTime(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString();
}

function duration(seconds: bigint): string {
  const s = Number(seconds);
  if (s % 86_400 === 0) return `${s / 86_400} day${s === 86_400 ? "" : "s"}`;
  if (s % 3_600 === 0) return `${s / 3_600} h`;
  return `${s} s`;
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
