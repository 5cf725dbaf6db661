/**
 * Issue 11: the Prometheus metrics of `index --follow` and `serve`, read over HTTP from their metrics endpoint,
 * parsed as Prometheus text by a strict parser (tested here too), and checked to move when blocks arrive and
 * queries run.
 */
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IndexerMetrics, headReader, serveMetrics, writeHealthFile, type MetricsEndpoint } from "../../src/indexer/metrics.js";
import { JsonRpc } from "../../src/indexer/rpc.js";
import { SqliteStore } from "../../src/indexer/store/sqlite.js";
import { Syncer } from "../../src/indexer/sync.js";
import { waitForTransaction } from "@goods-ledger/sdk";
import { addToken, readTokens } from "../../src/server/auth.js";
import { ServerMetrics } from "../../src/server/metrics.js";
import { startServer, type RunningServer } from "../../src/server/server.js";
import { histogramQuantile, parsePrometheusText, sampleValue, type Family } from "../../bench/lib/prometheus.js";
import { startHardhatNode, type HardhatNode } from "../sdk/support/ledgerNode.js";
import { playActivity, type Activity } from "../indexer/activity.js";

describe("metrics › Prometheus text parser", () => {
  it("reads families, types, labels with escapes, histograms and special values (NaN in any case, as prom-client writes it)", () => {
    const text = [
      "# HELP a_total Things done",
      "# TYPE a_total counter",
      'a_total{code="x",path="a\\"b\\\\c\\nd"} 3',
      "a_total 1.5e2",
      "# TYPE h histogram",
      'h_bucket{le="0.1"} 1',
      'h_bucket{le="1"} 3',
      'h_bucket{le="+Inf"} 4',
      "h_sum 2.5",
      "h_count 4",
      "# TYPE g gauge",
      "g Nan",
      "g2 -Inf 1700000000000",
      "",
    ].join("\n");
    const f = parsePrometheusText(text);
    expect(f.get("a_total")!.type).to.equal("counter");
    expect(f.get("a_total")!.help).to.equal("Things done");
    expect(f.get("a_total")!.samples[0]!.labels).to.deep.equal({ code: "x", path: 'a"b\\c\nd' });
    expect(sampleValue(f, "a_total")).to.equal(153);
    expect(sampleValue(f, "a_total", { code: "x" })).to.equal(3);
    expect(f.get("h")!.samples.map((s) => s.name)).to.deep.equal(["h_bucket", "h_bucket", "h_bucket", "h_sum", "h_count"]);
    // (Not chai's closeTo: hardhat's chai matchers, loaded in the full run, take it over for integers only.)
    const median = histogramQuantile(f, "h", 0.5);
    expect(median).to.be.a("number");
    expect(Math.abs(median! - 0.55)).to.be.lessThan(1e-9);
    expect(Number.isNaN(f.get("g")!.samples[0]!.value)).to.equal(true);
    expect(f.get("g2")!.samples[0]!.value).to.equal(-Infinity);
  });

  for (const [what, text, message] of [
    ["a value that is no number", "x 1z\n", /line 1: "1z" is not a sample value/],
    ["an unterminated label value", 'x{a="b} 1\n', /line 1: unterminated label value/],
    ["an unknown escape", 'x{a="\\t"} 1\n', /line 1: unknown escape/],
    ["a label given twice", 'x{a="1",a="2"} 1\n', /line 1: label a twice/],
    ["a second TYPE", "# TYPE x gauge\n# TYPE x counter\n", /line 2: second TYPE for x/],
    ["an unknown type", "# TYPE x meter\n", /line 1: unknown type "meter"/],
    ["a bad metric name", "1x 2\n", /line 1: not a sample/],
    ["no final newline", "x 1", /must end with a newline/],
  ] as const) {
    it(`refuses ${what}`, () => {
      expect(() => parsePrometheusText(text)).to.throw(message);
    });
  }
});

describe("metrics › index --follow and serve expose Prometheus series that move", function () {
  this.timeout(300_000);
  let node: HardhatNode;
  let activity: Activity;
  let dir: string;
  let store: SqliteStore;
  let indexer: IndexerMetrics;
  let indexerEndpoint: MetricsEndpoint;
  let serverMetrics: ServerMetrics;
  let serverEndpoint: MetricsEndpoint;
  let server: RunningServer;
  let token: string;
  let syncer: Syncer;

  const scrape = async (endpoint: MetricsEndpoint): Promise<Map<string, Family>> => {
    const res = await fetch(`${endpoint.url}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.match(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await res.text());
  };
  const head = async () => Number(await new JsonRpc(node.url).call<string>("eth_blockNumber"));

  before(async function () {
    node = await startHardhatNode();
    activity = await playActivity(node.url, 5);
    dir = mkdtempSync(join(tmpdir(), "goods-ledger-metrics-"));
    store = new SqliteStore(join(dir, "index", "index.sqlite"));
    const rpc = new JsonRpc(node.url);
    indexer = new IndexerMetrics({ store, head: headReader(rpc), readyLagBlocks: 0 });
    indexerEndpoint = await serveMetrics(indexer, { port: 0 });
    syncer = new Syncer(indexer.instrument(store), activity.target, { initialRange: 4, maxRange: 8 });
  });
  after(async () => {
    await server?.close();
    await serverEndpoint?.close();
    await indexerEndpoint?.close();
    await store?.close();
    await node?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("the indexer's series: events ingested, commit latency, indexed block, head and lag move as blocks are indexed; /readyz says why not", async () => {
    const before = await scrape(indexerEndpoint);
    expect(sampleValue(before, "goods_ledger_events_ingested_total")).to.equal(0);
    expect(sampleValue(before, "goods_ledger_process_resident_memory_bytes")).to.be.greaterThan(10_000_000);
    const tip = await head();
    expect(sampleValue(before, "goods_ledger_chain_head_block")).to.equal(tip);
    const notReady = await fetch(`${indexerEndpoint.url}/readyz`);
    expect(notReady.status).to.equal(503);
    expect(((await notReady.json()) as { reasons: string[] }).reasons).to.deep.equal(["the index is empty: run `goods-ledger index`"]);

    const half = activity.target.startBlock + Math.floor((tip - activity.target.startBlock) / 2);
    await syncer.syncOnce(half);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the position is cached for a second
    const mid = await scrape(indexerEndpoint);
    const midTransfers = sampleValue(mid, "goods_ledger_events_ingested_total", { type: "transfer" });
    expect(sampleValue(mid, "goods_ledger_indexed_block")).to.equal(half);
    expect(sampleValue(mid, "goods_ledger_index_lag_blocks")).to.equal(tip - half);
    expect(sampleValue(mid, "goods_ledger_index_lag_seconds")).to.be.at.least(0);
    expect(sampleValue(mid, "goods_ledger_store_commit_seconds_count")).to.be.greaterThan(0);
    expect(midTransfers).to.equal((await store.counts()).transfers);
    const lagging = (await (await fetch(`${indexerEndpoint.url}/readyz`)).json()) as { ready: boolean; reasons: string[] };
    expect(lagging.ready).to.equal(false);
    expect(lagging.reasons).to.deep.equal([`the index is ${tip - half} blocks behind the chain head (at most 0)`]);

    // A new block arrives with a transfer; sync it.
    const sender = activity.ledger.clientFor(activity.ledger.senders[0]!);
    await waitForTransaction(sender, { hash: await sender.transfer({ to: activity.ledger.senders[1]!.address, amount: "1" }) });
    const newTip = await head();
    expect(newTip).to.be.greaterThan(tip);
    await syncer.syncOnce();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after = await scrape(indexerEndpoint);
    expect(sampleValue(after, "goods_ledger_indexed_block")).to.equal(newTip);
    expect(sampleValue(after, "goods_ledger_chain_head_block")).to.equal(newTip);
    expect(sampleValue(after, "goods_ledger_index_lag_blocks")).to.equal(0);
    expect(sampleValue(after, "goods_ledger_events_ingested_total", { type: "transfer" })).to.equal((await store.counts()).transfers);
    expect(sampleValue(after, "goods_ledger_events_ingested_total", { type: "transfer" })).to.be.greaterThan(midTransfers);
    expect(sampleValue(after, "goods_ledger_store_commit_seconds_count")).to.be.greaterThan(sampleValue(mid, "goods_ledger_store_commit_seconds_count"));
    const ready = await fetch(`${indexerEndpoint.url}/readyz`);
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.include({ ready: true, indexedBlock: newTip, headBlock: newTip, lagBlocks: 0 });

    // The health file holds the same state, written whole.
    const file = join(dir, "health.json");
    writeHealthFile(file, await indexer.health());
    expect(JSON.parse(readFileSync(file, "utf8"))).to.include({ ready: true, indexedBlock: newTip });
    expect(existsSync(`${file}.${process.pid}.tmp`)).to.equal(false);
  });

  it("the indexer counts node errors by code, and /readyz says the head is unknown when the node is gone", async () => {
    const gone = new IndexerMetrics({ store, head: headReader(new JsonRpc("http://127.0.0.1:9", { timeoutMs: 500 })), readyLagBlocks: 5 });
    const state = await gone.health();
    expect(state.ready).to.equal(false);
    expect(state.reasons[0]).to.match(/^the chain head is unknown: cannot reach http:\/\/127\.0\.0\.1:9/);
    expect(sampleValue(parsePrometheusText(await gone.text()), "goods_ledger_errors_total", { code: "head-unknown" })).to.equal(1);
  });

  it("the server's series: requests by route and status, query latency by kind, model loads, errors by code", async () => {
    const tokens = join(dir, "tokens.json");
    token = addToken(tokens, "ana", "analyst");
    serverMetrics = new ServerMetrics({ store, head: headReader(new JsonRpc(node.url)), readyLagBlocks: 5 });
    server = await startServer({ store, storeSpec: join(dir, "index"), tokens: () => readTokens(tokens), code: { name: "goods-ledger", version: "test", commit: null }, metrics: serverMetrics, log: () => {} });
    serverEndpoint = await serveMetrics(serverMetrics, { port: 0 });
    const before = await scrape(serverEndpoint);
    expect(sampleValue(before, "goods_ledger_http_requests_total")).to.equal(0);
    expect(sampleValue(before, "goods_ledger_query_seconds_count")).to.equal(0);

    const auth = { authorization: `Bearer ${token}` };
    const wallet = activity.ledger.senders[0]!.address;
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/api/forward?wallet=${wallet}&hops=2`, { headers: auth })).status).to.equal(200);
    expect((await fetch(`${server.url}/api/backward?wallet=${wallet}`, { headers: auth })).status).to.equal(200);
    expect((await fetch(`${server.url}/api/status`)).status).to.equal(401);
    expect((await fetch(`${server.url}/api/forward?wallet=0x12`, { headers: auth })).status).to.equal(400);

    const after = await scrape(serverEndpoint);
    expect(sampleValue(after, "goods_ledger_http_requests_total", { route: "/api/forward", method: "GET", status: "200" })).to.equal(3);
    expect(sampleValue(after, "goods_ledger_http_requests_total", { route: "/api/backward", status: "200" })).to.equal(1);
    expect(sampleValue(after, "goods_ledger_http_requests_total", { route: "/api/status", status: "401" })).to.equal(1);
    expect(sampleValue(after, "goods_ledger_http_requests_total", { route: "/api/forward", status: "400" })).to.equal(1);
    expect(sampleValue(after, "goods_ledger_query_seconds_count", { kind: "forward" })).to.equal(3);
    expect(sampleValue(after, "goods_ledger_query_seconds_count", { kind: "backward" })).to.equal(1);
    expect(histogramQuantile(after, "goods_ledger_query_seconds", 0.99, { kind: "forward" })).to.be.a("number").and.greaterThan(0);
    expect(sampleValue(after, "goods_ledger_errors_total", { code: "unauthorized" })).to.equal(1);
    expect(sampleValue(after, "goods_ledger_errors_total", { code: "malformed-address" })).to.equal(1);
    expect(sampleValue(after, "goods_ledger_model_load_seconds_count")).to.be.at.least(1);
    const position = (await store.position())!.block;
    expect(sampleValue(after, "goods_ledger_model_block")).to.equal(position);
    expect(sampleValue(after, "goods_ledger_model_transfers")).to.equal((await store.counts()).transfers);
    // Every series carries the process label; no series names a wallet or a flag.
    expect([...after.values()].flatMap((f) => f.samples).every((s) => s.labels.process === "serve")).to.equal(true);
    expect(JSON.stringify([...after.values()].flatMap((f) => f.samples.map((s) => s.labels))).toLowerCase()).not.to.include(wallet.toLowerCase().slice(2));

    // Another block arrives: the model moves to it, its load is counted again.
    const loadsBefore = sampleValue(after, "goods_ledger_model_load_seconds_count");
    const sender = activity.ledger.clientFor(activity.ledger.senders[1]!);
    await waitForTransaction(sender, { hash: await sender.transfer({ to: activity.ledger.senders[0]!.address, amount: "1" }) });
    await syncer.syncOnce();
    const tip = (await store.position())!.block;
    for (let i = 0; i < 50 && sampleValue(await scrape(serverEndpoint), "goods_ledger_model_block") !== tip; i++) await new Promise((resolve) => setTimeout(resolve, 200));
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // readiness is cached for a second
    const moved = await scrape(serverEndpoint);
    expect(sampleValue(moved, "goods_ledger_model_block")).to.equal(tip);
    expect(sampleValue(moved, "goods_ledger_model_load_seconds_count")).to.be.greaterThan(loadsBefore);
    // The new block was appended to the live model in place, not rebuilt (the model append latency series).
    expect(sampleValue(moved, "goods_ledger_model_load_seconds_count", { how: "appended" })).to.be.greaterThan(sampleValue(after, "goods_ledger_model_load_seconds_count", { how: "appended" }));
    const ready = await fetch(`${serverEndpoint.url}/readyz`);
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.include({ ready: true, indexedBlock: tip });
  });
});
