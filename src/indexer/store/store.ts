import { ZERO_ADDRESS } from "../types.js";
import type { Address, BlockHeader, Flag, Hex, LedgerEventRow, SyncBatch, SyncPosition, TransferKind, TransferRow } from "../types.js";

/**
 * The indexer's storage. Sync reaches storage only through this interface; SQLite and PostgreSQL implement
 * it and one test suite runs against both (test/indexer/store.test.ts).
 *
 * Invariants every implementation keeps:
 * - **Position.** The store holds every transfer and event of blocks `startBlock..position.block` and none
 *   above: rows and the position only change together, in one database transaction.
 * - **No gaps.** A batch is accepted only if it starts right after the position.
 * - **No duplicates.** A checkpoint identifies one row; inserting a second row with the same checkpoint fails
 *   the whole batch.
 * - **Order.** Reads return rows in ascending checkpoint order.
 */
/**
 * One transfer as {@link Store.scanTransfers} gives it: block, transaction index, log index, transaction hash,
 * timestamp, sender and recipient (store wallet ids), amount (decimal text), kind, lot, reference.
 */
export type TransferScanRow = [number, number, number, Hex, number, number, number, string, TransferKind, Hex | null, Hex | null];

export interface Store {
  /** Which implementation. */
  readonly kind: "sqlite" | "postgres";
  /** Where the data lives: a file path or a URL with any password removed. */
  readonly location: string;

  /**
   * The last fully indexed block.
   * @returns null for an empty store.
   */
  position(): Promise<SyncPosition | null>;

  /**
   * Commits one batch atomically: inserts its transfers, events and headers and moves the position to
   * `(toBlock, toHash)`.
   *
   * Invariant: after it resolves, all or nothing of the batch is stored.
   * @throws StoreError (`gap`) unless `fromBlock` is `position.block + 1` (any block for an empty store), or
   *   `toBlock < fromBlock`, or a row lies outside `fromBlock..toBlock`.
   * @throws StoreError (`duplicate`) when a checkpoint is already stored; nothing is written.
   */
  commit(batch: SyncBatch): Promise<void>;

  /**
   * Rolls back to `block` atomically: deletes every transfer, event and header above it, and sets the
   * position to `block` with the hash of its stored header.
   * @throws StoreError (`rollback`) when `block` is above the position or no header of `block` is stored.
   */
  rollback(block: number): Promise<void>;

  /**
   * Stored headers in `fromBlock..toBlock`, ascending. Sync stores the header of every block that holds
   * an event, of every batch end, and of every block above the finality depth.
   */
  headers(fromBlock: number, toBlock: number): Promise<BlockHeader[]>;

  /**
   * Transfers in ascending checkpoint order, for keyset paging.
   * @param query.after - only checkpoints strictly greater (exclusive cursor).
   * @param query.toBlock - only blocks up to this one (inclusive).
   * @param query.wallet - only transfers sent or received by this wallet.
   * @param query.limit - at most this many rows.
   */
  transfers(query: { after?: string; toBlock?: number; wallet?: Address; limit: number }): Promise<TransferRow[]>;

  /**
   * Optional fast path for reading a whole history (the trace model's build): the transfers after `after` up to
   * `toBlock`, in ascending checkpoint order, as compact tuples with the wallets as store ids (the addresses by id
   * in `addresses`). The same rows as {@link Store.transfers} without a wallet, and no object per row.
   */
  scanTransfers?(query: { after?: string; toBlock?: number }): { addresses: readonly (Address | undefined)[]; rows: Iterable<TransferScanRow> };

  /**
   * Other events in ascending checkpoint order, for keyset paging (same parameters as {@link Store.transfers},
   * plus `names` to keep only some event names).
   */
  events(query: { after?: string; toBlock?: number; names?: readonly string[]; limit: number }): Promise<LedgerEventRow[]>;

  /**
   * Indexed balance of every wallet that ever held tokens, summed from the transfers up to `toBlock`
   * (default: the position). The zero address is left out.
   */
  balances(toBlock?: number): Promise<Map<Address, bigint>>;

  /** Row counts. */
  counts(): Promise<{ transfers: number; events: number; headers: number }>;

  /** A value of the store's own metadata (e.g. the chain id and token address it indexes), or null. */
  getMeta(key: string): Promise<string | null>;
  /** Sets a metadata value. */
  setMeta(key: string, value: string): Promise<void>;

  /**
   * Stores block headers fetched outside a batch (a block the trace engine needs the time of, that holds no
   * event). Only blocks at or below the position; an existing header of the same block is replaced.
   * @throws StoreError (`gap`) for a header above the position.
   */
  saveHeaders(headers: readonly BlockHeader[]): Promise<void>;

  /** Analyst flags, ordered by wallet, each with the block it counts from. */
  flags(): Promise<Flag[]>;
  /** Adds or replaces a flag; without `block` it is stored with the store's position (0 for an empty store). */
  setFlag(flag: Flag): Promise<void>;
  /** Removes a flag; returns whether one existed. */
  removeFlag(wallet: Address): Promise<boolean>;

  /**
   * Bulk loading hint, for catching up over many events (Ponder builds its indexes after the backfill the same
   * way): while on, the store may drop secondary indexes to insert faster; turning it off rebuilds them.
   * Rows, position and every invariant above are unaffected; reads stay correct, only by-wallet reads are
   * slower meanwhile. A store opened after a crash in bulk mode rebuilds its indexes.
   */
  setBulk(on: boolean): Promise<void>;

  /** Releases the connection or file handle. */
  close(): Promise<void>;
}

/** Why a store refused an operation. */
export type StoreErrorCode = "gap" | "duplicate" | "rollback" | "open" | "schema";

/** A store refused an operation; `code` names the invariant. Never retryable: the caller's state is wrong. */
export class StoreError extends Error {
  override readonly name = "StoreError";
  /** Which rule was broken. */
  readonly code: StoreErrorCode;
  /** Always false: retrying the same call fails the same way. */
  readonly retryable = false;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Checks a batch against the position; shared by both implementations, run inside their transaction.
 * @throws StoreError (`gap`) naming the expected and the offered block.
 */
export function checkBatch(position: SyncPosition | null, batch: SyncBatch): void {
  if (batch.toBlock < batch.fromBlock) {
    throw new StoreError("gap", `batch ends at block ${batch.toBlock}, before its start ${batch.fromBlock}`);
  }
  if (position !== null && batch.fromBlock !== position.block + 1) {
    throw new StoreError("gap", `batch starts at block ${batch.fromBlock} but the store is at block ${position.block}: expected ${position.block + 1}`);
  }
  for (const row of [...batch.transfers, ...batch.events]) {
    if (row.block < batch.fromBlock || row.block > batch.toBlock) {
      throw new StoreError("gap", `row ${row.checkpoint} (block ${row.block}) lies outside the batch ${batch.fromBlock}..${batch.toBlock}`);
    }
  }
}

/** Sums transfers into balances; the zero address is left out. Shared by both implementations. */
export function addToBalances(balances: Map<Address, bigint>, from: Address, to: Address, amount: bigint): void {
  if (from !== ZERO_ADDRESS) balances.set(from, (balances.get(from) ?? 0n) - amount);
  if (to !== ZERO_ADDRESS) balances.set(to, (balances.get(to) ?? 0n) + amount);
}
