/**
 * The `goods-ledger` CLI: one commander program; each command group lives in scripts/commands/<group>.ts
 * and exports `register(program, ctx)` (docs/DESIGN.md §7). Commands are thin: parse, call the SDK or a
 * trace function, print.
 */
import { Command, CommanderError, Option } from "commander";
import { CliContext } from "./lib/context.js";
import { CliError, ExitCode, describeError } from "./lib/errors.js";
import { parseRpcUrl } from "./lib/validate.js";
import * as balance from "./commands/balance.js";
import * as chain from "./commands/chain.js";
import * as deploy from "./commands/deploy.js";
import * as history from "./commands/history.js";
import * as index from "./commands/index.js";
import * as key from "./commands/key.js";
import * as lot from "./commands/lot.js";
import * as migrate from "./commands/migrate.js";
import * as pay from "./commands/pay.js";
import * as serve from "./commands/serve.js";
import * as supply from "./commands/supply.js";
import * as trace from "./commands/trace.js";
import * as transfer from "./commands/transfer.js";
import * as wallet from "./commands/wallet.js";

/** A command group: adds its commands to the program. */
export interface CommandGroup {
  register(program: Command, ctx: CliContext): void;
}

/** Every command group, in the order `--help` lists them. */
export const commandGroups: CommandGroup[] = [chain, deploy, key, wallet, lot, supply, transfer, balance, pay, history, index, trace, serve, migrate];

/**
 * Builds the program with its global options and every command group.
 *
 * @param ctx - The context the commands share (output, deployment, keys).
 * @returns The commander program.
 */
export function buildProgram(ctx: CliContext): Command {
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
  for (const group of commandGroups) group.register(program, ctx);
  // Every command throws instead of exiting, so main() reports all errors the same way.
  const applyExitOverride = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(applyExitOverride);
  };
  applyExitOverride(program);
  return program;
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
  const program = buildProgram(ctx);
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
