/**
 * The API's description: `/api/openapi.json` is a valid OpenAPI 3 document (checked by a maintained validator),
 * and every path it lists refuses a request with one bad parameter (each declared parameter in turn, and an
 * undeclared one) with 400 naming that parameter, while the same request with good values is accepted.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../src/indexer/store/sqlite.js";
import { serveHistory, type Served } from "./fixture.js";

interface Parameter {
  name: string;
  in: "query" | "path";
  required?: boolean;
  schema: { type: string; pattern?: string; enum?: string[]; minimum?: number; maxLength?: number; minLength?: number };
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
}

/** A value the parameter's schema refuses. */
function badValue(p: Parameter): string {
  if (p.schema.type === "integer") return "1.5";
  if (p.schema.enum !== undefined) return "no-such-value";
  if (p.schema.pattern !== undefined) return "!";
  if (p.schema.maxLength !== undefined) return "x".repeat(p.schema.maxLength + 1);
  throw new Error(`no bad value known for parameter ${p.name} (${JSON.stringify(p.schema)}): extend the test`);
}

describe("serve › the OpenAPI document at /api/openapi.json", function () {
  this.timeout(120_000);
  let dir: string;
  let store: SqliteStore;
  let served: Served;
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "goods-ledger-openapi-"));
    store = new SqliteStore(join(dir, "index.sqlite"));
    served = await serveHistory(store, { log: () => {}, limits: { ratePerSecond: 10_000, burst: 10_000 } });
    const res = await fetch(`${served.server.url}/api/openapi.json`);
    expect([res.status, res.headers.get("content-type")]).to.deep.equal([200, "application/json; charset=utf-8"]);
    doc = (await res.json()) as typeof doc;
  });
  after(async () => {
    await served?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is a valid OpenAPI 3 document (@seriousme/openapi-schema-validator) describing every route the server has", async function () {
    const result = await new Validator().validate(doc as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? [], JSON.stringify(result.errors)?.slice(0, 2000)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    expect(doc.openapi).to.match(/^3\.\d+\.\d+$/);
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    expect(routes).to.deep.equal([
      "DELETE /api/flags/{wallet}", "GET /api/alerts", "GET /api/asof", "GET /api/backward", "GET /api/exposure", "GET /api/flags",
      "GET /api/forward", "GET /api/institutions", "GET /api/labels", "GET /api/path", "GET /api/provenance", "GET /api/status",
      "GET /healthz", "GET /readyz", "POST /api/asof/wallets", "POST /api/evidence", "POST /api/evidence/verify", "PUT /api/flags/{wallet}",
    ]);
  });

  it("every query route's JSON answer is described: amounts in base units with `xTokens` beside each, every lot with `lotLabel` (TRACE.md O1, O2)", async function () {
    const queries = ["alerts", "asof", "backward", "exposure", "forward", "path", "provenance"];
    for (const kind of queries) {
      const ok = (doc.paths[`/api/${kind}`]!.get as unknown as { responses: Record<string, { content: Record<string, { schema: { required: string[]; properties: { result: { description: string } } } }> }> }).responses["200"]!;
      const schema = ok.content["application/json"]!.schema;
      expect(schema.required, kind).to.deep.equal(["kind", "result"]);
      expect(schema.properties.result.description, kind).to.match(/base units[^]*`xTokens`[^]*`lotLabel`/);
    }
    // And the answers are so: a trace's edges carry both.
    const res = await fetch(`${served.server.url}/api/forward?wallet=${served.busiest}&hops=1`, { headers: { authorization: `Bearer ${served.analyst}` } });
    const edges = ((await res.json()) as { result: { edges: Record<string, unknown>[] } }).result.edges;
    expect(edges.length).to.be.greaterThan(0);
    for (const e of edges) expect(Object.keys(e)).to.include.members(["amount", "amountTokens", "lot", "lotLabel"]);
  });

  it("every path, with each of its parameters made bad in turn (and with an unknown one) › 400 naming that parameter; with good values › not 400", async function () {
    const w = served.busiest;
    const other = served.history.transfers.find((t) => t.from === w && t.kind === "transfer")!.to;
    const good: Record<string, string> = { wallet: w, from: w, to: other };
    const send = (method: string, path: string, query: Record<string, string>, body?: unknown) => {
      const url = `${served.server.url}${path.replace("{wallet}", query.__path ?? w)}?${new URLSearchParams(Object.entries(query).filter(([k]) => k !== "__path"))}`;
      return fetch(url, { method, headers: { authorization: `Bearer ${served.admin}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) })
        .then(async (r) => ({ status: r.status, json: (await r.json()) as { error?: { code: string; field?: string } } }));
    };
    const evidence = { query: { kind: "alerts", wallet: w } };
    const pack = (await send("POST", "/api/evidence", {}, evidence)).json;
    expect(pack, "an evidence pack to verify").to.have.property("sha256");
    const goodBody: Record<string, unknown> = { "/api/flags/{wallet}": { reason: "openapi test" }, "/api/evidence": evidence, "/api/evidence/verify": { pack }, "/api/asof/wallets": { wallets: [w, other] } };
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        const method = m.toUpperCase();
        const params = op.parameters ?? [];
        const base: Record<string, string> = {};
        for (const p of params) if (p.required && p.in === "query") base[p.name] = good[p.name] ?? "1";
        // Traces and as-of take exactly one start (the engine checks that): give the wallet.
        if (["/api/forward", "/api/backward", "/api/asof"].includes(path)) base.wallet = w;
        const body = op.requestBody === undefined ? undefined : goodBody[path];
        const label = `${method} ${path}`;
        const ok = await send(method, path, base, body);
        expect(ok.status, `${label} with good values: ${JSON.stringify(ok.json)}`).to.be.oneOf([200, 503]);
        for (const p of params) {
          const r = p.in === "path" ? await send(method, path, { ...base, __path: badValue(p) }, body) : await send(method, path, { ...base, [p.name]: badValue(p) }, body);
          expect([r.status, r.json.error?.field], `${label} with a bad ${p.name}: ${JSON.stringify(r.json)}`).to.deep.equal([400, p.name]);
          checked++;
        }
        const unknown = await send(method, path, { ...base, bogus: "1" }, body);
        expect([unknown.status, unknown.json.error?.code, unknown.json.error?.field], `${label} with an unknown parameter`).to.deep.equal([400, "unknown-parameter", "bogus"]);
        checked++;
        if (body !== undefined) {
          const extra = await send(method, path, base, { ...(body as object), bogus: 1 });
          expect([extra.status, extra.json.error?.field], `${label} with an unknown body field`).to.deep.equal([400, "bogus"]);
          checked++;
        }
      }
    }
    expect(checked, "parameters tried").to.be.greaterThan(60);
  });
});
