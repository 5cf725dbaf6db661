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
import { IndexerMetrics, headReader, writeHealthFile } from "../../src/indexer/metrics.js";
import { reconcile, type ReconcileReport } from "../../src/indexer/reconcile.js";
import { IndexerRpcError, JsonRpc } from "../../src/indexer/rpc.js";
import { IndexerError, Syncer, type SyncReport, type SyncTarget } from "../../src/indexer/sync.js";
import { formatAmount, TOKEN_DECIMALS } from "@goods-ledger/sdk";
import { TraceInputError } from "../../src/trace/errors.js";
import type { EvidencePack } from "../../src/trace/evidence.js";
import { extendModel, type TraceModel } from "../../src/trace/model.js";
import { defaultSnapshotPath, loadWithSnapshot, writeSnapshot } from "../../src/trace/snapshot.js";
import type { CliContext } from "../lib/context.js";
import { CliError } from "../lib/errors.js";
import { addMetricsOptions, startMetricsEndpoint, type MetricsCliOptions } from "../lib/metrics.js";
import { examples } from "../lib/options.js";
import { projectRootDir } from "../lib/paths.js";
import { ProgressBar } from "../lib/progress.js";
import { parseInteger } from "../lib/validate.js";

/** The `--store` option: a data directory (SQLite) or a PostgreSQL URL. */
export function storeOption(): Option {
  return new Option("--store <dir|url>", "the index: a data directory (SQLite, default .data/index/<network>) or a postgres:// URL").env("GOODS_LEDGER_STORE");
}

/** The `--snapshot` option: where the trace model's snapshot lives (`--no-snapshot`: none). */
export function snapshotOption(): Option {
  return new Option("--snapshot <file>", "the trace model's snapshot (default: trace-model.snapshot beside a SQLite index; none for PostgreSQL unless given)").env("GOODS_LEDGER_SNAPSHOT");
}

/** The snapshot path the options name: a path, null for --no-snapshot, else the store's default. */
export function snapshotPathOf(store: Store, option: string | boolean | undefined): string | null {
  if (option === false) return null;
  return typeof option === "string" ? option : defaultSnapshotPath(store);
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

interface IndexOptions extends MetricsCliOptions {
  healthFile?: string;
  readyLag: number;
  store?: string;
  follow?: boolean;
  toBlock?: number;
  finality: number;
  batchBlocks: number;
  maxBatchBlocks: number;
  reconcile?: boolean;
  pollMs: number;
  snapshot?: string | false;
  snapshotEvery: number;
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

/** With `--follow`: checks the deployment, waiting while the node cannot be reached (`rpc-unreachable`, `rpc-timeout`). */
async function untilReachable<T>(work: () => Promise<T>, warn: (line: string) => void): Promise<T> {
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof CliError && (error.code === "rpc-unreachable" || error.code === "rpc-timeout"))) throw error;
      warn(`${error.message}; retrying`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/**
 * The first catch-up of `--follow`: a node that cannot be reached (or another retryable failure) is waited for,
 * as the follow loop does, so a follower restarted during a node outage keeps trying instead of exiting.
 */
async function firstSync(syncer: Syncer, onRetry: (e: Error) => void, metrics: IndexerMetrics | null): Promise<SyncReport> {
  for (;;) {
    try {
      return await syncer.syncOnce();
    } catch (error) {
      if (!((error instanceof IndexerRpcError || error instanceof IndexerError) && error.retryable)) throw error;
      metrics?.error(error instanceof IndexerRpcError ? `rpc-${error.failure}` : error.code);
      onRetry(error);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/**
 * `index --follow` keeps the trace model's snapshot fresh, so `serve` starts without rebuilding the model: the
 * model is appended in place after each commit (rolled back with the store on a reorg) and written at most every
 * `everySeconds`, and on exit (docs/TRACE.md, "Model and snapshot").
 */
async function keepSnapshot(ctx: CliContext, store: Store, path: string | null, everySeconds: number) {
  if (path === null) return null;
  const deployment = await store.getMeta("deployment");
  const loaded = await loadWithSnapshot(store, path);
  let model: TraceModel = loaded.model;
  let written = loaded.outcome === "snapshot" && model.tip.block === (await store.position())?.block ? model.tip.block : -1;
  let last = 0;
  const write = async () => {
    if (model.tip.block === written) return;
    writeSnapshot(model, path, deployment);
    written = model.tip.block;
    last = Date.now();
    ctx.out.note(`trace model snapshot at block ${model.tip.block} (${model.size} transfers): ${path}`);
  };
  ctx.out.note(`trace model: ${loaded.outcome}${loaded.reason ? ` (${loaded.reason})` : ""}, at block ${model.tip.block}; snapshot ${path}`);
  await write();
  return {
    update: async () => {
      model = await extendModel(model, store);
      if (Date.now() - last >= everySeconds * 1000) await write();
    },
    write,
  };
}

/** Registers `index`. */
export function register(program: Command, ctx: CliContext): void {
  const command = program
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
    .option("--health-file <file>", "with --follow: write the health state (ready, indexed block, head, lag, reasons) to this JSON file after every poll, atomically")
    .addOption(new Option("--ready-lag <blocks>", "with --follow: ready while the index is within this many blocks of the chain head").argParser(parseInteger("--ready-lag", 0, 1e9)).default(5))
    .addOption(snapshotOption())
    .option("--no-snapshot", "with --follow: keep no trace model snapshot")
    .addOption(new Option("--snapshot-every <s>", "with --follow: write the trace model's snapshot at most this often (and on exit)").argParser(parseInteger("--snapshot-every", 1, 86_400)).default(60));
  addMetricsOptions(command)
    .addHelpText("after", examples(
      "index                              # SQLite in .data/index/localhost",
      "index --reconcile --json",
      "index --follow --store postgres://indexer@db.bank.example/ledger --snapshot /var/lib/goods-ledger/trace-model.snapshot",
      "index --follow --metrics-port 9601 --health-file .data/index-health.json",
    ))
    .action(async (options: IndexOptions) => {
      const deployment = await (options.follow ? untilReachable(() => ctx.verifyDeployment(), (m) => ctx.out.warn(m)) : ctx.verifyDeployment());
      const target: SyncTarget = {
        rpcUrl: ctx.rpcUrl(), chainId: deployment.chainId, token: deployment.contracts.token,
        reserveRegistry: deployment.contracts.reserveRegistry, startBlock: deployment.startBlock,
      };
      const store = await openIndex(ctx, options.store);
      // Metrics and the health file only where they mean something: a process that keeps following.
      const metrics = options.follow ? new IndexerMetrics({ store, head: headReader(new JsonRpc(target.rpcUrl, { timeoutMs: 5_000 })), readyLagBlocks: options.readyLag }) : null;
      const endpoint = metrics === null ? null : await startMetricsEndpoint(metrics, options);
      if (endpoint !== null) ctx.out.note(`metrics on ${endpoint.url}/metrics`);
      try {
        let bar: ProgressBar | undefined;
        const syncer = new Syncer(metrics === null ? store : metrics.instrument(store), target, {
          finalityDepth: options.finality,
          initialRange: options.batchBlocks,
          maxRange: options.maxBatchBlocks,
          onProgress: (p) => {
            bar ??= new ProgressBar(p.target - p.startedAt, "blocks", !ctx.out.quiet);
            bar.update(p.block - p.startedAt, `block ${p.block}, ${p.transfers} transfers, ${p.events} events`);
          },
          onReorg: (r) => ctx.out.warn(`reorg: block ${r.from} is no longer on the chain; rolled back ${r.depth} block(s) to ${r.to}`),
        });
        const report = await runIndexer(() => (options.follow ? firstSync(syncer, (e) => ctx.out.warn(`${e.message}; retrying`), metrics) : syncer.syncOnce(options.toBlock)));
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
          const health = async () => {
            if (options.healthFile === undefined) return;
            try {
              writeHealthFile(options.healthFile, await metrics!.health());
            } catch (error) {
              ctx.out.warn(`cannot write the health file ${options.healthFile}: ${(error as Error).message}`);
            }
          };
          await health();
          const snapshot = await keepSnapshot(ctx, store, snapshotPathOf(store, options.snapshot), options.snapshotEvery);
          try {
            await runIndexer(() =>
              syncer.follow(
                stop.signal,
                options.pollMs,
                async (r) => {
                  if (r.toBlock >= r.fromBlock) ctx.out.note(summary(r));
                  await snapshot?.update();
                  void health();
                },
                (e) => {
                  metrics!.error(e instanceof IndexerRpcError ? `rpc-${e.failure}` : (e as IndexerError).code);
                  ctx.out.warn(`${e.message}; retrying`);
                  void health();
                },
              ),
            );
          } finally {
            process.off("SIGINT", onSignal);
            process.off("SIGTERM", onSignal);
            await snapshot?.write();
          }
          ctx.out.note(`stopped at block ${(await store.position())?.block ?? "-"}`);
        }
      } finally {
        await endpoint?.close();
        await store.close();
      }
    });
}
