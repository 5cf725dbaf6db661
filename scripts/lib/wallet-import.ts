/**
 * Bulk registration from a CSV file (`goods-ledger wallet import`), in batches of `registerWallets`, with
 * a progress bar on stderr and a resumable checkpoint.
 *
 * Policy: every row is checked first (its fields, duplicates in the file, then against the chain: the tier
 * is configured and the wallet not registered yet). If any row is bad, nothing is sent and each bad row is
 * named by line and field, unless `skipInvalid` is set: then the good rows are registered and the bad ones
 * reported (exit code 2). A wallet already registered with exactly the row's record counts as done, so a
 * rerun after a crash (even between sending a batch and writing the checkpoint) neither fails nor
 * registers twice.
 */
import type { PrivateKeyAccount } from "viem/accounts";
import type { LedgerClient } from "../../src/sdk/client.js";
import { Checkpoint, fileSha256, type CheckpointBatch } from "./checkpoint.js";
import type { CliContext } from "./context.js";
import { CliError, describeError } from "./errors.js";
import { ProgressBar } from "./progress.js";
import { describeRejected, readWalletCsv, type RejectedRow, type WalletRow } from "./wallet-csv.js";

/** Options of {@link importWallets}. */
export interface ImportOptions {
  /** Wallets per transaction. */
  batchSize: number;
  /** The checkpoint file (default `<file>.checkpoint.json`). */
  checkpoint?: string;
  /** Ignore an existing checkpoint. */
  restart?: boolean;
  /** Register the good rows even when some are bad. */
  skipInvalid?: boolean;
  /** Show the progress bar. */
  progress: boolean;
}

/** What an import did. */
export interface ImportResult {
  file: string;
  checkpoint: string;
  rows: number;
  /** Registered by this run. */
  registered: number;
  /** Skipped: done by an earlier run (checkpoint) or already on chain with the same record. */
  alreadyDone: number;
  rejected: RejectedRow[];
  /** This run's batches. */
  batches: CheckpointBatch[];
}

/**
 * Imports the wallets of a CSV file; see the module comment for the policy.
 *
 * @param client - A ledger client signing as the registrar.
 * @returns What was registered, skipped and rejected.
 * @throws CliError listing the bad rows when there are some and `skipInvalid` is not set (nothing sent), or
 * naming the batch that failed (earlier batches stay registered and checkpointed: rerun to resume).
 */
export async function importWallets(
  ctx: CliContext,
  client: LedgerClient<PrivateKeyAccount>,
  file: string,
  options: ImportOptions,
): Promise<ImportResult> {
  const today = await client.getCurrentDay();
  const { rows, rejected } = readWalletCsv(file, today);
  const total = new Set([...rows.map((r) => r.line), ...rejected.map((r) => r.line)]).size;
  const checkpointPath = options.checkpoint ?? `${file}.checkpoint.json`;
  const checkpoint = Checkpoint.open(
    checkpointPath,
    { csvSha256: fileSha256(file), chainId: client.ledger.chainId, registry: client.ledger.token },
    options.restart,
  );
  const done = checkpoint.doneLines();
  if (checkpoint.resumed) ctx.out.note(`resuming from ${checkpointPath}: ${done.size} rows already registered`);

  const { pending, onChain } = await checkAgainstChain(client, rows.filter((r) => !done.has(r.line)), rejected);
  rejected.sort((a, b) => a.line - b.line);
  const badLines = new Set(rejected.map((r) => r.line));
  if (badLines.size > 0) {
    for (const row of rejected) process.stderr.write(`${describeRejected(file, row)}\n`);
    if (!options.skipInvalid) {
      throw new CliError(
        `${file}: ${badLines.size} bad row${badLines.size === 1 ? "" : "s"} (see above); nothing was sent. Fix ${badLines.size === 1 ? "it" : "them"}, or pass --skip-invalid to register the ${pending.length} good one${pending.length === 1 ? "" : "s"}`,
        { code: "invalid-input", details: { rejected } },
      );
    }
  }

  const bar = new ProgressBar(pending.length, "wallets", options.progress);
  const batches: CheckpointBatch[] = [];
  let registered = 0;
  for (let i = 0; i < pending.length; i += options.batchSize) {
    const batch = pending.slice(i, i + options.batchSize);
    const lines = batch.map((r) => r.line);
    try {
      const hash = await client.registerWallets({ wallets: batch.map(({ line: _line, ...registration }) => registration) });
      const receipt = await client.waitForTransaction({ hash });
      const record = { lines, tx: hash, block: receipt.blockNumber.toString() };
      checkpoint.record(record);
      batches.push(record);
    } catch (error) {
      bar.finish();
      const { message, code } = describeError(error);
      throw new CliError(
        `batch of lines ${lines[0]}–${lines.at(-1)} failed: ${message}; ${registered} wallets registered by this run are in ${checkpointPath}: rerun the same command to resume`,
        { code, cause: error },
      );
    }
    registered += batch.length;
    bar.update(registered, `lines ${lines[0]}–${lines.at(-1)}`);
  }
  bar.finish();
  return {
    file,
    checkpoint: checkpointPath,
    rows: total,
    registered,
    alreadyDone: done.size + onChain,
    rejected,
    batches,
  };
}

/**
 * Reads the wallets' records: a row whose wallet is already registered with the same record is done;
 * with another record, it is rejected. Also rejects rows whose tier has no limits configured.
 */
async function checkAgainstChain(
  client: LedgerClient,
  rows: WalletRow[],
  rejected: RejectedRow[],
): Promise<{ pending: WalletRow[]; onChain: number }> {
  const tiers = [...new Set(rows.map((r) => r.tier))];
  const configured = new Map(
    await Promise.all(tiers.map(async (tier) => [tier, (await client.getTierLimits({ tier })).configured] as const)),
  );
  const records = await Promise.all(rows.map((r) => client.getWallet({ account: r.account })));
  const pending: WalletRow[] = [];
  let onChain = 0;
  rows.forEach((row, i) => {
    const record = records[i]!;
    if (record.status === "unregistered") {
      if (configured.get(row.tier)) pending.push(row);
      else rejected.push({ line: row.line, field: "tier", message: `tier ${row.tier} has no limits configured on chain` });
    } else if (
      record.status === "active" &&
      record.role === row.role &&
      record.tier === row.tier &&
      record.region === row.region &&
      record.institution === row.institution &&
      record.kycExpiryDay === row.kycExpiryDay
    ) {
      onChain++;
    } else {
      rejected.push({ line: row.line, field: "address", message: `${row.account} is already registered (${record.status}, ${record.role}, tier ${record.tier})` });
    }
  });
  return { pending, onChain };
}
