/**
 * The trace engine across a v1 → v2 migration (docs/DESIGN.md §5, docs/TRACE.md "Migration"): one model whose
 * history is v1's up to the pinned block, then v2's after the seal. The import in between (v2's
 * `Transfer(0, wallet, balance)` mints and the registry and lot events that replay v1's state, all before
 * `MigrationSealed`) is not history: it restates balances v1's history already explains. Dropping it, a v2 balance
 * keeps the lots behind it, and every wallet's provenance is the same just before and just after the migration.
 */
import type { Store } from "../indexer/store/store.js";
import type { LedgerEventRow, TransferRow } from "../indexer/types.js";
import { ModelBuilder, type TraceModel } from "./model.js";

/** The migration a model follows: the v1 block the import copies (the deployment file's `migratedFrom.blockNumber`). */
export interface MigrationLink {
  v1Block: number;
}

async function all<T extends { checkpoint: string }>(page: (after: string | undefined) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = await page(after);
    out.push(...rows);
    if (rows.length < 50_000) return out;
    after = rows.at(-1)!.checkpoint;
  }
}

/**
 * Loads one model from the index of v1 (up to `link.v1Block`) and the index of v2 (the migrated deployment).
 *
 * @param v1 - a store indexing the v1 deployment at least up to `link.v1Block`.
 * @param v2 - a store indexing the v2 deployment from its start block.
 * @param link - the pinned v1 block.
 * @throws RangeError when v1 is not indexed far enough, v2 has no `MigrationSealed` for that block, or v2's history
 * does not come after v1's (two chains whose block numbers overlap).
 */
export async function loadMigratedModel(v1: Store, v2: Store, link: MigrationLink): Promise<TraceModel> {
  const [p1, p2] = await Promise.all([v1.position(), v2.position()]);
  if (p1 === null || p1.block < link.v1Block) throw new RangeError(`the v1 index stops at block ${p1?.block ?? "none"}, below the migration's block ${link.v1Block}: index v1 further first`);
  if (p2 === null) throw new RangeError(`the v2 index ${v2.location} is empty: run \`goods-ledger index\` on it first`);
  const limit = 50_000;
  const v1Transfers = await all<TransferRow>((after) => v1.transfers({ after, toBlock: link.v1Block, limit }));
  const v1Events = await all<LedgerEventRow>((after) => v1.events({ after, toBlock: link.v1Block, limit }));
  const v2Transfers = await all<TransferRow>((after) => v2.transfers({ after, toBlock: p2.block, limit }));
  const v2Events = await all<LedgerEventRow>((after) => v2.events({ after, toBlock: p2.block, limit }));
  const seal = v2Events.find((e) => e.name === "MigrationSealed");
  if (seal === undefined) throw new RangeError("the v2 index has no MigrationSealed event: it is not a migrated deployment, or the migration is not finished");
  if (String(seal.args.sourceBlockNumber) !== String(link.v1Block)) {
    throw new RangeError(`v2's import was sealed for v1 block ${String(seal.args.sourceBlockNumber)}, not ${link.v1Block}`);
  }
  // Everything up to the seal is the import (the token was paused: no other movement was possible).
  const afterSeal = <T extends { checkpoint: string }>(rows: T[]) => rows.filter((r) => r.checkpoint > seal.checkpoint);
  const builder = new ModelBuilder();
  for (const row of [...v1Transfers, ...afterSeal(v2Transfers)]) builder.addTransfer(row);
  const headers = [...(await v1.headers(0, link.v1Block)), ...(await v2.headers(0, p2.block))];
  const tipHeader = headers.filter((h) => h.number === p2.block).at(-1);
  return builder.finish([...v1Events, ...afterSeal(v2Events)], { block: p2.block, hash: tipHeader?.hash ?? null, timestamp: tipHeader?.timestamp ?? null }, headers);
}
