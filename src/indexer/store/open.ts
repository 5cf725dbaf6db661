import { join } from "node:path";
import { PostgresStore } from "./postgres.js";
import { SqliteStore } from "./sqlite.js";
import type { Store } from "./store.js";

/** File name of the SQLite store inside a data directory. */
export const SQLITE_FILE = "index.sqlite";

/**
 * Opens the store a user named: a `postgres://` / `postgresql://` URL selects PostgreSQL, anything else is
 * a data directory holding the SQLite file {@link SQLITE_FILE} (created with its folder if missing).
 * @param target - a PostgreSQL URL or a directory path.
 * @param options.schema - PostgreSQL only: the schema to keep the tables in.
 * @returns an open store; the caller closes it.
 * @example const store = await openStore(".data"); // .data/index.sqlite
 */
export async function openStore(target: string, options: { schema?: string } = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(target)) return PostgresStore.open(target, options);
  return new SqliteStore(join(target, SQLITE_FILE));
}
