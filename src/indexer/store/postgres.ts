import pg from "pg";
import { MAX_CHECKPOINT, blockEnd } from "../checkpoint.js";
import type { Address, BlockHeader, Flag, Hex, LedgerEventRow, SyncBatch, SyncPosition, TransferKind, TransferRow } from "../types.js";
import { ZERO_ADDRESS } from "../types.js";
import { StoreError, checkBatch } from "./store.js";
import type { Store } from "./store.js";

const SCHEMA_VERSION = "1";
const INT8_OID = 20;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS position (id INTEGER PRIMARY KEY CHECK (id = 1), block BIGINT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS headers (number BIGINT PRIMARY KEY, hash TEXT NOT NULL, parent_hash TEXT NOT NULL, timestamp BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS transfers (
  checkpoint TEXT COLLATE "C" PRIMARY KEY, block BIGINT NOT NULL, tx_index INTEGER NOT NULL, log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL, timestamp BIGINT NOT NULL, from_addr TEXT NOT NULL, to_addr TEXT NOT NULL,
  amount NUMERIC(78, 0) NOT NULL, kind TEXT NOT NULL, lot TEXT, reference TEXT
);
CREATE INDEX IF NOT EXISTS transfers_from ON transfers (from_addr, checkpoint);
CREATE INDEX IF NOT EXISTS transfers_to ON transfers (to_addr, checkpoint);
CREATE TABLE IF NOT EXISTS events (
  checkpoint TEXT COLLATE "C" PRIMARY KEY, block BIGINT NOT NULL, tx_index INTEGER NOT NULL, log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL, timestamp BIGINT NOT NULL, contract TEXT NOT NULL, name TEXT NOT NULL, args JSONB NOT NULL
);
CREATE TABLE IF NOT EXISTS flags (wallet TEXT PRIMARY KEY, reason TEXT NOT NULL, created_at TEXT NOT NULL);
ALTER TABLE flags ADD COLUMN IF NOT EXISTS block BIGINT;
`;

const TRANSFER_COLUMNS = "checkpoint, block, tx_index, log_index, tx_hash, timestamp, from_addr, to_addr, amount::text AS amount, kind, lot, reference";

interface TransferRecord {
  checkpoint: string; block: number; tx_index: number; log_index: number; tx_hash: Hex; timestamp: number;
  from_addr: Address; to_addr: Address; amount: string; kind: TransferKind; lot: Hex | null; reference: Hex | null;
}
interface EventRecord {
  checkpoint: string; block: number; tx_index: number; log_index: number; tx_hash: Hex; timestamp: number;
  contract: LedgerEventRow["contract"]; name: string; args: LedgerEventRow["args"];
}

function transferFromRecord(r: TransferRecord): TransferRow {
  return {
    checkpoint: r.checkpoint, block: r.block, txIndex: r.tx_index, logIndex: r.log_index, txHash: r.tx_hash, timestamp: r.timestamp,
    from: r.from_addr, to: r.to_addr, amount: BigInt(r.amount), kind: r.kind, lot: r.lot, reference: r.reference,
  };
}

function eventFromRecord(r: EventRecord): LedgerEventRow {
  return {
    checkpoint: r.checkpoint, block: r.block, txIndex: r.tx_index, logIndex: r.log_index, txHash: r.tx_hash, timestamp: r.timestamp,
    contract: r.contract, name: r.name, args: r.args,
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return "postgres (unparsable URL)";
  }
}

/**
 * The production store: PostgreSQL, chosen with a connection URL. A commit is one transaction on one
 * connection; rows go in with `unnest` arrays (one statement per table per batch).
 */
export class PostgresStore implements Store {
  readonly kind = "postgres" as const;
  readonly location: string;
  readonly #pool: pg.Pool;

  private constructor(pool: pg.Pool, location: string) {
    this.#pool = pool;
    this.location = location;
  }

  /**
   * Connects, creates the schema (and the tables) if needed, and checks the schema version.
   * @param url - `postgres://user:password@host:port/database`.
   * @param options.schema - a PostgreSQL schema to keep the tables in (default `public`).
   * @throws StoreError (`open`) when the server cannot be reached, (`schema`) on another schema version.
   */
  static async open(url: string, options: { schema?: string } = {}): Promise<PostgresStore> {
    const schema = options.schema ?? "public";
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new StoreError("open", `PostgreSQL schema name "${schema}" must be lower-case letters, digits and _`);
    const pool = new pg.Pool({
      connectionString: url,
      max: 4,
      options: `-c search_path=${schema}`,
      types: { getTypeParser: ((oid: number, format?: string) => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as "text"))) as typeof pg.types.getTypeParser },
    });
    pool.on("error", () => {
      // An idle client lost its connection; the next query reports it.
    });
    const location = redact(url) + (schema === "public" ? "" : ` (schema ${schema})`);
    try {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await pool.query(DDL);
    } catch (error) {
      await pool.end();
      throw new StoreError("open", `cannot open PostgreSQL store ${location}: ${(error as Error).message}`, { cause: error });
    }
    const store = new PostgresStore(pool, location);
    const version = await store.getMeta("schema");
    if (version === null) await store.setMeta("schema", SCHEMA_VERSION);
    else if (version !== SCHEMA_VERSION) {
      await pool.end();
      throw new StoreError("schema", `PostgreSQL store ${location} has schema ${version}, this code needs ${SCHEMA_VERSION}: use a new schema or database`);
    }
    return store;
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    } finally {
      client.release();
    }
  }

  static async #position(client: pg.PoolClient | pg.Pool): Promise<SyncPosition | null> {
    const { rows } = await client.query<{ block: number; hash: Hex }>("SELECT block, hash FROM position WHERE id = 1");
    return rows.length === 0 ? null : { block: rows[0]!.block, hash: rows[0]!.hash };
  }

  /** Inside a transaction: takes the writers' lock (two syncs on one store serialize), then reads the position. */
  static async #lockedPosition(client: pg.PoolClient): Promise<SyncPosition | null> {
    await client.query("SELECT pg_advisory_xact_lock(hashtext(current_schema()))");
    return PostgresStore.#position(client);
  }

  async position(): Promise<SyncPosition | null> {
    return PostgresStore.#position(this.#pool);
  }

  async commit(batch: SyncBatch): Promise<void> {
    try {
      await this.#transaction(async (client) => {
        checkBatch(await PostgresStore.#lockedPosition(client), batch);
        if (batch.headers.length > 0) {
          const h = batch.headers;
          await client.query(
            "INSERT INTO headers SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) " +
              "ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash, timestamp = excluded.timestamp",
            [h.map((x) => x.number), h.map((x) => x.hash), h.map((x) => x.parentHash), h.map((x) => x.timestamp)],
          );
        }
        if (batch.transfers.length > 0) {
          const t = batch.transfers;
          await client.query(
            "INSERT INTO transfers SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::int[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::numeric[], $10::text[], $11::text[], $12::text[])",
            [
              t.map((x) => x.checkpoint), t.map((x) => x.block), t.map((x) => x.txIndex), t.map((x) => x.logIndex), t.map((x) => x.txHash),
              t.map((x) => x.timestamp), t.map((x) => x.from), t.map((x) => x.to), t.map((x) => x.amount.toString()), t.map((x) => x.kind),
              t.map((x) => x.lot), t.map((x) => x.reference),
            ],
          );
        }
        if (batch.events.length > 0) {
          const e = batch.events;
          await client.query(
            "INSERT INTO events SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::int[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::jsonb[])",
            [
              e.map((x) => x.checkpoint), e.map((x) => x.block), e.map((x) => x.txIndex), e.map((x) => x.logIndex), e.map((x) => x.txHash),
              e.map((x) => x.timestamp), e.map((x) => x.contract), e.map((x) => x.name), e.map((x) => JSON.stringify(x.args)),
            ],
          );
        }
        await client.query("INSERT INTO position (id, block, hash) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET block = excluded.block, hash = excluded.hash", [batch.toBlock, batch.toHash]);
      });
    } catch (error) {
      if ((error as { code?: string }).code === "23505") {
        throw new StoreError("duplicate", `batch ${batch.fromBlock}..${batch.toBlock} repeats a stored checkpoint; nothing was written`, { cause: error });
      }
      throw error;
    }
  }

  async rollback(block: number): Promise<void> {
    await this.#transaction(async (client) => {
      const position = await PostgresStore.#lockedPosition(client);
      if (position === null || block > position.block) {
        throw new StoreError("rollback", `cannot roll back to block ${block}: the store is at ${position?.block ?? "no block"}`);
      }
      const { rows } = await client.query<{ hash: Hex }>("SELECT hash FROM headers WHERE number = $1", [block]);
      if (rows.length === 0) throw new StoreError("rollback", `cannot roll back to block ${block}: its header is not stored`);
      const cut = blockEnd(block);
      await client.query("DELETE FROM transfers WHERE checkpoint > $1", [cut]);
      await client.query("DELETE FROM events WHERE checkpoint > $1", [cut]);
      await client.query("DELETE FROM headers WHERE number > $1", [block]);
      await client.query("UPDATE position SET block = $1, hash = $2 WHERE id = 1", [block, rows[0]!.hash]);
    });
  }

  async headers(fromBlock: number, toBlock: number): Promise<BlockHeader[]> {
    const { rows } = await this.#pool.query<{ number: number; hash: Hex; parent_hash: Hex; timestamp: number }>(
      "SELECT number, hash, parent_hash, timestamp FROM headers WHERE number BETWEEN $1 AND $2 ORDER BY number",
      [fromBlock, toBlock],
    );
    return rows.map((r) => ({ number: r.number, hash: r.hash, parentHash: r.parent_hash, timestamp: r.timestamp }));
  }

  async transfers(query: { after?: string; toBlock?: number; wallet?: Address; limit: number }): Promise<TransferRow[]> {
    const params: unknown[] = [query.after ?? "", query.toBlock === undefined ? MAX_CHECKPOINT : blockEnd(query.toBlock), query.limit];
    let sql: string;
    if (query.wallet === undefined) {
      sql = `SELECT ${TRANSFER_COLUMNS} FROM transfers WHERE checkpoint > $1 AND checkpoint <= $2 ORDER BY checkpoint LIMIT $3`;
    } else {
      params.push(query.wallet);
      sql = `SELECT ${TRANSFER_COLUMNS} FROM transfers WHERE checkpoint > $1 AND checkpoint <= $2 AND (from_addr = $4 OR to_addr = $4) ORDER BY checkpoint LIMIT $3`;
    }
    const { rows } = await this.#pool.query<TransferRecord>(sql, params);
    return rows.map(transferFromRecord);
  }

  async events(query: { after?: string; toBlock?: number; names?: readonly string[]; limit: number }): Promise<LedgerEventRow[]> {
    const params: unknown[] = [query.after ?? "", query.toBlock === undefined ? MAX_CHECKPOINT : blockEnd(query.toBlock), query.limit];
    let filter = "";
    if (query.names !== undefined) {
      params.push(query.names);
      filter = " AND name = ANY($4::text[])";
    }
    const { rows } = await this.#pool.query<EventRecord>(
      `SELECT * FROM events WHERE checkpoint > $1 AND checkpoint <= $2${filter} ORDER BY checkpoint LIMIT $3`,
      params,
    );
    return rows.map(eventFromRecord);
  }

  async balances(toBlock?: number): Promise<Map<Address, bigint>> {
    const { rows } = await this.#pool.query<{ wallet: Address; balance: string }>(
      "SELECT wallet, sum(delta)::text AS balance FROM (" +
        "SELECT from_addr AS wallet, -amount AS delta FROM transfers WHERE checkpoint <= $1 UNION ALL " +
        "SELECT to_addr, amount FROM transfers WHERE checkpoint <= $1) d GROUP BY wallet",
      [toBlock === undefined ? MAX_CHECKPOINT : blockEnd(toBlock)],
    );
    const balances = new Map<Address, bigint>();
    for (const r of rows) if (r.wallet !== ZERO_ADDRESS) balances.set(r.wallet, BigInt(r.balance));
    return balances;
  }

  async counts(): Promise<{ transfers: number; events: number; headers: number }> {
    const { rows } = await this.#pool.query<{ t: number; e: number; h: number }>(
      "SELECT (SELECT count(*) FROM transfers) AS t, (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM headers) AS h",
    );
    return { transfers: rows[0]!.t, events: rows[0]!.e, headers: rows[0]!.h };
  }

  async getMeta(key: string): Promise<string | null> {
    const { rows } = await this.#pool.query<{ value: string }>("SELECT value FROM meta WHERE key = $1", [key]);
    return rows.length === 0 ? null : rows[0]!.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.#pool.query("INSERT INTO meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value]);
  }

  async saveHeaders(headers: readonly BlockHeader[]): Promise<void> {
    await this.#transaction(async (client) => {
      const position = await PostgresStore.#position(client);
      for (const h of headers) {
        if (position === null || h.number > position.block) {
          throw new StoreError("gap", `header of block ${h.number} lies above the store's position ${position?.block ?? "(empty)"}`);
        }
        await client.query(
          "INSERT INTO headers VALUES ($1, $2, $3, $4) ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash, timestamp = excluded.timestamp",
          [h.number, h.hash, h.parentHash, h.timestamp],
        );
      }
    });
  }

  async flags(): Promise<Flag[]> {
    const { rows } = await this.#pool.query<{ wallet: Address; reason: string; created_at: string; block: number | null }>("SELECT wallet, reason, created_at, block FROM flags ORDER BY wallet");
    return rows.map((r) => ({ wallet: r.wallet, reason: r.reason, createdAt: r.created_at, block: r.block === null ? null : Number(r.block) }));
  }

  async setFlag(flag: Flag): Promise<void> {
    const block = flag.block ?? (await PostgresStore.#position(this.#pool))?.block ?? 0;
    await this.#pool.query(
      "INSERT INTO flags (wallet, reason, created_at, block) VALUES ($1, $2, $3, $4) ON CONFLICT (wallet) DO UPDATE SET reason = excluded.reason, created_at = excluded.created_at, block = excluded.block",
      [flag.wallet, flag.reason, flag.createdAt, block],
    );
  }

  async removeFlag(wallet: Address): Promise<boolean> {
    const { rowCount } = await this.#pool.query("DELETE FROM flags WHERE wallet = $1", [wallet]);
    return (rowCount ?? 0) > 0;
  }

  /** A no-op: PostgreSQL keeps its indexes (inserts go in with unnest, one statement per table per batch). */
  async setBulk(_on: boolean): Promise<void> {}

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
