/**
 * `goods-ledger index`: follows the deployment's events into the index (SQLite in a data directory by default,
 * PostgreSQL with a URL), with progress, reorg rollback, and reconciliation against the chain.
 * Also exports the helpers the trace and serve commands share: the --store option and error mapping.
 */
import { Option, type Command } from "commander";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { openStore } from "../../src/indexer/store/open.js";
import type { Store } from "../../src/indexer/store/store.js";
import { StoreError } from "../../src/indexer/store/store.js";
import { reconcile, type ReconcileReport } from "../../src/indexer/reconcile.js";
import { IndexerRpcError } from "../../src/indexer/rpc.js";
import { IndexerError, Syncer, type SyncReport, type SyncTarget } from "../../src/indexer/sync.js";
import { formatAmount, TOKEN_DECIMALS } from "@goods-ledger/sdk";
import { TraceInputError } from "../../src/trace/errors.js";
import type { EvidencePack } from "../../src/trace/evidence.js";
import type { CliContext } from "../lib/context.js";
import { CliError } from "../lib/errors.js";
import { examples } from "../lib/options.js";
import { projectRootDir } from "../lib/paths.js";
import { ProgressBar } from "../lib/progress.js";
import { parseInteger } from "../lib/validate.js";

/** The `--store` option: a data directory (SQLite) or a PostgreSQL URL. */
export function storeOption(): Option {
  return new Option("--store <dir|url>", "the index: a data directory (SQLite, default .data/index/<network>) or a postgres:// URL").env("GOODS_LEDGER_STORE");
}

/**
 * Opens the store named by --store, else the network's default data directory.
 * @param options.mustExist - readers pass true: a path with no index is an error, not a new empty index.
 */
export async function openIndex(ctx: CliContext, store: string | undefined, options: { mustExist?: boolean } = {}): Promise<Store> {
  return runIndexer(() => openStore(store ?? join(projectRootDir, ".data", "index", ctx.options.network), options));
}

/**
 * Runs indexer or trace work and turns its errors into one-line CLI errors that keep their rule's code
 * (`unknown-wallet`, `hops-out-of-range`, `gap`, `reorg-too-deep`…), saying when a retry can help.
 */
export async function runIndexer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TraceInputError || error instanceof StoreError || error instanceof IndexerError) {
      throw new CliError(error.message, { code: error.code, cause: error });
    }
    if (error instanceof IndexerRpcError) {
      throw new CliError(`${error.message}${error.retryable ? " (retryable: run the command again)" : ""}`, { code: `rpc-${error.failure}`, cause: error });
    }
    if (error instanceof RangeError) throw new CliError(error.message, { code: "invalid-input", cause: error });
    throw error;
  }
}

/** The code version evidence packs record: package version and git commit (null outside a checkout). */
export function codeVersion(version: string): EvidencePack["code"] {
  let commit: string | null;
  try {
    commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: projectRootDir, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    commit = null;
  }
  return { name: "goods-ledger", version, commit };
}

interface IndexOptions {
  store?: string;
  follow?: boolean;
  toBlock?: number;
  finality: number;
  batchBlocks: number;
  maxBatchBlocks: number;
  reconcile?: boolean;
  pollMs: number;
}

function summary(r: SyncReport): string {
  const rate = r.elapsedMs > 0 ? Math.round(((r.transfers + r.events) * 1000) / r.elapsedMs) : 0;
  if (r.toBlock < r.fromBlock) return "already up to date";
  return `indexed blocks ${r.fromBlock}–${r.toBlock}: ${r.transfers} transfers, ${r.events} other events in ${(r.elapsedMs / 1000).toFixed(2)} s (${rate} events/s)${r.reorgs.length > 0 ? `; rolled back ${r.reorgs.length} reorg(s)` : ""}`;
}

function reconcileLines(r: ReconcileReport): string[] {
  const fmt = (v: bigint) => formatAmount(v, TOKEN_DECIMALS);
  if (r.ok) return [`reconciled at block ${r.block}: ${r.wallets} wallets and the total supply (${fmt(r.totalSupply.chain)}) match the chain`];
  return [
    `reconciliation at block ${r.block} FAILED: ${r.differences.length} of ${r.wallets} wallets differ; total supply indexed ${fmt(r.totalSupply.indexed)}, chain ${fmt(r.totalSupply.chain)}`,
    ...r.differences.map((d) => `  ${d.wallet}: indexed ${fmt(d.indexed)}, balanceOf ${fmt(d.chain)}`),
  ];
}

/** Registers `index`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("index")
    .description("index the deployment's transfers, registry and reserve events (eth_getLogs), then reconcile with the chain")
    .addOption(storeOption())
    .option("--follow", "keep indexing new blocks until interrupted (Ctrl-C)")
    .addOption(new Option("--to-block <n>", "stop at this block (default: the head)").argParser(parseInteger("--to-block", 0, Number.MAX_SAFE_INTEGER)))
    .addOption(new Option("--finality <n>", "blocks below the head that cannot reorg; above it, headers are kept and checked").argParser(parseInteger("--finality", 0, 10_000)).default(12))
    .addOption(new Option("--batch-blocks <n>", "first eth_getLogs block range (it then adapts to about 10,000 logs per answer)").argParser(parseInteger("--batch-blocks", 1, 1_000_000)).default(16))
    .addOption(new Option("--max-batch-blocks <n>", "largest eth_getLogs block range (for nodes that limit it)").argParser(parseInteger("--max-batch-blocks", 1, 10_000_000)).default(100_000))
    .option("--reconcile", "after indexing, compare every indexed balance with balanceOf and the total with totalSupply (non-zero exit on a difference)")
    .addOption(new Option("--poll-ms <n>", "with --follow: wait between polls").argParser(parseInteger("--poll-ms", 50, 600_000)).default(1_000))
    .addHelpText("after", examples(
      "index                              # SQLite in .data/index/localhost",
      "index --reconcile --json",
      "index --follow --store postgres://indexer@db.bank.example/ledger",
    ))
    .action(async (options: IndexOptions) => {
      const deployment = await ctx.verifyDeployment();
      const target: SyncTarget = {
        rpcUrl: ctx.rpcUrl(), chainId: deployment.chainId, token: deployment.contracts.token,
        reserveRegistry: deployment.contracts.reserveRegistry, startBlock: deployment.startBlock,
      };
      const store = await openIndex(ctx, options.store);
      try {
        let bar: ProgressBar | undefined;
        const syncer = new Syncer(store, target, {
          finalityDepth: options.finality,
          initialRange: options.batchBlocks,
          maxRange: options.maxBatchBlocks,
          onProgress: (p) => {
            bar ??= new ProgressBar(p.target - p.startedAt, "blocks", !ctx.out.quiet);
            bar.update(p.block - p.startedAt, `block ${p.block}, ${p.transfers} transfers, ${p.events} events`);
          },
          onReorg: (r) => ctx.out.warn(`reorg: block ${r.from} is no longer on the chain; rolled back ${r.depth} block(s) to ${r.to}`),
        });
        const report = await runIndexer(() => syncer.syncOnce(options.toBlock));
        bar?.finish();
        const check = options.reconcile ? await runIndexer(() => reconcile(store, syncer.rpc, target.token)) : undefined;
        const position = await store.position();
        const rate = report.elapsedMs > 0 ? Math.round(((report.transfers + report.events) * 1000) / report.elapsedMs) : 0;
        ctx.out.result(
          { store: store.location, chainId: target.chainId, ...report, eventsPerSec: rate, position, ...(check && { reconcile: check }) },
          [summary(report), `index: ${store.location} at block ${position?.block ?? "-"}`, ...(check ? reconcileLines(check) : [])],
        );
        if (check && !check.ok) throw new CliError(`the index differs from the chain at block ${check.block}`, { code: "reconcile-failed" });
        if (options.follow) {
          const stop = new AbortController();
          const onSignal = () => stop.abort();
          process.once("SIGINT", onSignal);
          process.once("SIGTERM", onSignal);
          ctx.out.note(`following new blocks every ${options.pollMs} ms (Ctrl-C to stop)…`);
          try {
            await runIndexer(() =>
              syncer.follow(
                stop.signal,
                options.pollMs,
                (r) => {
                  if (r.toBlock >= r.fromBlock) ctx.out.note(summary(r));
                },
                (e) => ctx.out.warn(`${e.message}; retrying`),
              ),
            );
          } finally {
            process.off("SIGINT", onSignal);
            process.off("SIGTERM", onSignal);
          }
          ctx.out.note(`stopped at block ${(await store.position())?.block ?? "-"}`);
        }
      } finally {
        await store.close();
      }
    });
}
