import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { spawn } from "node:child_process";
import { SqliteStore } from "/work/wt/server/src/indexer/store/sqlite.ts";
import { startServer } from "/work/wt/server/src/server/server.ts";
import { addToken, readTokens } from "/work/wt/server/src/server/auth.ts";
import { writeSyntheticLedger, syntheticWallet } from "/work/wt/server/test/server/synthetic.ts";
const dir = mkdtempSync("/tmp/srvx/e");
const store = new SqliteStore(join(dir, "index.sqlite"));
await writeSyntheticLedger(store, { transfers: 120000, wallets: 12000, hubs: 20 });
const tf = join(dir, "t.json"); const tok = addToken(tf, "h", "analyst");
const s = await startServer({ store, tokens: () => readTokens(tf), code: { name: "g", version: "1", commit: null }, limits: { ratePerSecond: 1000, burst: 1000 } });
await new Promise((r) => setTimeout(r, 3000));
const hub = syntheticWallet(0);
const client = `const [url, token] = process.argv.slice(1); const end = Date.now() + 10000; let n = 0; while (Date.now() < end) { const r = await fetch(url, { headers: { authorization: "Bearer " + token } }); await r.arrayBuffer(); n++; } console.log("runs", n);`;
for (const path of ["none", `/api/exposure?wallet=${syntheticWallet(77)}&policy=haircut`, `/api/forward?wallet=${hub}&hops=10&maxEdges=100000&hubDegree=1000000000`, `/api/forward?wallet=${hub}&hops=10&maxEdges=100000&hubDegree=1000000000&format=csv`]) {
  const h = monitorEventLoopDelay({ resolution: 5 }); h.enable();
  if (path === "none") await new Promise((r) => setTimeout(r, 10000));
  else await new Promise((r) => { const c = spawn(process.execPath, ["--input-type=module", "-e", client, s.url + path, tok], { stdio: "inherit" }); c.on("exit", r); });
  h.disable();
  console.log(path.slice(0, 40), "p50", (h.percentile(50) / 1e6).toFixed(1), "p99", (h.percentile(99) / 1e6).toFixed(1), "max", (h.max / 1e6).toFixed(1));
}
await s.close(); await store.close();
