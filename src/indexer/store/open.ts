import { existsSync } from "node:fs";
import { join } from "node:path";
import { PostgresStore } from "./postgres.js";
import { SqliteStore } from "./sqlite.js";
import { StoreError } from "./store.js";
import type { Store } from "./store.js";

/** File name of the SQLite store inside a data directory. */
export const SQLITE_FILE = "index.sqlite";

/**
 * Opens the store a user named: a `postgres://` / `postgresql://` URL selects PostgreSQL (a `schema=<name>`
 * query parameter keeps the tables in that schema), anything else is a data directory holding the SQLite file
 * {@link SQLITE_FILE} (created with its folder if missing).
 * @param target - a PostgreSQL URL or a directory path.
 * @param options.mustExist - refuse a data directory without an index file, or a PostgreSQL store that was
 *   never indexed into, instead of creating an empty one (readers: a mistyped path is an error).
 * @returns an open store; the caller closes it.
 * @throws StoreError (`open`) naming the path when `mustExist` and there is no index there.
 * @example const store = await openStore(".data"); // .data/index.sqlite
 * @example const store = await openStore("postgres://indexer@db/ledger?schema=bank_a");
 */
export async function openStore(target: string, options: { mustExist?: boolean } = {}): Promise<Store> {
  if (!/^postgres(ql)?:\/\//i.test(target)) {
    const file = join(target, SQLITE_FILE);
    if (options.mustExist === true && !existsSync(file)) {
      throw new StoreError("open", `no index at ${target} (no ${SQLITE_FILE} there): check --store, or run \`goods-ledger index --store ${target}\` first`);
    }
    return new SqliteStore(file);
  }
  const url = new URL(target);
  const schema = url.searchParams.get("schema") ?? undefined;
  url.searchParams.delete("schema");
  const store = await PostgresStore.open(url.toString(), { schema });
  if (options.mustExist === true && (await store.getMeta("deployment")) === null && (await store.position()) === null) {
    await store.close();
    throw new StoreError("open", `no index in ${store.location}: check --store, or run \`goods-ledger index --store <url>\` first`);
  }
  return store;
}
