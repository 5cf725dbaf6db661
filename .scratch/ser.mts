import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { SqliteStore } from "/work/wt/server/src/indexer/store/sqlite.ts";
import { loadModel } from "/work/wt/server/src/trace/model.ts";
import { runQuery } from "/work/wt/server/src/trace/query.ts";
import { plain } from "/work/wt/server/src/trace/export.ts";
import { writeSyntheticLedger, syntheticWallet } from "/work/wt/server/test/server/synthetic.ts";
const dir = mkdtempSync("/tmp/srvx/s");
const store = new SqliteStore(join(dir, "index.sqlite"));
await writeSyntheticLedger(store, { transfers: 120000, wallets: 12000, hubs: 20 });
const m = await loadModel(store);
for (let i = 0; i < 3; i++) {
let t = performance.now();
const r = runQuery(m, { kind: "forward", wallet: syntheticWallet(0), hops: 10, maxEdges: 100000, hubDegree: 1e9 });
const a = performance.now() - t; t = performance.now();
const s1 = JSON.stringify(plain({ kind: r.kind, result: r.result }));
const b = performance.now() - t; t = performance.now();
const s2 = JSON.stringify({ kind: r.kind, result: r.result }, (_k, v) => typeof v === "bigint" ? v.toString() : v);
const c = performance.now() - t; t = performance.now();
const e = new TextEncoder().encode(s2);
const d = performance.now() - t;
console.log({ query: a, plainStringify: b, replacer: c, encode: d, same: s1 === s2, len: s1.length });
}
