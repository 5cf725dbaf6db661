/**
 * The analyst page on a large trace, in headless Chromium: a synthetic ledger (40,000 transfers among 3,000
 * wallets, no hubs) served as the page is served, an 8-hop forward trace that hits the 10,000-edge cap, then:
 * - render: from pressing Trace to the graph drawn (API call, registry records of 200 wallets, layout, first frame);
 * - pan: 60 pans of 40 px (Cytoscape's `panBy`, what a drag does), each timed from the pan to the start of the
 *   frame after the one that draws it (two animation frames), so the figure includes drawing the pan;
 * - drag: 20 real mouse drags on the canvas, each timed the same way from the last mouse move.
 * Writes bench/results/page.json. No assertion: a figure to read (timings on a shared machine vary).
 *
 *   node --import tsx bench/page.ts [--transfers N] [--wallets N] [--hops 8]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { encodeCheckpoint } from "../src/indexer/checkpoint.js";
import { SqliteStore } from "../src/indexer/store/sqlite.js";
import type { Address, Hex, TransferRow } from "../src/indexer/types.js";
import { addToken, readTokens } from "../src/server/auth.js";
import { startServer } from "../src/server/server.js";
import { numberArg, rng } from "./lib/args.js";
import { percentiles } from "./lib/results.js";

const arg = numberArg;
const TRANSFERS = arg("--transfers", 40_000);
const WALLETS = arg("--wallets", 3_000);
const HOPS = arg("--hops", 8);
const CHROMIUM = process.env.GOODS_LEDGER_CHROMIUM ?? "/usr/bin/chromium";
const hex = (n: number, bytes: number) => `0x${n.toString(16).padStart(bytes * 2, "0")}`;
const address = (i: number) => hex(0x20_0000 + i, 20) as Address;

const dir = mkdtempSync(join(tmpdir(), "goods-ledger-bench-page-"));
const store = new SqliteStore(join(dir, "index.sqlite"));
const random = rng(7);
const transfers: TransferRow[] = [];
const PER_BLOCK = 20;
for (let i = 0; i < TRANSFERS; i++) {
  const block = 1 + Math.floor(i / PER_BLOCK);
  const n = i % PER_BLOCK;
  const from = i < WALLETS ? 0 : Math.floor(random() * WALLETS);
  const to = i < WALLETS ? i : Math.floor(random() * WALLETS);
  const kind = i < WALLETS ? "issue" : "transfer";
  transfers.push({
    checkpoint: encodeCheckpoint({ block, txIndex: n, logIndex: 0 }), block, txIndex: n, logIndex: 0, txHash: hex(i + 1, 32) as Hex, timestamp: 1_700_000_000 + block * 12,
    from: kind === "issue" ? ("0x0000000000000000000000000000000000000000" as Address) : address(from), to: address(to), amount: BigInt(1 + Math.floor(random() * 1_000_000_000)),
    kind, lot: kind === "issue" ? (hex(0xa0, 32) as Hex) : null, reference: null,
  });
}
const tip = transfers.at(-1)!.block;
await store.commit({ fromBlock: 1, toBlock: tip, toHash: hex(tip, 32) as Hex, headers: [{ number: tip, hash: hex(tip, 32) as Hex, parentHash: hex(tip - 1, 32) as Hex, timestamp: 1_700_000_000 + tip * 12 }], transfers, events: [] });
const file = join(dir, "tokens.json");
const token = addToken(file, "bench", "analyst");
const server = await startServer({ store, tokens: () => readTokens(file), code: { name: "goods-ledger", version: "bench", commit: null } });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(server.url);
  await page.fill("#token", token);
  await page.click("#login-form button");
  await page.waitForSelector("#app", { state: "visible" });
  const start = address(1);
  await page.fill("#start", start);
  await page.fill("#hops", String(HOPS));
  const renders = await page.evaluate(() => Number(document.body.dataset.renders ?? 0));
  const t0 = Date.now();
  await page.click("#run");
  await page.waitForFunction((n) => Number(document.body.dataset.renders ?? 0) > n, renders, { timeout: 600_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const renderMs = Date.now() - t0;
  const drawn = await page.evaluate(() => {
    const cy = (window as unknown as { goodsLedger: { graph: { cy: any } } }).goodsLedger.graph.cy;
    return { transfers: cy.edges().reduce((a: number, e: any) => a + e.data("count"), 0), edges: cy.edges().length, wallets: cy.nodes(".wallet").length, layout: document.querySelector("#graph")!.getAttribute("data-layout"), timings: (window as unknown as { goodsLedger: { graph: { timings: unknown } } }).goodsLedger.graph.timings, summary: document.querySelector("#summary")!.textContent };
  });
  if (drawn.edges === 0) throw new Error(`bench page: nothing drawn: ${await page.textContent("#error")}`);
  const pans = await page.evaluate(async () => {
    const cy = (window as unknown as { goodsLedger: { graph: { cy: any } } }).goodsLedger.graph.cy;
    cy.fit();
    const out: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t = performance.now();
      cy.panBy({ x: i % 2 === 0 ? 40 : -40, y: 0 });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      out.push(performance.now() - t);
    }
    return out;
  });
  const box = (await page.locator("#graph").boundingBox())!;
  const drags: number[] = [];
  for (let i = 0; i < 20; i++) {
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 20, y + 10);
    await page.evaluate(() => ((window as unknown as { t: number }).t = performance.now()));
    await page.mouse.move(x + 60, y + 30);
    drags.push(await page.evaluate(async () => {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - (window as unknown as { t: number }).t;
    }));
    await page.mouse.up();
  }
  const result = {
    ledger: { transfers: TRANSFERS, wallets: WALLETS }, trace: { hops: HOPS, ...drawn }, renderMs,
    panMs: { first: pans[0], ...percentiles(pans), p90: [...pans].sort((a, b) => a - b)[Math.ceil(0.9 * pans.length) - 1], max: Math.max(...pans), each: pans.map((p) => Math.round(p)) }, dragMs: { ...percentiles(drags), max: Math.max(...drags) },
    chromium: await browser.version(), at: new Date().toISOString(),
  };
  const out = join(dirname(fileURLToPath(import.meta.url)), "results", "page.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
