import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { SqliteStore } from "../../src/indexer/store/sqlite.js";
import { loadModel } from "../../src/trace/model.js";
import { provenance } from "../../src/trace/provenance.js";
import { traceForward } from "../../src/trace/trace.js";
import { serveHistory, type Served } from "./fixture.js";

const CHROMIUM = process.env.GOODS_LEDGER_CHROMIUM ?? "/usr/bin/chromium";
/** Where screenshots go: GOODS_LEDGER_SCREENSHOTS to keep them, else the test's temporary folder. */
const shots = () => process.env.GOODS_LEDGER_SCREENSHOTS ?? dir;

let dir: string;

describe("serve › the analyst page in headless Chromium", function () {
  this.timeout(120_000);
  if (!existsSync(CHROMIUM)) {
    // CI sets GOODS_LEDGER_REQUIRE_BROWSER: there a missing browser fails the suite instead of skipping.
    it(`is skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`, function () {
      if (process.env.GOODS_LEDGER_REQUIRE_BROWSER) throw new Error(`GOODS_LEDGER_REQUIRE_BROWSER is set but there is no Chromium at ${CHROMIUM}`);
      this.skip();
    });
    return;
  }
  let store: SqliteStore;
  let served: Served;
  let browser: Browser;
  let page: Page;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "goods-ledger-page-"));
    store = new SqliteStore(join(dir, "index.sqlite"));
    served = await serveHistory(store);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(served.server.url);
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a wrong token, then signs in with the analyst's and shows the index's status", async function () {
    await page.fill("#token", "glt_wrong");
    await page.click("#login-form button");
    await page.waitForFunction(() => document.querySelector("#status")?.textContent?.includes("not accepted"));
    expect(await page.isVisible("#app")).to.equal(false);
    await page.fill("#token", served.analyst);
    await page.click("#login-form button");
    await page.waitForSelector("#app", { state: "visible" });
    expect(await page.textContent("#status")).to.match(new RegExp(`ana \\(analyst\\) · index at block ${served.history.tip}`));
  });

  it("draws a forward trace as a flow graph: one node per wallet, one curve per sender→recipient pair carrying exactly the trace's transfers", async function () {
    const model = await loadModel(store);
    const expected = traceForward(model, { wallet: served.busiest }, { hops: 3 });
    await page.fill("#start", served.busiest);
    await page.fill("#hops", "3");
    await page.click("#run");
    await page.waitForFunction((n) => document.querySelectorAll("#nodes .node").length === n, expected.wallets.length);
    const nodes = await page.$$eval("#nodes .node", (gs) => gs.map((g) => (g as SVGGElement).dataset.address));
    expect(nodes.sort()).to.deep.equal(expected.wallets.map((w) => w.address).sort());
    const ids = await page.$$eval("#edges .edge", (ps) => ps.flatMap((p) => ((p as SVGPathElement).dataset.ids ?? "").split(",")));
    expect(ids.sort()).to.deep.equal(expected.edges.map((e) => e.id).sort());
    expect(await page.textContent("#summary")).to.contain(`forward: ${expected.edges.length} transfer(s), ${expected.wallets.length} wallet(s)`);
    const start = await page.$eval(`#nodes .node[data-address="${served.busiest}"]`, (g) => g.getAttribute("class"));
    expect(start).to.contain("start");
    await page.screenshot({ path: join(shots(), "trace.png") });
  });

  it("clicking a wallet shows its lot provenance (shares as the engine computes them) and switching to haircut redraws it", async function () {
    const model = await loadModel(store);
    const target = await page.$$eval("#nodes .node", (gs) => (gs.at(-1) as SVGGElement).dataset.address!);
    await page.click(`#nodes .node[data-address="${target}"]`);
    for (const policy of ["fifo", "haircut"] as const) {
      if (policy === "haircut") await page.selectOption("#policy", "haircut");
      const expected = provenance(model, target, { policy }).lots;
      await page.waitForFunction(
        ([n, p]) => document.querySelectorAll("#lot-rows tr").length === n && (document.querySelector("#flows")?.textContent ?? "").includes(`(${p})`),
        [expected.length, policy] as const,
      );
      const rows = await page.$$eval("#lot-rows tr", (trs) => trs.map((tr) => [(tr as HTMLElement).dataset.lot, tr.children[2]!.textContent]));
      expect(rows).to.deep.equal(expected.map((l) => [l.lot ?? "none", `${(l.share * 100).toFixed(2)}%`]));
      const widths = await page.$$eval("#lot-bar .seg", (segs) => segs.map((s) => Number.parseFloat((s as HTMLElement).style.width)));
      if (expected.length > 0) expect(Math.abs(widths.reduce((a, b) => a + b, 0) - 100)).to.be.lessThan(0.01);
    }
    expect(await page.textContent("#wallet-address")).to.equal(target);
    await page.screenshot({ path: join(shots(), "provenance.png") });
  });

  it("double-clicking a wallet traces from it; a malformed start shows the engine's error", async function () {
    const target = await page.$$eval("#nodes .node", (gs) => (gs.at(-1) as SVGGElement).dataset.address!);
    await page.dblclick(`#nodes .node[data-address="${target}"]`);
    await page.waitForFunction((t) => (document.querySelector("#start") as HTMLInputElement).value === t && document.querySelector(`#nodes .node.start[data-address="${t}"]`) !== null, target);
    await page.fill("#start", "0x12");
    await page.click("#run");
    await page.waitForFunction(() => (document.querySelector("#error")?.textContent ?? "") !== "");
    expect(await page.textContent("#error")).to.equal('malformed address "0x12": expected 0x followed by 40 hex digits');
  });
});
