import { join } from "node:path";
import { PostgresStore } from "./postgres.js";
import { SqliteStore } from "./sqlite.js";
import type { Store } from "./store.js";

/** File name of the SQLite store inside a data directory. */
export const SQLITE_FILE = "index.sqlite";

/**
 * Opens the store a user named: a `postgres://` / `postgresql://` URL selects PostgreSQL (a `schema=<name>`
 * query parameter keeps the tables in that schema), anything else is a data directory holding the SQLite file
 * {@link SQLITE_FILE} (created with its folder if missing).
 * @param target - a PostgreSQL URL or a directory path.
 * @returns an open store; the caller closes it.
 * @example const store = await openStore(".data"); // .data/index.sqlite
 * @example const store = await openStore("postgres://indexer@db/ledger?schema=bank_a");
 */
export async function openStore(target: string): Promise<Store> {
  if (!/^postgres(ql)?:\/\//i.test(target)) return new SqliteStore(join(target, SQLITE_FILE));
  const url = new URL(target);
  const schema = url.searchParams.get("schema") ?? undefined;
  url.searchParams.delete("schema");
  return PostgresStore.open(url.toString(), { schema });
}
