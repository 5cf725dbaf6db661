import { expect } from "chai";
import { openStore } from "../../src/indexer/store/open.js";
import type { Store } from "../../src/indexer/store/store.js";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { packDigest, verifyPack, type EvidencePack } from "../../src/trace/evidence.js";
import { plain } from "../../src/trace/export.js";
import { loadModel } from "../../src/trace/model.js";
import { runQuery } from "../../src/trace/query.js";
import { onEachStore } from "../indexer/stores.js";
import { serveHistory, type Served } from "./fixture.js";
import { peopleFields, tokensToBase, withoutPeopleFields } from "../support/people.js";

/** A JSON-RPC node answering eth_chainId (31337) and eth_getBlockByNumber from the store's headers. */
async function headerNode(store: Store): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", async () => {
      const calls = JSON.parse(body) as { id: number; method: string; params: unknown[] } | { id: number; method: string; params: unknown[] }[];
      const answer = async (c: { id: number; method: string; params: unknown[] }) => {
        if (c.method === "eth_chainId") return { jsonrpc: "2.0", id: c.id, result: "0x7a69" };
        const n = Number.parseInt(String(c.params[0]), 16);
        const [header] = await store.headers(n, n);
        return { jsonrpc: "2.0", id: c.id, result: header === undefined ? null : { number: c.params[0], hash: header.hash } };
      };
      const out = Array.isArray(calls) ? await Promise.all(calls.map(answer)) : await answer(calls);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

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
      const spec = factory().spec();
      store = await openStore(spec);
      served = await serveHistory(store, { storeSpec: spec });
    });
    after(async () => {
      await served?.close();
      await store?.close();
    });

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
        // The engine's answer in base units, plus each amount in tokens and each lot's label (TRACE.md O1, O2).
        expect(withoutPeopleFields(r.json().result), path).to.deep.equal(plain(runQuery(model, query).result));
        const added = peopleFields(r.json().result);
        if (!path.startsWith("/api/asof") && !path.startsWith("/api/alerts")) expect(added.tokens, `${path}: amounts in tokens`).to.be.greaterThan(0);
      }
      const csv = await call(`/api/forward?wallet=${w}&hops=3&format=csv`, served.analyst);
      expect(csv.type).to.equal("text/csv; charset=utf-8");
      expect(csv.text.split("\n")[0]).to.equal("id,hop,from,to,amount,amount_tokens,block,timestamp,tx_hash,kind,lot,lot_label,reference,from_status,from_denylisted,to_status,to_denylisted");
      const forward = runQuery(model, cases[0]![1]);
      expect(csv.text.trim().split("\n").length - 1).to.equal(forward.kind === "forward" ? forward.result.edges.length : NaN);
      const graphml = await call(`/api/forward?wallet=${w}&hops=3&format=graphml`, served.analyst);
      expect(graphml.type).to.equal("application/graphml+xml");
      expect(graphml.text).to.match(/^<\?xml[^]*<graphml[^]*<edge id="\d{32}" source="0x[0-9a-f]{40}" target="0x[0-9a-f]{40}">/);
    });

    it("output for people › every amount also in tokens (a decimal string), every lot with the label the index knows (else null), base units kept, as the CLI's --json", async function () {
      // With the admin token (it may read too), so the analyst's rate budget stays for the tests that follow.
      const h = served.history;
      const [labelled, unlabelled] = [h.lots[0]!, h.lots[1]!];
      await store.setMeta("lotLabels", JSON.stringify({ [labelled]: "WR-API-0001" }));
      try {
        const holder = h.transfers.find((t) => t.kind === "issue" && t.lot === labelled)!.to;
        const other = h.transfers.find((t) => t.kind === "issue" && t.lot === unlabelled)?.to;
        const prov = (await call(`/api/provenance?wallet=${holder}&policy=haircut`, served.admin)).json().result;
        expect(peopleFields(prov).tokens).to.be.at.least(10); // balance, eight flows, self-transfers, each lot
        expect([tokensToBase(prov.balanceTokens), tokensToBase(prov.flows.issuedTokens)]).to.deep.equal([prov.balance, prov.flows.issued]);
        for (const l of prov.lots) expect(l.lotLabel, l.lot).to.equal(l.lot === labelled ? "WR-API-0001" : null);
        const back = (await call(`/api/backward?wallet=${holder}&hops=1`, served.admin)).json().result;
        const issue = back.edges.find((e: { kind: string; lot: string }) => e.kind === "issue" && e.lot === labelled);
        expect(issue, "the labelled lot's issue into the holder").to.not.equal(undefined);
        expect([issue.lotLabel, tokensToBase(issue.amountTokens)]).to.deep.equal(["WR-API-0001", issue.amount]);
        if (other !== undefined) {
          const o = (await call(`/api/backward?wallet=${other}&hops=1`, served.admin)).json().result;
          expect(o.edges.filter((e: { lot: string }) => e.lot === unlabelled).map((e: { lotLabel: null }) => e.lotLabel)).to.include(null).and.not.include("WR-API-0001");
        }
        const alerts = (await call(`/api/alerts`, served.admin)).json().result as { evidence: Record<string, string>[] }[];
        const edges = alerts.flatMap((a) => a.evidence);
        expect(edges.length, "alerts with evidence in the sample history").to.be.greaterThan(0);
        for (const e of edges) expect(tokensToBase(e.amountTokens!)).to.equal(e.amount);
        const x = (await call(`/api/exposure?wallet=${holder}&policy=haircut&flagged=${h.wallets[0]}`, served.admin)).json().result;
        expect([tokensToBase(x.inflowTokens), tokensToBase(x.exposedTokens), tokensToBase(x.directTokens), tokensToBase(x.indirectTokens)]).to.deep.equal([x.inflow, x.exposed, x.direct, x.indirect]);
        const lot = (await call(`/api/asof?lot=${labelled}`, served.admin)).json().result;
        expect([lot.lotLabel, tokensToBase(lot.state.valuationTokens)]).to.deep.equal(["WR-API-0001", lot.state.valuation]);
        // A lot is asked for by its label too (its keccak256 is the id): an unknown label is named with its id.
        const byLabel = await call("/api/asof?lot=WR-none", served.admin);
        expect([byLabel.status, byLabel.json().error.code]).to.deep.equal([400, "unknown-lot"]);
        expect(byLabel.json().error.message).to.match(/^unknown lot "WR-none" \(id 0x[0-9a-f]{64}\) up to block \d+$/);
        // The page's names route lists the index's label too.
        expect((await call("/api/labels", served.admin)).json().lots).to.deep.include({ [labelled]: "WR-API-0001" });
      } finally {
        await store.setMeta("lotLabels", "{}");
      }
    });

    it("bad input › 400 with the rule's code and a one-line message, never a stack trace", async function () {
      const w = served.busiest;
      const cases: [string, string, RegExp][] = [
        ["/api/forward?wallet=0x12", "malformed-address", /^malformed address "0x12": expected 0x followed by 40 hex digits$/],
        [`/api/forward?wallet=0x${"ab".repeat(20)}`, "unknown-wallet", /unknown wallet 0xabab/],
        [`/api/forward?wallet=${w}&hops=11`, "hops-out-of-range", /^hops must be <= 10, got 11$/],
        [`/api/forward?wallet=${w}&hops=abc`, "bad-parameter", /^hops must be integer, got "abc"$/],
        [`/api/forward?wallet=${w}&hop=1`, "unknown-parameter", /^unknown query parameter "hop": the API is described at \/api\/openapi\.json$/],
        [`/api/forward?wallet=${w}&maxEdges=100001`, "edges-out-of-range", /^maxEdges must be <= 100000, got 100001$/],
        [`/api/provenance?wallet=${w}&policy=lifo`, "bad-parameter", /^policy must be one of fifo, haircut, got "lifo"$/],
        [`/api/exposure?wallet=${w}&policy=taint`, "bad-parameter", /^policy must be one of poison, haircut, fifo, got "taint"$/],
        [`/api/forward?wallet=${w}&format=pdf`, "bad-parameter", /^format must be one of json, csv, graphml, got "pdf"$/],
        [`/api/path?from=${w}`, "missing-parameter", /^missing query parameter "to"$/],
        [`/api/alerts?types=fan-in,smurfing`, "bad-parameter", /^types must be a comma-separated list of allowed values/],
        ["/api/smurf", "not-found", /^no route GET \/api\/smurf: the API is described at \/api\/openapi\.json$/],
        [`/api/forward?transfer=1.999999999.0&hops=2`, "unknown-transfer", /transfer "1\.999999999\.0" is not a transfer id/],
        [`/api/asof?transfer=99999999999999999.0.0`, "unknown-transfer", /transfer "99999999999999999\.0\.0" is not a transfer id/],
      ];
      for (const [path, code, message] of cases) {
        const r = await call(path, served.analyst);
        expect([r.status, r.json().error.code], path).to.deep.equal([code === "not-found" ? 404 : 400, code]);
        expect(r.json().error.message).to.match(message);
        expect(r.text).to.not.match(/\n\s+at /);
      }
    });

    it("flags › the analyst may read but not change them (403); the admin may, and exposure counts the flag from the block it was set at", async function () {
      const w = served.busiest;
      const put = (token: string) => call(`/api/flags/${w}`, token, { method: "PUT", body: JSON.stringify({ reason: "case 42" }) });
      const denied = await put(served.analyst);
      expect([denied.status, denied.json().error]).to.deep.equal([403, { code: "forbidden", message: "the analyst role is read-only: flagging a wallet needs the admin role" }]);
      expect((await call(`/api/flags/${w}`, served.analyst, { method: "DELETE" })).status).to.equal(403);
      expect((await put(served.admin)).status).to.equal(200);
      expect((await call("/api/flags", served.analyst)).json().flags.map((f: { wallet: string; reason: string }) => [f.wallet, f.reason])).to.deep.equal([[w, "case 42 (by boss)"]]);
      // The flag set through the API is stored at the index's position (the tip): it counts from there (TRACE.md
      // F1), so it is a source considered, but what w sent before does not make its receiver exposed to it.
      expect((await store.flags()).map((f) => [f.wallet, f.block])).to.deep.equal([[w, served.history.tip]]);
      const receiver = served.history.transfers.find((t) => t.from === w && t.kind === "transfer")!.to;
      const x = (await call(`/api/exposure?wallet=${receiver}&policy=poison`, served.analyst)).json().result;
      expect(x.sources.map((s: { wallet: string; reasons: string[] }) => s.wallet)).to.include(w);
      expect(x.bySource.map((s: { source: string }) => s.source)).to.not.include(w);
      // An evidence pack for exposure counts the index's flag list too, and records it, with its block, in its query (so it re-runs the same).
      const sealed = (await call("/api/evidence", served.analyst, { method: "POST", body: JSON.stringify({ query: { kind: "exposure", wallet: receiver, policy: "poison" } }) })).json();
      expect(sealed.query.flagged).to.deep.equal([{ wallet: w, block: served.history.tip }]);
      expect(sealed.results.sources.map((s: { wallet: string }) => s.wallet)).to.include(w);
      // The pack's results are the GET answer without lot labels (the index's knowledge, not the chain's: O3).
      expect(withoutPeopleFields(sealed.results)).to.deep.equal(withoutPeopleFields(x));
      expect(peopleFields(sealed.results)).to.deep.equal({ tokens: peopleFields(x).tokens, labels: 0 });
      expect((await call(`/api/flags/${w}`, served.admin, { method: "DELETE" })).json()).to.deep.equal({ wallet: w, removed: true });
    });

    it("exposure › a wallet flagged at block B is no source for what it sent before B (TRACE.md F1), even named again as a bare address; the pack records the flag's block and verifies", async function () {
      // A wallet whose every outflow comes before B: flagged at B, nothing it sent is tainted by the flag.
      const ordinary = served.history.transfers.filter((t) => t.kind === "transfer" && t.from !== t.to && t.amount > 0n && t.from !== served.history.wallets[0]);
      const lastOut = (w: string) => Math.max(...served.history.transfers.filter((t) => t.from === w).map((t) => t.block));
      const t = ordinary.find((x) => lastOut(x.from) < served.history.tip)!;
      const [w, receiver, B] = [t.from, t.to, lastOut(t.from) + 1];
      const model = await loadModel(store);
      const asBare = runQuery(model, { kind: "exposure", wallet: receiver, policy: "poison", flagged: [w] }).result as { bySource: { source: string; minHops: number }[] };
      expect(asBare.bySource.find((s) => s.source === w), "counted from block 0, w would be a direct source").to.deep.include({ minHops: 1 });
      await store.setFlag({ wallet: w, reason: "case 7", createdAt: "2026-11-20T10:00:00.000Z", block: B });
      try {
        const expected = plain(runQuery(model, { kind: "exposure", wallet: receiver, policy: "poison", flagged: [{ wallet: w, block: B }] }).result);
        // The caller names w again as a bare address (from block 0): the stored flag wins, listed once.
        const x = (await call(`/api/exposure?wallet=${receiver}&policy=poison&flagged=${w}`, served.analyst)).json().result;
        expect(withoutPeopleFields(x)).to.deep.equal(expected);
        expect(x.sources.filter((s: { wallet: string }) => s.wallet === w)).to.have.length(1);
        // A wallet the caller names twice (in either case) is one source too.
        const other0 = served.history.wallets.find((a) => a !== w && a !== receiver)!;
        const twice = (await call(`/api/exposure?wallet=${receiver}&policy=poison&flagged=${other0},${other0.toUpperCase().replace("0X", "0x")}`, served.admin)).json().result;
        expect(twice.sources.filter((s: { wallet: string }) => s.wallet.toLowerCase() === other0.toLowerCase())).to.have.length(1);
        expect(x.bySource.map((s: { source: string }) => s.source)).to.not.include(w);
        const other = served.history.wallets.find((a) => a !== w && a !== receiver)!;
        const body = { query: { kind: "exposure", wallet: receiver, policy: "poison", flagged: [w, other] } };
        const sealed = await call("/api/evidence", served.analyst, { method: "POST", body: JSON.stringify(body) });
        expect(sealed.status, sealed.text).to.equal(200);
        const pack = sealed.json() as EvidencePack;
        expect((pack.query as { flagged: unknown[] }).flagged).to.deep.equal([{ wallet: w, block: B }, other]);
        const verified = (await call("/api/evidence/verify", served.analyst, { method: "POST", body: JSON.stringify({ pack }) })).json();
        expect(verified.checks.filter((c: { ok: boolean }) => !c.ok)).to.deep.equal([]);
        expect(verified.ok).to.equal(true);
        // The schema takes { wallet, block } items and refuses anything else in them.
        const extra = await call("/api/evidence", served.analyst, { method: "POST", body: JSON.stringify({ query: { ...body.query, flagged: [{ wallet: other, block: 3, note: "x" }] } }) });
        expect(extra.status).to.equal(400);
        const negative = await call("/api/evidence", served.analyst, { method: "POST", body: JSON.stringify({ query: { ...body.query, flagged: [{ wallet: other, block: -1 }] } }) });
        expect(negative.status).to.equal(400);
      } finally {
        await store.removeFlag(w);
      }
    });

    it("evidence › POST /api/evidence returns a pack pinned to the indexed block that verifies; a tampered one fails on the check that was broken", async function () {
      const query = { kind: "provenance", wallet: served.busiest, policy: "fifo" };
      const r = await call("/api/evidence", served.analyst, { method: "POST", body: JSON.stringify({ query }) });
      const pack = r.json() as EvidencePack;
      expect(r.status, r.text).to.equal(200);
      expect(pack.query).to.deep.equal(query);
      expect(pack.chain.block.number).to.equal(served.history.tip);
      expect(pack.policy).to.deep.equal({ version: "goods-ledger-trace/2", name: "fifo" });
      // verifyPack asks the chain for its id and the pack's block hash: a node that answers from the index's headers.
      const node = await headerNode(store);
      try {
        const verify = async (p: EvidencePack) => (await verifyPack(p, node.url, { store })).checks.filter((c) => !c.ok).map((c) => [c.check, c.detail]);
        expect(await verify(pack), "the pack as served verifies").to.deep.equal([]);
        // Its results carry each amount in tokens too (O3), checked like the base units.
        const results = pack.results as { balance: string; balanceTokens: string };
        expect(tokensToBase(results.balanceTokens)).to.equal(results.balance);
        expect(peopleFields(pack.results).tokens).to.be.at.least(10);
        const { sha256: _s, ...unsealed } = pack;
        const resealed = (content: Omit<EvidencePack, "sha256">) => ({ ...content, sha256: packDigest(content) }) as EvidencePack;
        expect(await verify(resealed({ ...unsealed, results: withoutPeopleFields(pack.results) })), "a pack in base units only (written before tokens were added) verifies").to.deep.equal([]);
        expect(await verify(resealed({ ...unsealed, results: { ...results, balanceTokens: "1" } })), "tokens that disagree with the base units").to.deep.equal([
          ["results", `the query gives different results at block ${served.history.tip}`],
        ]);
        const other = served.history.transfers.find((t) => t.kind === "transfer" && t.to !== served.busiest)!.to;
        const forged = (content: Omit<EvidencePack, "sha256">) => ({ ...content, sha256: packDigest(content) }) as EvidencePack;
        const { sha256: _sha, ...content } = pack;
        expect(await verify({ ...pack, results: { ...pack.results as object, balance: "1" } }), "results edited, digest left").to.deep.equal([
          ["digest", `content hashes to ${packDigest({ ...content, results: { ...pack.results as object, balance: "1" } })}, the pack says ${pack.sha256}: the pack was altered`],
        ]);
        expect(await verify(forged({ ...content, results: { ...pack.results as object, balance: "1" } })), "results edited, digest recomputed").to.deep.equal([
          ["results", `the query gives different results at block ${served.history.tip}`],
        ]);
        expect(await verify(forged({ ...content, query: { ...query, wallet: other } as EvidencePack["query"] })), "another wallet's query under these results").to.deep.equal([
          ["results", `the query gives different results at block ${served.history.tip}`],
        ]);
        const fakeHash = `0x${"ee".repeat(32)}`;
        expect(await verify(forged({ ...content, chain: { ...pack.chain, block: { ...pack.chain.block, hash: fakeHash as never } } })), "a block the chain does not have").to.deep.equal([
          ["block-hash", `block ${served.history.tip} is ${pack.chain.block.hash} on the chain, the pack says ${fakeHash}`],
        ]);
      } finally {
        await node.close();
      }
    });

    it("POST /api/asof/wallets › each wallet's record as GET /api/asof gives it, in the order asked, null for a wallet the index does not know; bad bodies › 400 naming the field", async function () {
      const wallets = served.history.wallets.slice(0, 6);
      const unknown = `0x${"ab".repeat(20)}`;
      const asked = [wallets[3]!, unknown, ...wallets.filter((_, i) => i !== 3)];
      for (const block of [undefined, 5]) {
        const r = await call("/api/asof/wallets", served.analyst, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ wallets: asked, ...(block === undefined ? {} : { block }) }) });
        expect(r.status, r.text).to.equal(200);
        expect(r.json().atBlock).to.equal(block ?? served.history.tip);
        // One by one, with the other token (the per-token limits would refuse a burst of them).
        const one: unknown[] = [];
        for (const w of asked) {
          const a = await call(`/api/asof?wallet=${w}${block === undefined ? "" : `&block=${block}`}`, served.admin);
          one.push(a.status === 200 ? a.json().result.wallet : [a.status, a.json().error.code]);
        }
        expect(one[1], "GET /api/asof on the unknown wallet").to.deep.equal([400, "unknown-wallet"]);
        expect(r.json().records).to.deep.equal(one.map((x, i) => (i === 1 ? null : x)));
        expect(r.json().records.map((x: { wallet: string } | null) => x?.wallet ?? null)).to.deep.equal(asked.map((w) => (w === unknown ? null : w)));
      }
      const bad: [unknown, string, RegExp][] = [
        [null, "body", /^body must be object, got null$/],
        [{}, "wallets", /^missing body parameter "wallets"$/],
        [{ wallets: "0x12" }, "wallets", /^body\.wallets must be array/],
        [{ wallets: [] }, "wallets", /^body\.wallets must NOT have fewer than 1 items/],
        [{ wallets: ["0x12"] }, "wallets.0", /^malformed address "0x12"/],
        [{ wallets: [wallets[0], wallets[0]] }, "wallets", /^body\.wallets must NOT have duplicate items/],
        [{ wallets: Array.from({ length: 1001 }, (_, i) => `0x${i.toString(16).padStart(40, "0")}`) }, "wallets", /^body\.wallets must NOT have more than 1000 items/],
        [{ wallets: [wallets[0]], block: -1 }, "block", /^body\.block must be >= 0, got -1$/],
        [{ wallets: [wallets[0]], block: "5" }, "block", /^body\.block must be integer, got "5"$/],
        [{ wallets: [wallets[0]], at: 5 }, "at", /^unknown body parameter "at"/],
      ];
      for (const [body, field, message] of bad) {
        const r = await call("/api/asof/wallets", served.admin, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        expect([r.status, r.json().error.field], `${JSON.stringify(body).slice(0, 80)}: ${r.text}`).to.deep.equal([400, field]);
        expect(r.json().error.message).to.match(message);
      }
      const beyond = await call("/api/asof/wallets", served.analyst, { method: "POST", body: JSON.stringify({ wallets: [wallets[0]], block: served.history.tip + 1 }) });
      expect([beyond.status, beyond.json().error.code]).to.deep.equal([400, "bad-window"]);
    });

    it("evidence › a malformed alerts query (types not a list, rules not an object) › 400 bad-parameter, not a 500", async function () {
      for (const query of [{ kind: "alerts", types: "fan-in" }, { kind: "alerts", rules: null }, { kind: "alerts", rules: "x" }]) {
        const r = await call("/api/evidence", served.analyst, { method: "POST", body: JSON.stringify({ query }) });
        expect([r.status, r.json().error?.code], r.text).to.deep.equal([400, "bad-parameter"]);
      }
    });
  });
});
