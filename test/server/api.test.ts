import { expect } from "chai";
import type { Store } from "../../src/indexer/store/store.js";
import { packDigest, type EvidencePack } from "../../src/trace/evidence.js";
import { plain } from "../../src/trace/export.js";
import { loadModel } from "../../src/trace/model.js";
import { runQuery } from "../../src/trace/query.js";
import { onEachStore } from "../indexer/stores.js";
import { serveHistory, type Served } from "./fixture.js";

describe("serve › HTTP API with bearer tokens and a read-only analyst role", function () {
  this.timeout(120_000);

  onEachStore((factory) => {
    let served: Served;
    let store: Store;
    const call = async (path: string, token: string | null, init: RequestInit = {}) => {
      const res = await fetch(`${served.server.url}${path}`, { ...init, headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(init.headers ?? {}) } });
      const text = await res.text();
      return { status: res.status, type: res.headers.get("content-type"), text, json: () => JSON.parse(text) as Record<string, any> };
    };

    before(async () => {
      store = await factory().open();
      served = await serveHistory(store);
    });
    after(async () => served?.close());

    it("without a token, or with an unknown one › 401 unauthorized; the page itself loads without one", async function () {
      expect((await call("/api/status", null)).json()).to.deep.equal({ error: { code: "unauthorized", message: "missing bearer token: send Authorization: Bearer <token>" } });
      const wrong = await call("/api/status", "glt_not-a-token");
      expect([wrong.status, wrong.json().error.code]).to.deep.equal([401, "unauthorized"]);
      const page = await call("/", null);
      expect([page.status, page.type, page.text.includes("goods-ledger · analyst")]).to.deep.equal([200, "text/html; charset=utf-8", true]);
      expect((await call("/app.js", null)).type).to.equal("text/javascript; charset=utf-8");
    });

    it("every query kind › answers what runQuery answers on the index, in JSON, CSV and GraphML", async function () {
      const model = await loadModel(store);
      const w = served.busiest;
      const other = served.history.transfers.filter((t) => t.from === w && t.kind === "transfer").at(-1)!.to;
      const cases: [string, Parameters<typeof runQuery>[1]][] = [
        [`/api/forward?wallet=${w}&hops=3`, { kind: "forward", wallet: w, hops: 3 }],
        [`/api/backward?wallet=${w}&hops=2&minAmount=2`, { kind: "backward", wallet: w, hops: 2, minAmount: "2" }],
        [`/api/path?from=${w}&to=${other}&hops=4`, { kind: "path", from: w, to: other, hops: 4 }],
        [`/api/provenance?wallet=${w}&policy=haircut`, { kind: "provenance", wallet: w, policy: "haircut" }],
        [`/api/exposure?wallet=${other}&policy=poison`, { kind: "exposure", wallet: other, policy: "poison", flagged: [] }],
        [`/api/alerts?types=fan-in,round-trip`, { kind: "alerts", types: ["fan-in", "round-trip"] }],
        [`/api/asof?wallet=${w}&block=5`, { kind: "asof", wallet: w, block: 5 }],
      ];
      for (const [path, query] of cases) {
        const r = await call(path, served.analyst);
        expect(r.status, `${path}: ${r.text}`).to.equal(200);
        expect(r.json().result, path).to.deep.equal(plain(runQuery(model, query).result));
      }
      const csv = await call(`/api/forward?wallet=${w}&hops=3&format=csv`, served.analyst);
      expect(csv.type).to.equal("text/csv; charset=utf-8");
      expect(csv.text.split("\n")[0]).to.equal("id,hop,from,to,amount,block,timestamp,tx_hash,kind,lot,reference,from_status,from_denylisted,to_status,to_denylisted");
      const forward = runQuery(model, cases[0]![1]);
      expect(csv.text.trim().split("\n").length - 1).to.equal(forward.kind === "forward" ? forward.result.edges.length : NaN);
      const graphml = await call(`/api/forward?wallet=${w}&hops=3&format=graphml`, served.analyst);
      expect(graphml.type).to.equal("application/graphml+xml");
      expect(graphml.text).to.match(/^<\?xml[^]*<graphml[^]*<edge id="\d{32}" source="0x[0-9a-f]{40}" target="0x[0-9a-f]{40}">/);
    });

    it("bad input › 400 with the rule's code and a one-line message, never a stack trace", async function () {
      const w = served.busiest;
      const cases: [string, string, RegExp][] = [
        ["/api/forward?wallet=0x12", "malformed-address", /malformed address "0x12"/],
        [`/api/forward?wallet=0x${"ab".repeat(20)}`, "unknown-wallet", /unknown wallet 0xabab/],
        [`/api/forward?wallet=${w}&hops=11`, "hops-out-of-range", /hops \(k\) out of range: 11/],
        [`/api/forward?wallet=${w}&hops=abc`, "bad-parameter", /hops must be a whole number/],
        [`/api/provenance?wallet=${w}&policy=lifo`, "unknown-policy", /unknown provenance policy "lifo"/],
        [`/api/exposure?wallet=${w}&policy=taint`, "unknown-policy", /unknown exposure policy "taint"/],
        [`/api/forward?wallet=${w}&format=pdf`, "bad-parameter", /unknown format "pdf"/],
        ["/api/smurf", "not-found", /no query "smurf"/],
        [`/api/forward?transfer=1.999999999.0&hops=2`, "unknown-transfer", /transfer "1\.999999999\.0" is not a transfer id/],
        [`/api/asof?transfer=99999999999999999.0.0`, "unknown-transfer", /transfer "99999999999999999\.0\.0" is not a transfer id/],
      ];
      for (const [path, code, message] of cases) {
        const r = await call(path, served.analyst);
        expect([r.status >= 400 && r.status < 500, r.json().error.code], path).to.deep.equal([true, code]);
        expect(r.json().error.message).to.match(message);
        expect(r.text).to.not.match(/\n\s+at /);
      }
    });

    it("flags › the analyst may read but not change them (403); the admin may, and exposure counts a flagged wallet as a source", async function () {
      const w = served.busiest;
      const put = (token: string) => call(`/api/flags/${w}`, token, { method: "PUT", body: JSON.stringify({ reason: "case 42" }) });
      const denied = await put(served.analyst);
      expect([denied.status, denied.json().error]).to.deep.equal([403, { code: "forbidden", message: "the analyst role is read-only: flagging a wallet needs the admin role" }]);
      expect((await call(`/api/flags/${w}`, served.analyst, { method: "DELETE" })).status).to.equal(403);
      expect((await put(served.admin)).status).to.equal(200);
      expect((await call("/api/flags", served.analyst)).json().flags.map((f: { wallet: string; reason: string }) => [f.wallet, f.reason])).to.deep.equal([[w, "case 42 (by boss)"]]);
      const receiver = served.history.transfers.find((t) => t.from === w && t.kind === "transfer")!.to;
      const x = (await call(`/api/exposure?wallet=${receiver}&policy=poison`, served.analyst)).json().result;
      expect(x.sources.map((s: { wallet: string; reasons: string[] }) => s.wallet)).to.include(w);
      expect(x.bySource.find((s: { source: string }) => s.source === w)).to.deep.include({ minHops: 1, reasons: ["flagged"] });
      expect((await call(`/api/flags/${w}`, served.admin, { method: "DELETE" })).json()).to.deep.equal({ wallet: w, removed: true });
    });

    it("evidence › POST /api/evidence returns a pack whose sha256 covers its content, pinned to the indexed block", async function () {
      const query = { kind: "provenance", wallet: served.busiest, policy: "fifo" };
      const r = await call("/api/evidence", served.analyst, { method: "POST", body: JSON.stringify({ query }) });
      const pack = r.json() as EvidencePack;
      expect(r.status, r.text).to.equal(200);
      expect(pack.sha256).to.equal(packDigest(pack));
      expect(pack.query).to.deep.equal(query);
      expect(pack.chain.block.number).to.equal(served.history.tip);
      expect(pack.policy).to.deep.equal({ version: "goods-ledger-trace/2", name: "fifo" });
      expect(packDigest({ ...pack, results: { tampered: true } })).to.not.equal(pack.sha256);
    });

    it("evidence › a malformed alerts query (types not a list, rules not an object) › 400 bad-parameter, not a 500", async function () {
      for (const query of [{ kind: "alerts", types: "fan-in" }, { kind: "alerts", rules: null }, { kind: "alerts", rules: "x" }]) {
        const r = await call("/api/evidence", served.analyst, { method: "POST", body: JSON.stringify({ query }) });
        expect([r.status, r.json().error?.code], r.text).to.deep.equal([400, "bad-parameter"]);
      }
    });
  });
});
