/**
 * The `goods-ledger` CLI: one commander program; each command group lives in scripts/commands/<group>.ts
 * and exports `register(program, ctx)` (docs/DESIGN.md §7). Commands are thin: parse, call the SDK or a
 * trace function, print.
 *
 * Start-up: a run loads only the group of the command it runs (`balance` never loads the indexer, the trace
 * engine or the server); `--help`, no command or an unknown one load them all. A group lists its top-level
 * commands in {@link commandGroupModules} (a test checks the list against what each group registers).
 */
import { Command, CommanderError, Option } from "commander";
import { CliContext } from "./lib/context.js";
import { CliError, ExitCode, describeError } from "./lib/errors.js";
import { parseRpcUrl } from "./lib/validate.js";

/** A command group: adds its commands to the program. */
export interface CommandGroup {
  register(program: Command, ctx: CliContext): void;
}

/** Every command group, in the order `--help` lists them: the top-level commands it registers, and its module. */
export const commandGroupModules: { commands: string[]; load: () => Promise<CommandGroup> }[] = [
  { commands: ["chain"], load: () => import("./commands/chain.js") },
  { commands: ["deploy"], load: () => import("./commands/deploy.js") },
  { commands: ["key"], load: () => import("./commands/key.js") },
  { commands: ["wallet"], load: () => import("./commands/wallet.js") },
  { commands: ["lot"], load: () => import("./commands/lot.js") },
  { commands: ["issue", "redeem"], load: () => import("./commands/supply.js") },
  { commands: ["transfer"], load: () => import("./commands/transfer.js") },
  { commands: ["balance", "limits"], load: () => import("./commands/balance.js") },
  { commands: ["pay"], load: () => import("./commands/pay.js") },
  { commands: ["history"], load: () => import("./commands/history.js") },
  { commands: ["index"], load: () => import("./commands/index.js") },
  { commands: ["trace"], load: () => import("./commands/trace.js") },
  { commands: ["serve"], load: () => import("./commands/serve.js") },
  { commands: ["role", "admin", "pause", "unpause"], load: () => import("./commands/governance.js") },
  { commands: ["payout"], load: () => import("./commands/payout.js") },
  { commands: ["migrate"], load: () => import("./commands/migrate.js") },
];

/** Global options that take a value (so their value is not mistaken for the command's name). */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(["-n", "--network", "--rpc-url", "--deployments", "--keystore"]);

/**
 * Loads the command groups a run needs: the one that registers `argv`'s command, or every group (for help, no
 * command, or a name no group registers, so commander can list or suggest them).
 *
 * @param argv - `process.argv`; omitted: every group.
 */
export async function loadCommandGroups(argv?: string[]): Promise<CommandGroup[]> {
  let name: string | undefined;
  for (let i = 2; argv !== undefined && i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    if (!arg.startsWith("-")) {
      name = arg;
      break;
    }
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
  }
  const wanted = commandGroupModules.filter((g) => name !== undefined && g.commands.includes(name));
  return Promise.all((wanted.length > 0 ? wanted : commandGroupModules).map((g) => g.load()));
}

/**
 * Builds the program with its global options and the given command groups.
 *
 * @param ctx - The context the commands share (output, deployment, keys).
 * @param groups - The command groups to register ({@link loadCommandGroups}).
 * @returns The commander program.
 */
export function buildProgram(ctx: CliContext, groups: CommandGroup[]): Command {
  const program = new Command("goods-ledger")
    .description("Operate a goods-backed token ledger: local chain, deploy, wallets, lots, issuance, payments, history.")
    .version(ctx.version, "-V, --version")
    .option("--json", "print one JSON document on stdout (errors too, as { ok: false, error })")
    .option("-q, --quiet", "no notes or progress on stderr")
    .addOption(
      new Option("-n, --network <name>", "deployment to use: deployments/<name>.json").env("GOODS_LEDGER_NETWORK").default("localhost"),
    )
    .addOption(new Option("--rpc-url <url>", "JSON-RPC URL (default: the deployment file's rpcUrl)").env("GOODS_LEDGER_RPC_URL").argParser(parseRpcUrl))
    .addOption(new Option("--deployments <dir>", "folder of deployment files").env("GOODS_LEDGER_DEPLOYMENTS"))
    .addOption(new Option("--keystore <dir>", "folder of encrypted JSON keys (default ~/.goods-ledger/keystore)").env("GOODS_LEDGER_KEYSTORE"))
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  program.hook("preAction", (_program, action) => ctx.configure(action.optsWithGlobals()));
  for (const group of groups) group.register(program, ctx);
  program.addHelpText(
    "after",
    `
Examples:
  $ goods-ledger chain --data-dir .data/chain        # a local chain kept on disk (leave it running)
  $ goods-ledger deploy                              # contracts, roles and tiers → deployments/localhost.json
  $ goods-ledger wallet import wallets.csv           # register wallets in bulk, resumable
  $ goods-ledger issue WR-0001 0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f 60000
  $ goods-ledger balance 0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f --json
  $ goods-ledger wallet --help                       # a group's commands, with examples

Every command's --help has examples.`,
  );
  // A group's help (\`goods-ledger wallet --help\`) shows the first example of each of its commands.
  for (const command of program.commands) {
    if (command.commands.length > 0) command.addHelpText("after", () => groupExamples(command));
  }
  // Every command throws instead of exiting, so main() reports all errors the same way.
  const applyExitOverride = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(applyExitOverride);
  };
  applyExitOverride(program);
  return program;
}

/** "Examples:" for a command group: the first example of each subcommand's own help. */
function groupExamples(group: Command): string {
  const lines: string[] = [];
  for (const sub of group.commands) {
    let text = "";
    const saved = sub.configureOutput();
    sub.configureOutput({ ...saved, writeOut: (s) => (text += s) });
    sub.outputHelp();
    sub.configureOutput(saved);
    const first = /Examples:\n\s*(\$ goods-ledger [^\n]*)/.exec(text)?.[1];
    if (first) lines.push(`  ${first}`);
  }
  return lines.length > 0 ? `\nExamples:\n${lines.join("\n")}` : "";
}

/**
 * Runs the CLI: parses `argv`, runs the command, reports any error as one line on stderr (and as
 * `{ ok: false, error }` on stdout with `--json`), and sets the exit code.
 *
 * @param argv - `process.argv`.
 */
export async function main(argv: string[]): Promise<void> {
  const ctx = new CliContext();
  ctx.out.json = argv.includes("--json");
  const program = buildProgram(ctx, await loadCommandGroups(argv));
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; commander has already printed the text.
      if (error.exitCode === 0) return;
      process.exitCode = error.exitCode;
      // Commander prints its own parse errors ("error: …"); a parser error thrown later has not been printed.
      if (!error.message.startsWith("error: ")) process.stderr.write(`error: ${error.message}\n`);
      if (ctx.out.json) ctx.out.failure("invalid-input", error.message.replace(/^error: /, ""), { commander: error.code });
      return;
    }
    const { message, code } = describeError(error);
    process.stderr.write(`error: ${message}\n`);
    if (process.env.GOODS_LEDGER_DEBUG) console.error(error);
    if (ctx.out.json) ctx.out.failure(code, message, error instanceof CliError ? error.details : undefined);
    process.exitCode = error instanceof CliError ? error.exitCode : ExitCode.error;
  }
}
