import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../src/indexer/store/sqlite.js";
import { labelsRoute } from "../../src/server/labels.js";
import { lotId } from "@goods-ledger/sdk";
import { COFFEE, INSTITUTIONS, MAIZE, serveStory, who, type ServedStory } from "./story.js";

/** The routes the analyst page needs besides the query API: its vendor scripts, names, and pack verification. */
describe("serve › the analyst page's routes (vendor scripts, labels, institutions, pack verification)", function () {
  this.timeout(60_000);
  let dir: string;
  let store: SqliteStore;
  let served: ServedStory;
  const get = (path: string, token: string | null = served.analyst) =>
    fetch(`${served.server.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const post = (path: string, body: unknown) =>
    fetch(`${served.server.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${served.analyst}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "goods-ledger-page-routes-"));
    store = new SqliteStore(join(dir, "index.sqlite"));
    served = await serveStory(store);
  });
  after(async () => {
    await served?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("serves every file vendor.json lists from the project's dependencies, and nothing else under /vendor", async function () {
    const require = createRequire(import.meta.url);
    const list = JSON.parse(readFileSync(new URL("../../src/server/public/vendor.json", import.meta.url), "utf8")) as Record<string, string>;
    expect(Object.keys(list)).to.include.members(["/vendor/cytoscape.min.js", "/vendor/elk-api.js", "/vendor/elk-worker.min.js"]);
    for (const [url, file] of Object.entries(list)) {
      const res = await get(url, null);
      expect(res.status, url).to.equal(200);
      expect(res.headers.get("content-type")).to.equal("text/javascript; charset=utf-8");
      expect(await res.text()).to.equal(readFileSync(require.resolve(file), "utf8"));
    }
    for (const path of ["/vendor/cytoscape.js", "/vendor/../package.json", "/vendor/%2e%2e/package.json", "/vendor/"]) {
      expect((await get(path, null)).status, path).to.equal(404);
    }
  });

  it("GET /api/labels names the token and the configured lots; GET /api/institutions the configured institutions; both need a token", async function () {
    expect(await (await get("/api/labels")).json()).to.deep.equal({ token: { symbol: "GNGN", decimals: 6 }, lots: { [lotId(COFFEE)]: COFFEE, [lotId(MAIZE)]: MAIZE } });
    // Without configured labels: the deploy default's symbol (GLT), no lots, no institutions.
    expect([labelsRoute("labels"), labelsRoute("institutions")]).to.deep.equal([{ token: { symbol: "GLT", decimals: 6 }, lots: {} }, {}]);
    expect(await (await get("/api/institutions")).json()).to.deep.equal(INSTITUTIONS);
    expect((await get("/api/labels", null)).status).to.equal(401);
    expect((await get("/api/institutions", null)).status).to.equal(401);
  });

  it("POST /api/evidence/verify passes a pack the server built and names the check an altered pack fails", async function () {
    const query = { kind: "exposure", wallet: who("baraka"), policy: "haircut", flagged: [who("chen")] };
    const pack = await (await post("/api/evidence", { query })).json();
    const before = served.server.stats().completed;
    const ok = await (await post("/api/evidence/verify", { pack })).json();
    // The query is run again on a worker thread of the pool (with its deadline), not on the event loop.
    expect(served.server.stats().completed).to.equal(before + 1);
    expect(ok.ok).to.equal(true);
    expect(ok.checks.map((c: { check: string; ok: boolean }) => [c.check, c.ok])).to.deep.equal([["format", true], ["digest", true], ["chain-id", true], ["block-hash", true], ["policy-version", true], ["results", true]]);
    const failing = async (p: unknown) => (await (await post("/api/evidence/verify", { pack: p })).json()).checks.filter((c: { ok: boolean }) => !c.ok).map((c: { check: string }) => c.check);
    expect(await failing({ ...pack, results: { ...pack.results, exposed: "1" } })).to.deep.equal(["digest"]);
    expect(await failing({ ...pack, format: "other/1" })).to.deep.equal(["format"]);
    // A pack that fails an index check is answered without running its query.
    expect(served.server.stats().completed).to.equal(before + 1);
    // Re-sealed packs (digest recomputed): a block hash the index does not hold, and results the query does not give.
    const { packDigest } = await import("../../src/trace/evidence.js");
    const otherBlock = { ...pack, chain: { ...pack.chain, block: { ...pack.chain.block, hash: `0x${"ab".repeat(32)}` } } };
    expect(await failing({ ...otherBlock, sha256: packDigest(otherBlock) })).to.deep.equal(["block-hash"]);
    const otherResults = { ...pack, results: { ...pack.results, exposed: "1" } };
    expect(await failing({ ...otherResults, sha256: packDigest(otherResults) })).to.deep.equal(["results"]);
    const bad = await post("/api/evidence/verify", { pack: "nope" });
    expect([bad.status, (await bad.json()).error.code]).to.deep.equal([400, "bad-parameter"]);
  });
});
