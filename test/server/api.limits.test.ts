/**
 * The server under hostile or expensive input: body limits and types, security headers, HTTPS, the loopback
 * rule, per-token limits, deadlines and cancellation (the work stops), token expiry and revocation, the page's
 * fixed file list. Runs on SQLite (the pool and limits do not depend on the store; api.test.ts runs both).
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../src/indexer/store/sqlite.js";
import { addToken, readTokens, revokeToken } from "../../src/server/auth.js";
import { CHEAP_TRACE, SECURITY_HEADERS, costClass, startServer, staticFiles, type RunningServer, type ServerOptions } from "../../src/server/server.js";
import { CliSandbox } from "../cli/helpers.js";
import { serveHistory, type Served } from "./fixture.js";
import { syntheticWallet, writeSyntheticLedger } from "../../bench/lib/ledger.js";

const CODE = { name: "goods-ledger", version: "test", commit: null };

/** Waits until `check` holds (polling), failing with `what` after 60 s. */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const call = async (url: string, token: string | null, init: RequestInit = {}) => {
  const res = await fetch(url, { ...init, headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(init.headers ?? {}) } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, any> };
};

describe("serve › limits: bodies, headers, HTTPS, loopback, rate, concurrency, deadlines, cancellation, tokens", function () {
  this.timeout(180_000);
  let dir: string;
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "goods-ledger-serve-limits-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe("on a small index", function () {
    let served: Served;
    let store: SqliteStore;
    const api = (path: string, token: string | null, init?: RequestInit) => call(`${served.server.url}${path}`, token, init);

    before(async () => {
      store = new SqliteStore(join(dir, "small", "index.sqlite"));
      served = await serveHistory(store, { log });
    });
    after(async () => {
      await served?.close();
      await store?.close();
    });

    it("a body over 1 MB › 413 too-large; a body that is not JSON › 400 bad-json", async function () {
      const big = await api("/api/evidence", served.analyst, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: { kind: "alerts" }, pad: "x".repeat(1_100_000) }) });
      expect([big.status, big.json().error]).to.deep.equal([413, { code: "too-large", message: "request body over 1000000 bytes" }]);
      for (const body of ["{\"query\":", "not json", "{'query': 1}"]) {
        const bad = await api("/api/evidence", served.analyst, { method: "POST", headers: { "content-type": "application/json" }, body });
        expect([bad.status, bad.json().error.code], body).to.deep.equal([400, "bad-json"]);
      }
    });

    it("null and wrong-type bodies › 400 naming the field, never a 500", async function () {
      const w = served.busiest;
      const cases: [string, string, unknown, string, RegExp][] = [
        ["PUT", `/api/flags/${w}`, null, "body", /^body must be object, got null$/],
        ["PUT", `/api/flags/${w}`, { reason: 42 }, "reason", /^body\.reason must be string, got 42$/],
        ["PUT", `/api/flags/${w}`, { reason: "   " }, "reason", /^body\.reason must match pattern/],
        ["PUT", `/api/flags/${w}`, { reason: "x", role: "admin" }, "role", /^unknown body parameter "role"/],
        ["POST", "/api/evidence", null, "body", /^body must be object, got null$/],
        ["POST", "/api/evidence", [], "body", /^body must be object, got \[\]$/],
        ["POST", "/api/evidence", { query: { kind: "asof", lot: 123 } }, "query.lot", /^body\.query\.lot must be string, got 123$/],
        ["POST", "/api/evidence", { query: { kind: "forward", wallet: w, hops: "3" } }, "query.hops", /^body\.query\.hops must be integer, got "3"$/],
        ["POST", "/api/evidence", { query: { kind: "smurf" } }, "query.kind", /^body\.query\.kind must be one of forward, backward, path, provenance, exposure, alerts, asof, got "smurf"$/],
        ["POST", "/api/evidence", { query: { kind: "alerts", rules: { fanIn: { windowSeconds: 1e12 } } } }, "query.rules.fanIn.windowSeconds", /^body\.query\.rules\.fanIn\.windowSeconds must be <= 2678400, got 1000000000000$/],
        ["POST", "/api/evidence", { query: { kind: "alerts", rules: { fanIn: { minSenders: 100_000 } } } }, "query.rules.fanIn.minSenders", /^body\.query\.rules\.fanIn\.minSenders must be <= 1000, got 100000$/],
      ];
      for (const [method, path, body, field, message] of cases) {
        const r = await api(path, served.admin, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        expect([r.status, r.json().error.field], `${method} ${path} ${JSON.stringify(body)}: ${r.text}`).to.deep.equal([400, field]);
        expect(r.json().error.message).to.match(message);
      }
      expect((await api("/api/flags", served.admin)).json().flags, "no flag was written by a refused request").to.deep.equal([]);
    });

    it("format is checked before any work: a bad format on an unknown wallet names the format, not the wallet", async function () {
      const r = await api(`/api/forward?wallet=0x${"ab".repeat(20)}&format=pdf`, served.analyst);
      expect([r.status, r.json().error.field]).to.deep.equal([400, "format"]);
      expect(served.server.stats().completed + served.server.stats().failed, "no query reached a worker").to.equal(0);
    });

    it("every response carries the security headers: page, API answers, errors, 404, OpenAPI, health", async function () {
      const responses = [
        await api("/", null), await api("/app.js", null), await api("/api/status", served.analyst), await api("/api/status", null),
        await api("/nowhere", null), await api("/api/forward?hop=1", served.analyst), await api("/api/openapi.json", null),
        await api("/healthz", null), await api("/readyz", null),
        await api(`/api/flags/${served.busiest}`, served.analyst, { method: "PUT", body: "{}" }),
      ];
      for (const r of responses) {
        for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(r.headers.get(name), `${name} on a ${r.status}`).to.equal(value);
      }
      expect(SECURITY_HEADERS["content-security-policy"]).to.match(/(^|; )default-src 'self'(;|$)/).and.match(/(^|; )frame-ancestors 'none'(;|$)/);
      expect(responses.map((r) => r.status)).to.deep.equal([200, 200, 200, 401, 404, 400, 200, 200, responses[8]!.status, 403]);
    });

    it("/healthz says alive and /readyz says ready once a model of the indexed tip is loaded; both without a token", async function () {
      expect((await api("/healthz", null)).json()).to.deep.equal({ status: "alive" });
      await until("a worker loaded the model", () => served.server.stats().modelBlocks.includes(served.history.tip));
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // /readyz caches its answer for a second
      const r = await api("/readyz", null);
      expect([r.status, r.json()]).to.deep.equal([200, { ready: true, indexedBlock: served.history.tip, headBlock: null, modelLoaded: true, reasons: [] }]);
    });

    it("/readyz › 503 with the reasons when the index lags the chain head or the head is unknown; an empty index is not ready", async function () {
      const tip = served.history.tip;
      const behind = await startServer({ store, tokens: () => readTokens(served.tokensFile), code: CODE, log, head: async () => tip + 50, readyLagBlocks: 5 });
      const failing = await startServer({ store, tokens: () => readTokens(served.tokensFile), code: CODE, log, head: async () => { throw new Error("connection refused"); } });
      const emptyStore = new SqliteStore(join(dir, "empty", "index.sqlite"));
      const empty = await startServer({ store: emptyStore, tokens: () => readTokens(served.tokensFile), code: CODE, log });
      try {
        await until("the workers loaded the model", () => behind.stats().modelBlocks.includes(tip) && failing.stats().modelBlocks.includes(tip));
        const r = await call(`${behind.url}/readyz`, null);
        expect([r.status, r.json()]).to.deep.equal([503, { ready: false, indexedBlock: tip, headBlock: tip + 50, modelLoaded: true, reasons: ["the index is 50 blocks behind the chain head (at most 5)"] }]);
        const f = await call(`${failing.url}/readyz`, null);
        expect([f.status, f.json().reasons]).to.deep.equal([503, ["the chain head is unknown: connection refused"]]);
        const e = await call(`${empty.url}/readyz`, null);
        expect([e.status, e.json().reasons]).to.deep.equal([503, ["the index is empty: run `goods-ledger index`"]]);
        expect((await call(`${empty.url}/healthz`, null)).status, "alive all the same").to.equal(200);
      } finally {
        await Promise.all([behind.close(), failing.close(), empty.close()]);
        await emptyStore.close();
      }
    });

    it("institution names (serve --institutions) › GET /api/institutions for any token", async function () {
      const named = await startServer({ store, tokens: () => readTokens(served.tokensFile), code: CODE, log, labels: { institutions: { "1": "Amani Bank", "7": "Kilimo Co-op" } } });
      try {
        expect((await call(`${named.url}/api/institutions`, served.analyst)).json()).to.deep.equal({ "1": "Amani Bank", "7": "Kilimo Co-op" });
        expect((await call(`${named.url}/api/institutions`, null)).status).to.equal(401);
      } finally {
        await named.close();
      }
      expect((await api("/api/institutions", served.analyst)).json(), "none configured").to.deep.equal({});
    });

    it("an expired or revoked token › 401 naming why; the log names the token's name and reason, never the token", async function () {
      const expired = addToken(served.tokensFile, "old", "analyst", new Date(Date.now() - 1_000));
      const r = await api("/api/status", expired);
      expect([r.status, r.json().error]).to.deep.equal([401, { code: "unauthorized", message: "the token has expired: ask for a new one" }]);
      const soon = addToken(served.tokensFile, "temp", "analyst", new Date(Date.now() + 3_600_000));
      expect((await api("/api/status", soon)).json().name).to.equal("temp");
      revokeToken(served.tokensFile, "temp");
      const revoked = await api("/api/status", soon);
      expect([revoked.status, revoked.json().error.message]).to.deep.equal([401, "unknown token"]);
      expect(logs.some((l) => /denied 401 unauthorized GET \/api\/status from 127\.0\.0\.1 token "old"/.test(l)), logs.join("\n")).to.equal(true);
      for (const token of [expired, soon, served.analyst, served.admin]) expect(logs.filter((l) => l.includes(token))).to.deep.equal([]);
      expect(readTokens(served.tokensFile).tokens.map((t) => t.name)).to.deep.equal(["ana", "boss", "old"]);
    });

    it("over the token's rate › 429 rate-limited with Retry-After; another token is unaffected", async function () {
      const limited = await startServer({ store, tokens: () => readTokens(served.tokensFile), code: CODE, log, limits: { ratePerSecond: 1, burst: 3 } });
      try {
        const statuses: number[] = [];
        let refused: Awaited<ReturnType<typeof call>> | undefined;
        for (let i = 0; i < 6; i++) {
          const r = await call(`${limited.url}/api/status`, served.analyst);
          statuses.push(r.status);
          if (r.status === 429) refused = r;
        }
        expect(statuses.slice(0, 3)).to.deep.equal([200, 200, 200]);
        expect(statuses).to.include(429);
        expect(refused!.json().error.code).to.equal("rate-limited");
        expect(Number(refused!.headers.get("retry-after"))).to.be.within(1, 2);
        expect((await call(`${limited.url}/api/status`, served.admin)).status).to.equal(200);
      } finally {
        await limited.close();
      }
    });

    it("the page's files are a list fixed at start-up: public/ by name plus vendor.json's entries resolved in node_modules; nothing else", async function () {
      const pub = join(dir, "public");
      mkdirSync(join(pub, "sub"), { recursive: true });
      writeFileSync(join(pub, "index.html"), "<p>hi</p>");
      writeFileSync(join(pub, "style.css"), "p{}");
      writeFileSync(join(pub, "notes.txt"), "not served: unknown type");
      writeFileSync(join(pub, "sub", "deep.js"), "not served: in a folder");
      expect([...staticFiles(pub).keys()].sort(), "no vendor.json: no vendor files").to.deep.equal(["/", "/style.css"]);
      writeFileSync(join(pub, "vendor.json"), JSON.stringify({
        "/vendor/fastify.js": "fastify/fastify.js", "/vendor/../secret.js": "fastify/fastify.js", "/vendor/missing.js": "no-such-package/x.js", "/other/x.js": "fastify/fastify.js",
      }));
      const warnings: string[] = [];
      const files = staticFiles(pub, (line) => warnings.push(line));
      expect([...files.keys()].sort()).to.deep.equal(["/", "/style.css", "/vendor/fastify.js"]);
      expect(files.get("/vendor/fastify.js")!.file).to.match(/node_modules\/fastify\/fastify\.js$/);
      expect(warnings).to.have.length(3);
      for (const probe of ["/vendor/../package.json", "/..%2fpackage.json", "/%2e%2e/package.json", "/server.ts", "/public/app.js"]) {
        const r = await api(probe, null);
        expect(r.status, probe).to.equal(404);
      }
    });
  });

  describe("on an index big enough for slow queries", function () {
    let store: SqliteStore;
    let tokensFile: string;
    let ana: string;
    let bea: string;
    let server: RunningServer;
    const hub = syntheticWallet(0);
    // Every wallet, widest allowed windows: tens of seconds on this index, far past a test's patience.
    const slowPath = `/api/alerts?types=round-trip,fan-in,pass-through,structuring`;
    const start = (o: Partial<ServerOptions> = {}) => startServer({ store, storeSpec: join(dir, "big"), tokens: () => readTokens(tokensFile), code: CODE, log, maxScanTransfers: 1_000_000, ...o });

    before(async () => {
      store = new SqliteStore(join(dir, "big", "index.sqlite"));
      await writeSyntheticLedger(store, { transfers: 40_000, wallets: 4_000, hubs: 10 });
      tokensFile = join(dir, "big-tokens.json");
      ana = addToken(tokensFile, "ana", "analyst");
      bea = addToken(tokensFile, "bea", "analyst");
    });
    afterEach(async () => server?.close());
    after(async () => store?.close());

    it("a query whose client disconnects is stopped: its worker thread ends and no answer is ever computed", async function () {
      server = await start({ deadlineMs: 600_000 });
      const aborter = new AbortController();
      const pending = fetch(`${server.url}${slowPath}`, { headers: { authorization: `Bearer ${ana}` }, signal: aborter.signal }).catch((e: Error) => e);
      await until("the query runs on a worker", () => server.stats().busy === 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = server.stats();
      expect([before.completed, before.cancelled, before.threadsExited]).to.deep.equal([0, 0, 0]);
      aborter.abort();
      expect(await pending).to.be.instanceOf(Error);
      await until("the worker thread ended", () => server.stats().threadsExited === 1);
      const after = server.stats();
      expect([after.cancelled, after.busy, after.completed, after.threadsStarted]).to.deep.equal([1, 0, 0, 3]);
      // The pool replaced the thread; the server still answers queries from the same token.
      const again = await call(`${server.url}/api/alerts?wallet=${hub}`, ana);
      expect(again.status, again.text).to.equal(200);
      expect(server.stats().completed).to.equal(1);
    });

    it("a query past its deadline › 504 deadline, its thread ended; meanwhile /api/status and a second token's cheap query are answered", async function () {
      server = await start({ deadlineMs: 1_500 });
      const slow = call(`${server.url}${slowPath}`, ana);
      await until("the query runs on a worker", () => server.stats().busy === 1);
      const status = await call(`${server.url}/api/status`, bea);
      expect([status.status, status.json().queries.busy]).to.deep.equal([200, 1]);
      const cheap = await call(`${server.url}/api/forward?wallet=${syntheticWallet(100)}&hops=2`, bea);
      expect(cheap.status, cheap.text).to.equal(200);
      const r = await slow;
      expect([r.status, r.json().error.code]).to.deep.equal([504, "deadline"]);
      expect(r.json().error.message).to.match(/ran past this server's deadline of 1500 ms and was stopped/);
      await until("the worker thread ended", () => server.stats().threadsExited === 1);
      expect(server.stats().timedOut).to.equal(1);
    });

    it("more queries in flight than the token may have › 429 too-many-queries with Retry-After; a queued query is dropped when its client goes away", async function () {
      server = await start({ deadlineMs: 600_000, limits: { maxInFlight: 2 } });
      const aborters = [new AbortController(), new AbortController()];
      const held = aborters.map((a) => fetch(`${server.url}${slowPath}`, { headers: { authorization: `Bearer ${ana}` }, signal: a.signal }).catch((e: Error) => e));
      // One runs (one token never holds every worker); the other waits in the queue.
      await until("one runs and one waits", () => server.stats().busy === 1 && server.stats().queued === 1);
      const third = await call(`${server.url}/api/alerts?wallet=${hub}`, ana);
      expect([third.status, third.json().error.code, third.headers.get("retry-after")]).to.deep.equal([429, "too-many-queries", "1"]);
      expect(third.json().error.message).to.equal("this token already has 2 queries in flight (at most 2): wait for one to finish");
      const other = await call(`${server.url}/api/forward?wallet=${syntheticWallet(100)}&hops=2`, bea);
      expect(other.status, "another token's cheap query runs on the free worker").to.equal(200);
      expect(other.headers.get("server-timing"), "the free worker is the cheap lane's").to.match(/desc="cheap lane"/);
      aborters[1]!.abort();
      await until("the waiting query left the queue", () => server.stats().queued === 0);
      expect(server.stats().threadsExited, "a waiting query costs no thread").to.equal(0);
      aborters[0]!.abort();
      await Promise.all(held);
      await until("the running query's thread ended", () => server.stats().threadsExited === 1);
      expect(server.stats().cancelled).to.equal(2);
    });

    it("lanes › a cheap query never queues behind heavy ones: with the heavy lane busy and heavy queries waiting, cheap traces and registry batches are answered on the cheap lane, and no heavy query ever runs there", async function () {
      server = await start({ deadlineMs: 600_000 });
      expect(server.stats().lanes).to.deep.equal(["cheap", "heavy"]);
      const aborters = [new AbortController(), new AbortController()];
      // ana's all-wallet scan holds the heavy lane; bea's heavy query (a wide trace) waits for it: never on the idle cheap lane.
      const held = [
        fetch(`${server.url}${slowPath}`, { headers: { authorization: `Bearer ${ana}` }, signal: aborters[0]!.signal }).catch((e: Error) => e),
        fetch(`${server.url}/api/forward?wallet=${hub}&hops=10&hubDegree=1000000`, { headers: { authorization: `Bearer ${bea}` }, signal: aborters[1]!.signal }).catch((e: Error) => e),
      ];
      await until("one heavy query runs and one waits", () => server.stats().busy === 1 && server.stats().queued === 1);
      const cheap = [
        await call(`${server.url}/api/forward?wallet=${syntheticWallet(100)}&hops=2`, bea),
        await call(`${server.url}/api/asof?wallet=${syntheticWallet(101)}`, ana),
        await call(`${server.url}/api/asof/wallets`, ana, { method: "POST", body: JSON.stringify({ wallets: [syntheticWallet(102), syntheticWallet(103)] }) }),
      ];
      for (const r of cheap) expect([r.status, /desc="cheap lane"/.test(r.headers.get("server-timing") ?? "")], r.text).to.deep.equal([200, true]);
      expect(cheap[2]!.json().records.map((x: { wallet: string }) => x.wallet)).to.deep.equal([syntheticWallet(102), syntheticWallet(103)]);
      const s = server.stats();
      expect([s.busy, s.queued, s.completedBy], "the heavy ones still where they were").to.deep.equal([1, 1, { cheap: 3, heavy: 0 }]);
      for (const a of aborters) a.abort();
      await Promise.all(held);
      await until("both heavy queries were dropped", () => server.stats().cancelled === 2);
    });

    it("cost classes › registry records and traces within the default caps are cheap; wider traces, alerts, provenance, exposure, evidence and verification are heavy", function () {
      const w = syntheticWallet(1);
      const q = (query: Record<string, unknown>) => costClass({ op: "query", query: query as never, format: "json" });
      expect([
        q({ kind: "asof", wallet: w }), costClass({ op: "wallets", wallets: [w] }),
        q({ kind: "forward", wallet: w }), q({ kind: "backward", wallet: w, hops: CHEAP_TRACE.hops }), q({ kind: "path", from: w, to: w, hops: 2, maxEdges: 500, hubDegree: 10 }),
      ]).to.deep.equal(["cheap", "cheap", "cheap", "cheap", "cheap"]);
      expect([
        q({ kind: "forward", wallet: w, hops: CHEAP_TRACE.hops + 1 }), q({ kind: "forward", wallet: w, maxEdges: CHEAP_TRACE.maxEdges + 1 }),
        q({ kind: "backward", wallet: w, hubDegree: CHEAP_TRACE.hubDegree + 1 }), q({ kind: "alerts", wallet: w }), q({ kind: "provenance", wallet: w }),
        q({ kind: "exposure", wallet: w }), costClass({ op: "evidence", query: { kind: "asof", wallet: w }, chain: {} as never, code: CODE }),
        costClass({ op: "verify", pack: {} as never }),
      ]).to.deep.equal(Array(8).fill("heavy"));
    });

    it("an all-wallet alerts scan over more transfers than the cap › 400 too-costly, before it runs; with a wallet it runs", async function () {
      server = await start({ maxScanTransfers: 10_000 });
      const r = await call(`${server.url}/api/alerts`, ana);
      expect([r.status, r.json().error.code]).to.deep.equal([400, "too-costly"]);
      expect(r.json().error.message).to.match(/^an alerts scan of every wallet reads all \d+ transfers, over this server's cap of 10000: give a wallet$/);
      expect((await call(`${server.url}/api/alerts?wallet=${hub}`, ana)).status).to.equal(200);
    });
  });

  describe("transport", function () {
    let store: SqliteStore;
    let served: Served;
    before(async () => {
      store = new SqliteStore(join(dir, "tls", "index.sqlite"));
      served = await serveHistory(store, { log });
      await served.server.close();
    });
    after(async () => store?.close());

    it("with a certificate and key › HTTPS (self-signed certificate made here with openssl), HSTS and the same API", async function () {
      const cert = join(dir, "cert.pem");
      const key = join(dir, "key.pem");
      execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
      const { readFileSync } = await import("node:fs");
      const server = await startServer({ store, tokens: () => readTokens(served.tokensFile), code: CODE, log, tls: { cert: readFileSync(cert), key: readFileSync(key) } });
      try {
        expect(server.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
        const r = await new Promise<{ status: number; headers: Record<string, unknown>; body: string; protocol: string }>((resolve, reject) => {
          const req = httpsRequest(`${server.url}/api/status`, { ca: readFileSync(cert), headers: { authorization: `Bearer ${served.analyst}` } }, (res) => {
            let body = "";
            const protocol = (res.socket as import("node:tls").TLSSocket).getProtocol() ?? "";
            res.on("data", (d: Buffer) => (body += d.toString()));
            res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body, protocol }));
          });
          req.on("error", reject);
          req.end();
        });
        expect([r.status, JSON.parse(r.body).name, r.headers["strict-transport-security"]]).to.deep.equal([200, "ana", "max-age=31536000"]);
        expect(r.protocol).to.match(/^TLSv1\.[23]$/);
        const plain = await fetch(server.url.replace("https:", "http:") + "/healthz").then((x) => x.status, (e: Error) => e);
        expect(plain, "plain HTTP on the HTTPS port gets no API answer").to.not.equal(200);
        const untrusted = await fetch(`${server.url}/healthz`).then((x) => x.status, (e: Error) => e);
        expect(untrusted, "a client that does not trust the certificate refuses it").to.be.instanceOf(Error);
      } finally {
        await server.close();
      }
    });

    it("`serve --host` on a non-loopback interface without TLS › refused (insecure-bind); `serve token add --expires` and `serve token revoke`", async function () {
      const sandbox = new CliSandbox();
      try {
        for (const host of ["0.0.0.0", "10.1.2.3", "::"]) {
          const r = await sandbox.run(["serve", "--json", "--store", join(dir, "tls"), "--tokens", served.tokensFile, "--host", host, "--port", "0"]);
          expect([r.code, r.json<{ error: { code: string } }>().error.code], r.stderr).to.deep.equal([1, "insecure-bind"]);
          expect(r.json<{ error: { message: string } }>().error.message).to.match(/^refusing plain HTTP on .+, which is not loopback: bearer tokens would cross the network in cleartext/);
        }
        const tokens = join(dir, "cli-tokens.json");
        const added = await sandbox.run(["serve", "token", "add", "cli", "--json", "--tokens", tokens, "--expires", "30d"]);
        const entry = added.json<{ token: string; expiresAt: string }>();
        expect(Date.parse(entry.expiresAt) - Date.now()).to.be.within(29.9 * 86_400_000, 30 * 86_400_000);
        expect(readTokens(tokens).tokens.map((t) => [t.name, t.expiresAt])).to.deep.equal([["cli", entry.expiresAt]]);
        const past = await sandbox.run(["serve", "token", "add", "old", "--json", "--tokens", tokens, "--expires", "2020-01-01"]);
        expect([past.code, past.json<{ error: { message: string } }>().error.message]).to.deep.equal([1, '--expires: "2020-01-01" is not a future date or a duration like 30d or 12h']);
        expect((await sandbox.run(["serve", "token", "revoke", "cli", "--tokens", tokens])).code).to.equal(0);
        expect(readTokens(tokens).tokens).to.deep.equal([]);
        const again = await sandbox.run(["serve", "token", "revoke", "cli", "--json", "--tokens", tokens]);
        expect([again.code, again.json<{ error: { code: string } }>().error.code]).to.deep.equal([1, "unknown-token"]);
        const half = await sandbox.run(["serve", "--json", "--store", join(dir, "tls"), "--tokens", served.tokensFile, "--host", "0.0.0.0", "--tls-cert", "cert.pem"]);
        expect([half.code, half.json<{ error: { message: string } }>().error.message]).to.deep.equal([1, "--tls-key: HTTPS needs both --tls-cert and --tls-key"]);
        // A mistyped --store is an error naming the path, not a new empty index served.
        const typo = join(dir, "no-such-index");
        const missing = await sandbox.run(["serve", "--json", "--store", typo, "--tokens", served.tokensFile, "--port", "0"]);
        expect([missing.code, missing.json<{ error: { code: string } }>().error.code], missing.stderr).to.deep.equal([1, "open"]);
        expect(missing.json<{ error: { message: string } }>().error.message).to.contain(`no index at ${typo}`);
        expect(existsSync(typo), "no empty index created").to.equal(false);
      } finally {
        await sandbox.dispose();
      }
    });
  });
});
