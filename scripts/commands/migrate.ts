/**
 * `goods-ledger migrate --from <v1 network> --to <v2 network>`: the v1 → v2 migration (docs/DESIGN.md §5).
 * The logic lives in scripts/lib/migrate/; this file parses, picks the keys and prints.
 */
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, http, type PublicClient } from "viem";
import { ROLE_NAMES, checkDeploymentFile, type CliContext, type DeploymentFile, type RoleName } from "../lib/context.js";
import { CliError, invalidInput } from "../lib/errors.js";
import { table } from "../lib/output.js";
import { ProgressBar } from "../lib/progress.js";
import { parseRpcUrl } from "../lib/validate.js";

interface MigrateCliOptions {
  from: string;
  to: string;
  toRpcUrl?: string;
  admin?: string;
  pauser?: string;
  batchSize: string;
  verify: boolean;
}

/** Registers `migrate`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("migrate")
    .description("migrate a v1 ledger to a fresh v2 deployment: pause v1, snapshot it at a pinned block, deploy v2, import in resumable batches, seal, reconcile")
    .requiredOption("--from <network>", "the v1 deployment: <deployments>/<network>.json")
    .requiredOption("--to <network>", "the new v2 deployment's name: <deployments>/<network>.json must not name a live ledger")
    .option("--to-rpc-url <url>", "JSON-RPC URL of the v2 chain (default: the v1 deployment's, i.e. the same chain)", parseRpcUrl)
    .option("--admin <key>", "v2's deployer and admin (keystore name, address, role of the v1 file, or dev:<n>; default: v1's admin)")
    .option("--pauser <key>", "a v1 PAUSER_ROLE holder, to pause v1 (default: v1's pauser; not needed if v1 is paused)")
    .option("--batch-size <n>", "wallets or lots per import transaction", "50")
    .option("--no-verify", "skip the reconciliation of v2 against the snapshot at the end")
    .addHelpText(
      "after",
      `
What it does, in order (each step checks the chain first, so a rerun resumes where it stopped):
  1. refuses before sending anything: a --to whose deployment file names a ledger that exists on chain
     (a migration never writes into a ledger with data), a --pauser without PAUSER_ROLE on an unpaused v1;
  2. pauses v1 and snapshots every wallet, alias, lot, tier and balance at one block, pinned by its hash;
  3. deploys v2 (same role holders as v1), imports tiers, wallets and lots in batches (checkpoint:
     <deployments>/<to>.migration.json), seals the import, unpauses v2;
  4. writes "migratedFrom" (v1 network, contracts, block number and hash) into <deployments>/<to>.json and
     reconciles v2 against the snapshot (every balance, record, alias, lot figure and the total supply).
If it stops (a crash, Ctrl-C, a lost node), run the same command again.

Examples:
  $ goods-ledger migrate --from localhost --to localhost-v2
  $ goods-ledger migrate --from besu --to besu-v2 --admin ops-admin --pauser ops-pauser --batch-size 100 --json`,
    )
    .action(async (options: MigrateCliOptions) => {
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 500) throw invalidInput("--batch-size", `"${options.batchSize}" is not a whole number from 1 to 500`);
      const fromPath = join(ctx.deploymentsDir, `${options.from}.json`);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(fromPath, "utf8"));
      } catch (error) {
        throw new CliError(`no v1 deployment "${options.from}" (${fromPath}): name an existing deployment with --from`, { code: "no-deployment", cause: error });
      }
      const v1: DeploymentFile = checkDeploymentFile(raw, fromPath);
      const v1RpcUrl = ctx.options.rpcUrl ?? v1.rpcUrl;
      const toRpcUrl = options.toRpcUrl ?? v1RpcUrl;
      const v2Client = createPublicClient({ transport: http(toRpcUrl, { retryCount: 0 }) }) as PublicClient;
      const v2ChainId = await v2Client.getChainId();
      const resolve = (who: string) => ((ROLE_NAMES as readonly string[]).includes(who) ? v1.roles[who as RoleName] : who);
      const admin = await ctx.signer(resolve(options.admin ?? "admin"), v2ChainId);
      const v1Client = createPublicClient({ transport: http(v1RpcUrl, { retryCount: 0 }) }) as PublicClient;
      const paused = await v1Client.readContract({
        address: v1.contracts.token,
        abi: [{ type: "function", name: "paused", inputs: [], outputs: [{ type: "bool" }], stateMutability: "view" }] as const,
        functionName: "paused",
      });
      const pauser = paused ? undefined : await ctx.signer(resolve(options.pauser ?? "pauser"), v1.chainId);

      const { migrate } = await import("../lib/migrate/run.js");
      let bar: ProgressBar | undefined;
      const result = await migrate({
        from: { network: options.from, deployment: v1, rpcUrl: v1RpcUrl },
        to: { network: options.to, rpcUrl: toRpcUrl },
        deploymentsDir: ctx.deploymentsDir,
        adminKey: admin.privateKey,
        ...(pauser && { pauserKey: pauser.privateKey }),
        batchSize,
        onNote: (m) => ctx.out.note(m),
        onProgress: (_phase, done, total) => {
          bar ??= new ProgressBar(total, "import batches", !ctx.out.quiet && !ctx.out.json);
          bar.update(done);
          if (done === total) bar.finish();
        },
      });
      let reconciliation;
      if (options.verify) {
        const { takeSnapshot } = await import("../lib/migrate/snapshot.js");
        const { reconcileMigration } = await import("../lib/migrate/reconcile.js");
        ctx.out.note("reconciling v2 against the snapshot…");
        const snapshot = await takeSnapshot(
          v1Client,
          { chainId: v1.chainId, token: v1.contracts.token, reserveRegistry: v1.contracts.reserveRegistry, startBlock: v1.startBlock },
          { blockNumber: BigInt(result.snapshot.blockNumber), blockHash: result.snapshot.blockHash },
        );
        reconciliation = await reconcileMigration(v2Client, result.deployment.contracts, snapshot);
        if (!reconciliation.ok) {
          const first = reconciliation.differences[0]!;
          throw new CliError(`v2 does not reconcile with the snapshot: ${reconciliation.differences.length} differences, first ${first.what}: v1 ${first.v1}, v2 ${first.v2}`, {
            code: "migration-mismatch",
            details: { differences: reconciliation.differences },
          });
        }
      }
      const s = result.snapshot;
      ctx.out.result({ ...result, reconciliation }, [
        `migrated ${options.from} → ${options.to}${result.resumed ? " (resumed)" : ""}: v1 block ${s.blockNumber} (${s.blockHash})`,
        ...table([
          ["wallets", String(s.wallets)],
          ["lots", String(s.lots)],
          ["tiers", String(s.tiers)],
          ["total supply (base units)", s.totalSupply],
          ["import batches sent / already on chain", `${result.batches.sent} / ${result.batches.alreadyOnChain}`],
          ["v2 token", result.deployment.contracts.token],
          ["v2 reserve registry", result.deployment.contracts.reserveRegistry],
          ["reconciled", reconciliation ? `every balance, record, alias, lot figure and the supply equal (${reconciliation.checked.wallets} wallets, ${reconciliation.checked.lots} lots)` : "skipped (--no-verify)"],
        ]),
        `wrote ${result.path} (migratedFrom: v1 block → v2 deployment)`,
      ]);
    });
}
