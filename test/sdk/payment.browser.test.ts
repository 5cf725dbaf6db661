/**
 * A shopper pays at a shop, in the browser: the till and the wallet (examples/till, examples/wallet) are built
 * with Vite against the packed SDK exactly as their READMEs say (`npm pack` of @goods-ledger/sdk next to them,
 * `npm install`, `npm run build`, in a copy outside the repository), served on loopback with a same-origin JSON-RPC
 * proxy to a hardhat node, and driven in headless Chromium: the till shows a QR request, the wallet reads it,
 * signs offline and submits; the till sees it confirmed; a second payment of the same request is refused on
 * screen with the SDK's named error, and nothing moves. Screenshots go to examples/screenshots/ (the README shows
 * them).
 *
 * Heavy (two installs, two builds, a chain, a browser): it runs when GOODS_LEDGER_REQUIRE_BROWSER is set, as
 * .ci/run sets it, and is skipped with a notice otherwise.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium, type Browser, type Page } from "playwright-core";
import { createLedgerClient, isPaymentReferenceUsed, parseAmount, type LedgerClient } from "@goods-ledger/sdk";
import { devAccounts } from "./support/accounts.js";
import { deployNodeLedger, startHardhatNode, type HardhatNode, type NodeLedger } from "./support/ledgerNode.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM = process.env.GOODS_LEDGER_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const SHOTS = process.env.GOODS_LEDGER_SCREENSHOTS ?? join(root, "examples", "screenshots");
const REQUIRED = Boolean(process.env.GOODS_LEDGER_REQUIRE_BROWSER);
/** The test accounts the pages use: deployNodeLedger with one sender registers #8 as an individual, #11 as the merchant. */
const CUSTOMER = 8;
const MERCHANT = 11;
/** Token units to base units (the token has 6 decimals). */
const units = (amount: string) => parseAmount(amount, 6);
const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".map": "application/json", ".png": "image/png" };

/**
 * Serves `/till/` and `/wallet/` from the apps' builds, `deployment.json` next to each, and `/rpc` as a
 * pass-through to the node (same origin, so the pages need no CORS from the node).
 */
async function serveApps(apps: Record<string, string>, deployment: object, nodeUrl: string): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/rpc" && req.method === "POST") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        fetch(nodeUrl, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.concat(chunks) })
          .then(async (r) => res.writeHead(r.status, { "content-type": "application/json" }).end(Buffer.from(await r.arrayBuffer())))
          .catch((e) => res.writeHead(502).end(String(e)));
      });
      return;
    }
    const [, app, ...rest] = url.pathname.split("/");
    const dist = apps[app ?? ""];
    if (!dist) return void res.writeHead(404).end();
    if (rest.join("/") === "deployment.json") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(deployment));
    const file = normalize(join(dist, rest.join("/") || "index.html"));
    if (!file.startsWith(dist) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("examples › a QR payment from the wallet page to the till page, in Chromium", function () {
  this.timeout(600_000);
  if (!REQUIRED || !existsSync(CHROMIUM)) {
    it(`is skipped: set GOODS_LEDGER_REQUIRE_BROWSER=1 to build the till and wallet and pay in Chromium at ${CHROMIUM} (.ci/run does)`, function () {
      if (REQUIRED) throw new Error(`GOODS_LEDGER_REQUIRE_BROWSER is set but there is no Chromium at ${CHROMIUM}`);
      this.skip();
    });
    return;
  }
  let work: string;
  let node: HardhatNode | undefined;
  let ledger: NodeLedger;
  let reader: LedgerClient;
  let served: { server: Server; base: string } | undefined;
  let browser: Browser | undefined;
  let till: Page, wallet: Page;
  let symbol: string;
  let payload: string;
  const customer = devAccounts[CUSTOMER]!.address;
  const merchant = devAccounts[MERCHANT]!.address;
  const pageErrors: string[] = [];
  const balances = async () => Promise.all([reader.getBalance({ account: customer }), reader.getBalance({ account: merchant })]);

  before(async function () {
    // The apps as a user gets them: a copy outside the repository, the packed SDK beside them, npm install, vite build.
    work = mkdtempSync(join(tmpdir(), "goods-ledger-examples-"));
    const examples = join(work, "examples");
    for (const dir of ["common", "till", "wallet"]) {
      cpSync(join(root, "examples", dir), join(examples, dir), { recursive: true, filter: (src) => !/node_modules|[/\\]dist$|deployment\.json$/.test(src) });
    }
    await run("npm", ["pack", "-w", "@goods-ledger/sdk", "--pack-destination", examples], { cwd: root, maxBuffer: 64 << 20 });
    for (const app of ["till", "wallet"]) {
      await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: join(examples, app), maxBuffer: 64 << 20 });
      await run("npm", ["run", "build"], { cwd: join(examples, app), maxBuffer: 64 << 20 });
    }
    node = await startHardhatNode();
    ledger = await deployNodeLedger(node.url, { senders: 1, perSender: "1000" });
    expect(ledger.individuals[0]!.address).to.equal(customer);
    expect(ledger.merchant.address).to.equal(merchant);
    const sender = ledger.clientFor(ledger.senders[0]);
    await sender.waitForTransaction({ hash: await sender.transfer({ to: customer, amount: "100" }) });
    reader = createLedgerClient({ deployment: ledger.deployment, pollingInterval: 100 });
    ({ symbol } = await reader.getTokenMetadata());
    const { rpcUrl: _nodeUrl, ...deployment } = ledger.deployment;
    served = await serveApps({ till: join(examples, "till", "dist"), wallet: join(examples, "wallet", "dist") }, { ...deployment, rpcUrl: "/rpc" }, node.url);
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    till = await browser.newPage({ viewport: { width: 560, height: 900 } });
    wallet = await browser.newPage({ viewport: { width: 560, height: 900 } });
    for (const page of [till, wallet]) page.on("pageerror", (e) => pageErrors.push(e.message));
  });

  after(async function () {
    await browser?.close();
    await new Promise((resolve) => (served ? served.server.close(resolve) : resolve(undefined)));
    await node?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("the till shows a QR request as an image; the wallet shows the merchant's registered role and the amount, signs offline and pays; the till sees it confirmed", async function () {
    await till.goto(`${served!.base}/till/?account=${MERCHANT}`);
    await till.waitForSelector("#new-request:not([disabled])");
    expect(await till.textContent("#test-keys")).to.match(/test mnemonic/);
    expect(await till.textContent("#shop")).to.contain("registered as merchant (active)");
    await till.fill("#amount", "12.50");
    await till.click("#new-request");
    await till.waitForFunction(() => (document.getElementById("qr") as HTMLImageElement).src.startsWith("data:image/png;base64,"));
    const qrBytes = await till.evaluate(() => atob((document.getElementById("qr") as HTMLImageElement).src.split(",")[1]!).length);
    expect(qrBytes).to.be.greaterThan(500);
    expect(await till.evaluate(() => (document.getElementById("qr") as HTMLImageElement).naturalWidth)).to.equal(280);
    payload = await till.inputValue("#payload");
    expect(payload).to.match(/^000201/);
    expect(await till.getAttribute("#status", "data-state")).to.equal("waiting");
    await till.screenshot({ path: join(SHOTS, "till-request.png"), fullPage: true });

    const [customerBefore, merchantBefore] = await balances();
    await wallet.goto(`${served!.base}/wallet/?account=${CUSTOMER}`);
    await wallet.waitForSelector("#read:not([disabled])");
    expect(await wallet.textContent("#me")).to.contain(`balance 100 ${symbol}`);
    await wallet.fill("#payload", payload);
    await wallet.click("#read");
    await wallet.waitForSelector("#request:not([hidden])");
    expect(await wallet.textContent("#merchant-name")).to.equal("MAMA NJERI SHOP");
    expect(await wallet.textContent("#merchant-role")).to.equal("merchant (active)");
    expect(await wallet.textContent("#merchant")).to.equal(merchant);
    expect(await wallet.textContent("#amount")).to.equal(`12.5 ${symbol}`);
    expect(await wallet.textContent("#warnings")).to.equal("");
    await wallet.screenshot({ path: join(SHOTS, "wallet-request.png"), fullPage: true });
    await wallet.click("#sign");
    await wallet.waitForSelector("#signed:not([hidden])");
    const signed = JSON.parse(await wallet.inputValue("#authorization"));
    expect(signed).to.deep.include({ from: customer, to: merchant, value: units("12.50").toString() });
    await wallet.click("#submit");
    await wallet.waitForSelector('#status[data-state="paid"]');
    expect(await wallet.textContent("#status")).to.match(new RegExp(`^Paid ✓ 12\\.5 ${symbol} to MAMA NJERI SHOP, block \\d+`));
    await wallet.screenshot({ path: join(SHOTS, "wallet-paid.png"), fullPage: true });

    await till.waitForSelector('#status[data-state="paid"]', { timeout: 30_000 });
    expect(await till.textContent("#status")).to.match(new RegExp(`^Paid ✓ 12\\.50 ${symbol} from ${customer.slice(0, 6)}…${customer.slice(-4)}, confirmed in block \\d+`));
    await till.screenshot({ path: join(SHOTS, "till-paid.png"), fullPage: true });

    // The chain agrees: paid once, the request's reference used.
    const [customerAfter, merchantAfter] = await balances();
    expect(units(customerBefore) - units(customerAfter)).to.equal(units("12.5"));
    expect(units(merchantAfter) - units(merchantBefore)).to.equal(units("12.5"));
    expect(await isPaymentReferenceUsed(reader, { payee: merchant, reference: signed.reference })).to.equal(true);
    expect(pageErrors).to.deep.equal([]);
  });

  it("a second payment of the same request is refused on screen with AuthorizationUsedError, and nothing moves", async function () {
    const before = await balances();
    // Paying again from the same page: the chain refuses the authorization it already used.
    await wallet.click("#sign");
    await wallet.click("#submit");
    await wallet.waitForSelector('#status[data-state="refused"]');
    expect(await wallet.textContent("#status")).to.match(/^Refused: AuthorizationUsedError: /);
    // Read afresh, the request says it is paid.
    await wallet.reload();
    await wallet.waitForSelector("#read:not([disabled])");
    await wallet.fill("#payload", payload);
    await wallet.click("#read");
    await wallet.waitForSelector("#request:not([hidden])");
    expect(await wallet.textContent("#warnings")).to.equal("this request is already paid");
    await wallet.click("#sign");
    await wallet.click("#submit");
    await wallet.waitForSelector('#status[data-state="refused"]');
    expect(await wallet.textContent("#status")).to.match(/^Refused: AuthorizationUsedError: /);
    await wallet.screenshot({ path: join(SHOTS, "wallet-refused.png"), fullPage: true });
    expect(await balances()).to.deep.equal(before);
    expect(await till.getAttribute("#status", "data-state")).to.equal("paid");
    expect(pageErrors).to.deep.equal([]);
  });
});
