/**
 * Runs a suite on both stores. SQLite files go to a temporary folder; PostgreSQL stores get a fresh schema on
 * the server named by GOODS_LEDGER_TEST_PG_URL (.ci/run starts one). Without that variable the PostgreSQL
 * suite shows as pending with the reason, never as passed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { PostgresStore } from "../../src/indexer/store/postgres.js";
import { SqliteStore } from "../../src/indexer/store/sqlite.js";
import type { Store } from "../../src/indexer/store/store.js";

/** The PostgreSQL server for tests, if any. */
export const PG_URL = process.env.GOODS_LEDGER_TEST_PG_URL;

/** Opens fresh stores of one kind and cleans them up. */
export interface StoreFactory {
  name: "SQLite" | "PostgreSQL";
  /** A new, empty store. */
  open(): Promise<Store>;
  /** Another handle on the same store (another process would open it so). */
  reopen(store: Store): Promise<Store>;
  /** A new, empty store as the CLI names it (`--store`): a folder, or a URL with `?schema=`. */
  spec(): string;
  /** Closes every store opened and deletes their data. */
  cleanup(): Promise<void>;
}

function sqliteFactory(): StoreFactory {
  const dir = mkdtempSync(join(tmpdir(), "goods-ledger-store-"));
  const open: Store[] = [];
  let n = 0;
  return {
    name: "SQLite",
    async open() {
      const store = new SqliteStore(join(dir, `s${n++}`, "index.sqlite"));
      open.push(store);
      return store;
    },
    async reopen(store) {
      const again = new SqliteStore(store.location);
      open.push(again);
      return again;
    },
    spec() {
      return join(dir, `s${n++}`);
    },
    async cleanup() {
      for (const s of open) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresFactory(url: string): StoreFactory {
  const schemas = new Map<Store, string>();
  const extra: string[] = [];
  const open: Store[] = [];
  const prefix = `t${process.pid}_${Date.now() % 100_000}`;
  let n = 0;
  return {
    name: "PostgreSQL",
    async open() {
      const schema = `${prefix}_${n++}`;
      const store = await PostgresStore.open(url, { schema });
      schemas.set(store, schema);
      open.push(store);
      return store;
    },
    async reopen(store) {
      const schema = schemas.get(store)!;
      const again = await PostgresStore.open(url, { schema });
      schemas.set(again, schema);
      open.push(again);
      return again;
    },
    spec() {
      const schema = `${prefix}_${n++}`;
      extra.push(schema);
      return `${url}${url.includes("?") ? "&" : "?"}schema=${schema}`;
    },
    async cleanup() {
      for (const s of open) await s.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const schema of new Set([...schemas.values(), ...extra])) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Declares `suite` once per store, inside `describe("on SQLite")` and `describe("on PostgreSQL")`.
 * @param suite - declares the tests; gets the factory (valid inside hooks and tests).
 */
export function onEachStore(suite: (factory: () => StoreFactory) => void): void {
  describe("on SQLite", function () {
    let factory: StoreFactory;
    before(() => {
      factory = sqliteFactory();
    });
    after(async () => factory.cleanup());
    suite(() => factory);
  });
  describe("on PostgreSQL", function () {
    if (PG_URL === undefined) {
      it("is skipped: set GOODS_LEDGER_TEST_PG_URL to a PostgreSQL server (.ci/run starts one)", function () {
        this.skip();
      });
      return;
    }
    let factory: StoreFactory;
    before(() => {
      factory = postgresFactory(PG_URL);
    });
    after(async () => factory.cleanup());
    suite(() => factory);
  });
}
