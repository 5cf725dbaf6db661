/**
 * Bulk registration from a CSV file (`goods-ledger wallet import`), in batches of `registerWallets`, with
 * progress on stderr and a resumable checkpoint.
 *
 * Policy: every row is checked first (its fields, duplicates in the file, then against the chain: the tier
 * is configured and the wallet not registered yet). If any row is bad, nothing is sent and each bad row is
 * named by line and field, unless `skipInvalid` is set: then the good rows are registered and the bad ones
 * reported (exit code 2).
 *
 * Crash safety: the chain, not the checkpoint, says what is done.
 * - On resume, each checkpointed batch is looked up on chain (its transaction's receipt). A batch the chain
 *   no longer has (it went back after a crash between two state saves) is reported, and its rows are sent
 *   again. Every row's record is read from the chain anyway: a wallet already registered with exactly the
 *   row's record counts as done, so nothing is registered twice.
 * - While the node is unreachable, each batch is retried with one line per retry, for `retryFor` seconds; a
 *   batch whose receipt does not come is re-checked on chain and its missing rows re-sent.
 * - At the end every good row is read back from the chain: the report counts what is on chain, and a row that
 *   is not there fails the command, named.
 */
import type { Address } from "viem";
import { getBlockNumber, getTransactionReceipt } from "viem/actions";
import type { PrivateKeyAccount } from "viem/accounts";
import type { LedgerClient } from "@goods-ledger/sdk";
import { Checkpoint, fileSha256, type CheckpointBatch } from "./checkpoint.js";
import type { CliContext } from "./context.js";
import { CliError, describeError } from "./errors.js";
import { ProgressBar } from "./progress.js";
import { isUnreachable, withRetry } from "./retry.js";
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
  /** Seconds to keep retrying while the node is unreachable (default 120). */
  retryFor?: number;
  /** Seconds to wait for a batch's receipt before checking the chain for its rows (default 30). */
  receiptTimeout?: number;
}

/** What an import did. */
export interface ImportResult {
  file: string;
  checkpoint: string;
  rows: number;
  /** Registered by this run (read back from the chain). */
  registered: number;
  /** Already on chain with the same record before this run sent anything (by an earlier run, or otherwise). */
  alreadyDone: number;
  /** Good rows whose wallet is on chain with the row's record at the end (read back). */
  onChain: number;
  rejected: RejectedRow[];
  /** This run's batches. */
  batches: CheckpointBatch[];
  /** Checkpointed batches of earlier runs that the chain no longer has (their rows were sent again). */
  lostBatches: CheckpointBatch[];
}

/**
 * Imports the wallets of a CSV file; see the module comment for the policy.
 *
 * @param client - A ledger client signing as the registrar.
 * @returns What was registered, skipped and rejected.
 * @throws CliError listing the bad rows when there are some and `skipInvalid` is not set (nothing sent); naming
 * the batch that failed (earlier batches stay registered and checkpointed: rerun to resume); after `retryFor`
 * seconds without the node; or naming the rows that are not on chain at the end.
 */
export async function importWallets(
  ctx: CliContext,
  client: LedgerClient<PrivateKeyAccount>,
  file: string,
  options: ImportOptions,
): Promise<ImportResult> {
  const retry = {
    retryFor: options.retryFor ?? 120,
    report: (line: string) => ctx.out.warn(line),
    beforeRetry: () => client.ledger.nonces?.reset(),
  };
  const today = await withRetry("reading the chain's day", () => client.getCurrentDay(), retry);
  const { rows, rejected } = readWalletCsv(file, today);
  const total = new Set([...rows.map((r) => r.line), ...rejected.map((r) => r.line)]).size;
  const checkpointPath = options.checkpoint ?? `${file}.checkpoint.json`;
  const checkpoint = Checkpoint.open(
    checkpointPath,
    { csvSha256: fileSha256(file), chainId: client.ledger.chainId, registry: client.ledger.token },
    options.restart,
  );
  let lostBatches: CheckpointBatch[] = [];
  if (checkpoint.resumed) {
    lostBatches = await withRetry("checking the checkpoint's batches on chain", () => batchesNotOnChain(client, checkpoint.batches()), retry);
    const kept = checkpoint.batches().length - lostBatches.length;
    ctx.out.note(`resuming from ${checkpointPath}: ${kept} of ${checkpoint.batches().length} checkpointed batches are on chain; every row is checked on chain`);
    if (lostBatches.length > 0) {
      const head = await withRetry("reading the head block", () => getBlockNumber(client), retry);
      for (const batch of lostBatches) {
        ctx.out.warn(
          `checkpoint ${checkpointPath}: the batch of lines ${range(batch.lines)} (tx ${batch.tx}, block ${batch.block}) is not on chain (now at block ${head}): the chain went back; its rows are sent again`,
        );
      }
    }
  }

  const { pending, onChain: onChainBefore } = await withRetry("reading the wallets' records", () => checkAgainstChain(client, rows, rejected), retry);
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
  let sent = 0;
  for (let i = 0; i < pending.length; i += options.batchSize) {
    const batch = pending.slice(i, i + options.batchSize);
    try {
      const record = await sendBatch(client, batch, { ...retry, receiptTimeout: options.receiptTimeout ?? 30 });
      if (record) {
        checkpoint.record(record);
        batches.push(record);
      }
    } catch (error) {
      bar.finish();
      const { message, code } = describeError(error);
      throw new CliError(
        `batch of lines ${range(batch.map((r) => r.line))} failed: ${message}; ${sent} wallets registered by this run are in ${checkpointPath}: rerun the same command to resume`,
        { code, cause: error },
      );
    }
    sent += batch.length;
    bar.update(sent, `lines ${range(batch.map((r) => r.line))}`);
  }
  bar.finish();

  // What the chain says, not what was sent: read every good row back. Rows the chain lost while this run went
  // on (it went back after a crash of the node) are sent once more, then read back again.
  const sentNow = new Set(pending);
  const good = [...pending, ...rows.filter((r) => !sentNow.has(r) && !badLines.has(r.line))];
  let missing = await withRetry("reading the registered wallets back", () => rowsNotOnChain(client, good), retry);
  if (missing.length > 0) {
    ctx.out.warn(`${missing.length} wallet${missing.length === 1 ? " is" : "s are"} not on chain after sending (the chain went back?): sending ${missing.length === 1 ? "it" : "them"} again`);
    const resend = missing.filter((r) => !badLines.has(r.line));
    for (let i = 0; i < resend.length; i += options.batchSize) {
      const batch = resend.slice(i, i + options.batchSize);
      const record = await sendBatch(client, batch, { ...retry, receiptTimeout: options.receiptTimeout ?? 30 });
      if (record) {
        checkpoint.record(record);
        batches.push(record);
      }
    }
    missing = await withRetry("reading the registered wallets back", () => rowsNotOnChain(client, good), retry);
  }
  if (missing.length > 0) {
    const list = missing.slice(0, 20).map((r) => `line ${r.line} (${r.account})`).join(", ");
    throw new CliError(
      `${file}: ${missing.length} wallet${missing.length === 1 ? " is" : "s are"} not registered on chain after the import: ${list}${missing.length > 20 ? `, and ${missing.length - 20} more` : ""}; rerun the same command to send ${missing.length === 1 ? "it" : "them"} again`,
      { code: "import-incomplete", details: { missing: missing.map((r) => ({ line: r.line, account: r.account })) } },
    );
  }
  return {
    file,
    checkpoint: checkpointPath,
    rows: total,
    registered: pending.length,
    alreadyDone: onChainBefore,
    onChain: good.length,
    rejected,
    batches,
    lostBatches,
  };
}

/** "2–101", or "7" for one line. */
function range(lines: number[]): string {
  return lines.length === 1 ? `${lines[0]}` : `${lines[0]}–${lines.at(-1)}`;
}

/**
 * Sends one batch and waits for its receipt, retrying while the node is unreachable. Before each new attempt
 * it reads the batch's rows on chain and sends only those still unregistered (the last attempt may have been
 * mined before the node went away, or lost with the node).
 *
 * @returns The checkpoint record, or undefined when every row turned out to be registered already.
 */
async function sendBatch(
  client: LedgerClient<PrivateKeyAccount>,
  batch: WalletRow[],
  options: { retryFor: number; report: (line: string) => void; beforeRetry: () => void; receiptTimeout: number },
): Promise<CheckpointBatch | undefined> {
  let todo = batch;
  let attempt = 0;
  return withRetry(
    `sending lines ${range(batch.map((r) => r.line))}`,
    async () => {
      if (attempt++ > 0) {
        const missing = await rowsNotOnChain(client, todo);
        if (missing.length === 0) return { lines: batch.map((r) => r.line), tx: "0x" as const, block: String(await getBlockNumber(client)) };
        todo = missing;
      }
      const hash = await client.registerWallets({ wallets: todo.map(({ line: _line, ...registration }) => registration) });
      const receipt = await client.waitForTransaction({ hash, timeout: options.receiptTimeout * 1000 });
      return { lines: batch.map((r) => r.line), tx: hash, block: receipt.blockNumber.toString() };
    },
    options,
  );
}

/** The checkpointed batches whose transaction the chain does not have (or has as failed). */
async function batchesNotOnChain(client: LedgerClient, batches: readonly CheckpointBatch[]): Promise<CheckpointBatch[]> {
  const lost: CheckpointBatch[] = [];
  for (let i = 0; i < batches.length; i += 100) {
    const chunk = batches.slice(i, i + 100);
    const found = await Promise.all(
      chunk.map(async (b) => {
        if (!/^0x[0-9a-fA-F]{64}$/.test(b.tx)) return false; // recorded after a re-check, no transaction of its own
        try {
          const receipt = await getTransactionReceipt(client, { hash: b.tx });
          return receipt.status === "success";
        } catch (error) {
          if (isUnreachable(error)) throw error;
          return false; // TransactionReceiptNotFoundError: not on this chain
        }
      }),
    );
    chunk.forEach((b, k) => found[k] || lost.push(b));
  }
  return lost;
}

/** The rows whose wallet is not on chain with exactly the row's record. */
async function rowsNotOnChain(client: LedgerClient, rows: WalletRow[]): Promise<WalletRow[]> {
  const records = await readRecords(client, rows.map((r) => r.account));
  return rows.filter((row, i) => !sameRecord(records[i]!, row));
}

async function readRecords(client: LedgerClient, accounts: Address[]) {
  const out = [];
  for (let i = 0; i < accounts.length; i += 500) {
    out.push(...(await Promise.all(accounts.slice(i, i + 500).map((account) => client.getWallet({ account })))));
  }
  return out;
}

type WalletRecord = Awaited<ReturnType<LedgerClient["getWallet"]>>;

function sameRecord(record: WalletRecord, row: WalletRow): boolean {
  return (
    record.status === "active" &&
    record.role === row.role &&
    record.tier === row.tier &&
    record.region === row.region &&
    record.institution === row.institution &&
    record.kycExpiryDay === row.kycExpiryDay
  );
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
  const records = await readRecords(client, rows.map((r) => r.account));
  const pending: WalletRow[] = [];
  const found: RejectedRow[] = [];
  let onChain = 0;
  rows.forEach((row, i) => {
    const record = records[i]!;
    if (record.status === "unregistered") {
      if (configured.get(row.tier)) pending.push(row);
      else found.push({ line: row.line, field: "tier", message: `tier ${row.tier} has no limits configured on chain` });
    } else if (sameRecord(record, row)) {
      onChain++;
    } else {
      found.push({ line: row.line, field: "address", message: `${row.account} is already registered (${record.status}, ${record.role}, tier ${record.tier})` });
    }
  });
  // Only once the reads succeeded (this may be retried).
  rejected.push(...found);
  return { pending, onChain };
}
