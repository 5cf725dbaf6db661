// Issue 10's "smaller" points that no other test file covers: npx prints no npm warnings, the README is
// self-contained, the token's default name names no currency. (The others: cli.test.ts for the QR on a pipe,
// progress off a terminal, pay sign/request refusals, wallet/lot show of unknown ones, the amount rule, help
// examples; chain.test.ts for the data-dir lock.)
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_TOKEN_NAME, DEFAULT_TOKEN_SYMBOL } from "../../scripts/commands/deploy.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("cli: the smaller points of issue 10", function () {
  this.timeout(120_000);

  it("`npx goods-ledger` on the system's older Node prints the answer and no npm warning (EBADENGINE)", function () {
    // The system's npx (the README's), not the project's Node 22 that npm scripts put first on PATH.
    const path = (process.env.PATH ?? "").split(":").filter((d) => !d.includes("node_modules")).join(":");
    const npx = ["/usr/bin/npx", "/usr/local/bin/npx"].find((p) => existsSync(p));
    const node = spawnSync("node", ["--version"], { env: { ...process.env, PATH: path }, encoding: "utf8" });
    if (npx === undefined || node.status !== 0 || Number(/^v(\d+)/.exec(node.stdout)?.[1]) >= 22) this.skip();
    const run = spawnSync(npx!, ["goods-ledger", "--version"], { cwd: root, env: { ...process.env, PATH: path }, encoding: "utf8" });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout.trim()).to.equal((JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version);
    expect(run.stderr).to.not.include("EBADENGINE");
    expect(run.stderr).to.equal("");
  });

  it("the README links nothing outside the repository's own files (no ../shared, no TOOLCHAIN.md)", function () {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    expect(readme).to.not.include("../shared");
    expect(readme).to.not.include("TOOLCHAIN.md");
    for (const [, target] of readme.matchAll(/\]\((?!https?:|#|mailto:)([^)\s#]+)/g)) {
      expect(existsSync(join(root, target!)), `README links ${target}`).to.equal(true);
    }
  });

  it("the token's default name and symbol name no currency, in the CLI and in the Ignition module alike", function () {
    expect(DEFAULT_TOKEN_NAME).to.equal("Goods Ledger Token");
    expect(DEFAULT_TOKEN_SYMBOL).to.equal("GLT");
    const ignition = readFileSync(join(root, "ignition/modules/Ledger.ts"), "utf8");
    expect(ignition).to.include(`m.getParameter("name", "${DEFAULT_TOKEN_NAME}")`);
    expect(ignition).to.include(`m.getParameter("symbol", "${DEFAULT_TOKEN_SYMBOL}")`);
    for (const text of [DEFAULT_TOKEN_NAME, DEFAULT_TOKEN_SYMBOL, ignition]) expect(text).to.not.match(/naira|GNGN|shilling|dollar|euro/i);
  });
});
