import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { MAX_CHECKPOINT, blockEnd } from "../checkpoint.js";
import type { Address, BlockHeader, Flag, Hex, LedgerEventRow, SyncBatch, SyncPosition, TransferKind, TransferRow } from "../types.js";
import { StoreError, addToBalances, checkBatch } from "./store.js";
import type { Store, TransferScanRow } from "./store.js";

const SCHEMA_VERSION = "2";

/** The by-wallet indexes: dropped while bulk loading, (re)built on open and when bulk loading ends. */
const WALLET_INDEXES = "CREATE INDEX IF NOT EXISTS transfers_from ON transfers (from_id); CREATE INDEX IF NOT EXISTS transfers_to ON transfers (to_id);";

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS position (id INTEGER PRIMARY KEY CHECK (id = 1), block INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS headers (number INTEGER PRIMARY KEY, hash TEXT NOT NULL, parent_hash TEXT NOT NULL, timestamp INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS wallets (id INTEGER PRIMARY KEY, address TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS transfers (
  checkpoint TEXT NOT NULL UNIQUE, block INTEGER NOT NULL, tx_index INTEGER NOT NULL, log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL, timestamp INTEGER NOT NULL, from_id INTEGER NOT NULL, to_id INTEGER NOT NULL,
  amount TEXT NOT NULL, kind TEXT NOT NULL, lot TEXT, reference TEXT
);
CREATE TABLE IF NOT EXISTS events (
  checkpoint TEXT PRIMARY KEY, block INTEGER NOT NULL, tx_index INTEGER NOT NULL, log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL, timestamp INTEGER NOT NULL, contract TEXT NOT NULL, name TEXT NOT NULL, args TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS flags (wallet TEXT PRIMARY KEY, reason TEXT NOT NULL, created_at TEXT NOT NULL, block INTEGER);
`;

/** A transfers row as stored: wallets by id (see the `wallets` table). */
type TransferTuple = [string, number, number, number, string, number, number, number, string, string, string | null, string | null];
type EventTuple = [string, number, number, number, string, number, string, string, string];

function eventFromTuple(t: EventTuple): LedgerEventRow {
  return {
    checkpoint: t[0], block: t[1], txIndex: t[2], logIndex: t[3], txHash: t[4] as Hex, timestamp: t[5],
    contract: t[6] as LedgerEventRow["contract"], name: t[7], args: JSON.parse(t[8]) as LedgerEventRow["args"],
  };
}

function isDuplicateCheckpoint(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: string }).code : undefined;
  return code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

/**
 * The zero-setup store: one SQLite file (WAL journal). Transfers refer to wallets by a small integer id (the
 * `wallets` table), which keeps the two wallet indexes small and inserts fast; rows are read back with the
 * addresses restored from an in-memory copy of that table. Every method runs synchronously under the hood;
 * a commit is one SQLite transaction, so a process killed mid-commit leaves the previous position intact.
 */
export class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  readonly location: string;
  readonly #db: Database.Database;
  readonly #stmts;
  /** Wallet id by address and address by id: a copy of the `wallets` table, extended on demand. */
  readonly #ids = new Map<Address, number>();
  readonly #addresses: Address[] = [];

  /**
   * Opens (creating if needed) the store file and its folder.
   * @param file - path of the SQLite file, or ":memory:".
   * @throws StoreError (`schema`) when the file holds another schema version.
   */
  constructor(file: string) {
    this.location = file;
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    try {
      this.#db = new Database(file);
    } catch (error) {
      throw new StoreError("open", `cannot open SQLite store ${file}: ${(error as Error).message}`, { cause: error });
    }
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = NORMAL");
    this.#db.pragma("cache_size = -262144");
    this.#db.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    const version = this.#db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get() as string | undefined;
    if (version !== undefined && version !== SCHEMA_VERSION) {
      this.#db.close();
      throw new StoreError("schema", `SQLite store ${file} has schema ${version}, this code needs ${SCHEMA_VERSION}: index into a new data directory`);
    }
    this.#db.exec(DDL);
    // Flags set before they carried a block: add the column (null reads as block 0).
    const flagColumns = this.#db.prepare("SELECT name FROM pragma_table_info('flags')").pluck().all() as string[];
    if (!flagColumns.includes("block")) this.#db.exec("ALTER TABLE flags ADD COLUMN block INTEGER");
    this.#db.exec(WALLET_INDEXES);
    const db = this.#db;
    this.#stmts = {
      position: db.prepare("SELECT block, hash FROM position WHERE id = 1"),
      setPosition: db.prepare("INSERT INTO position (id, block, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET block = excluded.block, hash = excluded.hash"),
      insertTransfer: db.prepare("INSERT INTO transfers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      insertWallet: db.prepare("INSERT INTO wallets (address) VALUES (?)"),
      walletId: db.prepare("SELECT id FROM wallets WHERE address = ?").pluck(),
      walletsAfter: db.prepare("SELECT id, address FROM wallets WHERE id > ? ORDER BY id").raw(),
      insertEvent: db.prepare("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      upsertHeader: db.prepare("INSERT INTO headers VALUES (?, ?, ?, ?) ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash, timestamp = excluded.timestamp"),
      header: db.prepare("SELECT hash FROM headers WHERE number = ?"),
      headers: db.prepare("SELECT number, hash, parent_hash, timestamp FROM headers WHERE number BETWEEN ? AND ? ORDER BY number"),
      deleteTransfers: db.prepare("DELETE FROM transfers WHERE checkpoint > ?"),
      deleteEvents: db.prepare("DELETE FROM events WHERE checkpoint > ?"),
      deleteHeaders: db.prepare("DELETE FROM headers WHERE number > ?"),
      transfers: db.prepare("SELECT * FROM transfers WHERE checkpoint > ? AND checkpoint <= ? ORDER BY checkpoint LIMIT ?").raw(),
      scan: db.prepare(
        "SELECT block, tx_index, log_index, tx_hash, timestamp, from_id, to_id, amount, kind, lot, reference FROM transfers WHERE checkpoint > ? AND checkpoint <= ? ORDER BY checkpoint",
      ).raw(),
      transfersOf: db.prepare(
        "SELECT * FROM (SELECT * FROM transfers WHERE from_id = ? AND checkpoint > ? AND checkpoint <= ? UNION ALL " +
          "SELECT * FROM transfers WHERE to_id = ? AND from_id <> to_id AND checkpoint > ? AND checkpoint <= ?) ORDER BY checkpoint LIMIT ?",
      ).raw(),
      events: db.prepare("SELECT * FROM events WHERE checkpoint > ? AND checkpoint <= ? ORDER BY checkpoint LIMIT ?").raw(),
      amounts: db.prepare("SELECT from_id, to_id, amount FROM transfers WHERE checkpoint <= ?").raw(),
      counts: db.prepare("SELECT (SELECT count(*) FROM transfers), (SELECT count(*) FROM events), (SELECT count(*) FROM headers)").raw(),
      getMeta: db.prepare("SELECT value FROM meta WHERE key = ?").pluck(),
      setMeta: db.prepare("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      flags: db.prepare("SELECT wallet, reason, created_at, block FROM flags ORDER BY wallet").raw(),
      setFlag: db.prepare("INSERT INTO flags (wallet, reason, created_at, block) VALUES (?, ?, ?, ?) ON CONFLICT (wallet) DO UPDATE SET reason = excluded.reason, created_at = excluded.created_at, block = excluded.block"),
      removeFlag: db.prepare("DELETE FROM flags WHERE wallet = ?"),
    };
    if (version === undefined) this.#stmts.setMeta.run("schema", SCHEMA_VERSION);
  }

  #position(): SyncPosition | null {
    const row = this.#stmts.position.get() as { block: number; hash: Hex } | undefined;
    return row === undefined ? null : { block: row.block, hash: row.hash };
  }

  async position(): Promise<SyncPosition | null> {
    return this.#position();
  }

  readonly #commit = (batch: SyncBatch): void => {
    checkBatch(this.#position(), batch);
    const s = this.#stmts;
    for (const h of batch.headers) s.upsertHeader.run(h.number, h.hash, h.parentHash, h.timestamp);
    for (const t of batch.transfers) {
      s.insertTransfer.run(t.checkpoint, t.block, t.txIndex, t.logIndex, t.txHash, t.timestamp, this.#idOf(t.from), this.#idOf(t.to), t.amount.toString(), t.kind, t.lot, t.reference);
    }
    for (const e of batch.events) {
      s.insertEvent.run(e.checkpoint, e.block, e.txIndex, e.logIndex, e.txHash, e.timestamp, e.contract, e.name, JSON.stringify(e.args));
    }
    s.setPosition.run(batch.toBlock, batch.toHash);
  };

  /** A wallet's id, inserting it into `wallets` if new (inside the commit's transaction). */
  #idOf(address: Address): number {
    let id = this.#ids.get(address);
    if (id === undefined) {
      id = (this.#stmts.walletId.get(address) as number | undefined) ?? Number(this.#stmts.insertWallet.run(address).lastInsertRowid);
      this.#ids.set(address, id);
      this.#addresses[id] = address;
    }
    return id;
  }

  /** The address of a wallet id (reloading the ids another process may have added). */
  #addressOf(id: number): Address {
    let address = this.#addresses[id];
    if (address === undefined) {
      // The copy may have holes (ids this process only looked up one by one): reload the whole table.
      for (const [i, a] of this.#stmts.walletsAfter.iterate(0) as Iterable<[number, Address]>) {
        this.#addresses[i] = a;
        this.#ids.set(a, i);
      }
      address = this.#addresses[id];
      if (address === undefined) throw new StoreError("schema", `SQLite store ${this.location}: a transfer refers to wallet id ${id}, which is not in the wallets table`);
    }
    return address;
  }

  #transferFromTuple(t: TransferTuple): TransferRow {
    return {
      checkpoint: t[0], block: t[1], txIndex: t[2], logIndex: t[3], txHash: t[4] as Hex, timestamp: t[5],
      from: this.#addressOf(t[6]), to: this.#addressOf(t[7]), amount: BigInt(t[8]), kind: t[9] as TransferKind,
      lot: t[10] as Hex | null, reference: t[11] as Hex | null,
    };
  }

  async commit(batch: SyncBatch): Promise<void> {
    try {
      this.#db.transaction(this.#commit)(batch);
    } catch (error) {
      // Ids handed out inside the failed transaction are gone with it.
      this.#ids.clear();
      this.#addresses.length = 0;
      if (isDuplicateCheckpoint(error)) {
        throw new StoreError("duplicate", `batch ${batch.fromBlock}..${batch.toBlock} repeats a stored checkpoint; nothing was written`, { cause: error });
      }
      throw error;
    }
  }

  async rollback(block: number): Promise<void> {
    this.#db.transaction(() => {
      const position = this.#position();
      if (position === null || block > position.block) {
        throw new StoreError("rollback", `cannot roll back to block ${block}: the store is at ${position?.block ?? "no block"}`);
      }
      const header = this.#stmts.header.get(block) as { hash: Hex } | undefined;
      if (header === undefined) throw new StoreError("rollback", `cannot roll back to block ${block}: its header is not stored`);
      const cut = blockEnd(block);
      this.#stmts.deleteTransfers.run(cut);
      this.#stmts.deleteEvents.run(cut);
      this.#stmts.deleteHeaders.run(block);
      this.#stmts.setPosition.run(block, header.hash);
    })();
  }

  async headers(fromBlock: number, toBlock: number): Promise<BlockHeader[]> {
    const rows = this.#stmts.headers.all(fromBlock, toBlock) as { number: number; hash: Hex; parent_hash: Hex; timestamp: number }[];
    return rows.map((r) => ({ number: r.number, hash: r.hash, parentHash: r.parent_hash, timestamp: r.timestamp }));
  }

  #upper(toBlock: number | undefined): string {
    return toBlock === undefined ? MAX_CHECKPOINT : blockEnd(toBlock);
  }

  async transfers(query: { after?: string; toBlock?: number; wallet?: Address; limit: number }): Promise<TransferRow[]> {
    const after = query.after ?? "";
    const upper = this.#upper(query.toBlock);
    let rows: TransferTuple[];
    if (query.wallet === undefined) rows = this.#stmts.transfers.all(after, upper, query.limit) as TransferTuple[];
    else {
      const id = this.#stmts.walletId.get(query.wallet) as number | undefined;
      if (id === undefined) return [];
      rows = this.#stmts.transfersOf.all(id, after, upper, id, after, upper, query.limit) as TransferTuple[];
    }
    return rows.map((t) => this.#transferFromTuple(t));
  }

  scanTransfers(query: { after?: string; toBlock?: number }): { addresses: readonly (Address | undefined)[]; rows: Iterable<TransferScanRow> } {
    // The whole wallets table first (one read), so no look-up runs while the scan's statement is open.
    for (const [i, a] of this.#stmts.walletsAfter.iterate(0) as Iterable<[number, Address]>) {
      this.#addresses[i] = a;
      this.#ids.set(a, i);
    }
    return { addresses: this.#addresses, rows: this.#stmts.scan.iterate(query.after ?? "", this.#upper(query.toBlock)) as Iterable<TransferScanRow> };
  }

  async events(query: { after?: string; toBlock?: number; names?: readonly string[]; limit: number }): Promise<LedgerEventRow[]> {
    const after = query.after ?? "";
    const upper = this.#upper(query.toBlock);
    if (query.names === undefined) {
      return (this.#stmts.events.all(after, upper, query.limit) as EventTuple[]).map(eventFromTuple);
    }
    if (query.names.length === 0) return [];
    const marks = query.names.map(() => "?").join(", ");
    const stmt = this.#db.prepare(`SELECT * FROM events WHERE checkpoint > ? AND checkpoint <= ? AND name IN (${marks}) ORDER BY checkpoint LIMIT ?`).raw();
    return (stmt.all(after, upper, ...query.names, query.limit) as EventTuple[]).map(eventFromTuple);
  }

  async balances(toBlock?: number): Promise<Map<Address, bigint>> {
    const balances = new Map<Address, bigint>();
    for (const [from, to, amount] of this.#stmts.amounts.iterate(this.#upper(toBlock)) as Iterable<[number, number, string]>) {
      addToBalances(balances, this.#addressOf(from), this.#addressOf(to), BigInt(amount));
    }
    return balances;
  }

  async counts(): Promise<{ transfers: number; events: number; headers: number }> {
    const [transfers, events, headers] = this.#stmts.counts.get() as [number, number, number];
    return { transfers, events, headers };
  }

  async getMeta(key: string): Promise<string | null> {
    return (this.#stmts.getMeta.get(key) as string | undefined) ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.#stmts.setMeta.run(key, value);
  }

  async saveHeaders(headers: readonly BlockHeader[]): Promise<void> {
    this.#db.transaction(() => {
      const position = this.#position();
      for (const h of headers) {
        if (position === null || h.number > position.block) {
          throw new StoreError("gap", `header of block ${h.number} lies above the store's position ${position?.block ?? "(empty)"}`);
        }
        this.#stmts.upsertHeader.run(h.number, h.hash, h.parentHash, h.timestamp);
      }
    })();
  }

  async flags(): Promise<Flag[]> {
    return (this.#stmts.flags.all() as [Address, string, string, number | null][]).map(([wallet, reason, createdAt, block]) => ({ wallet, reason, createdAt, block }));
  }

  async setFlag(flag: Flag): Promise<void> {
    this.#stmts.setFlag.run(flag.wallet, flag.reason, flag.createdAt, flag.block ?? this.#position()?.block ?? 0);
  }

  async removeFlag(wallet: Address): Promise<boolean> {
    return this.#stmts.removeFlag.run(wallet).changes > 0;
  }

  async setBulk(on: boolean): Promise<void> {
    this.#db.exec(on ? "DROP INDEX IF EXISTS transfers_from; DROP INDEX IF EXISTS transfers_to;" : WALLET_INDEXES);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
