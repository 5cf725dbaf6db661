// The README's "Your first five minutes", read from the README itself and run command by command on the
// persistent chain with its default settings (`chain --data-dir`, anvil, a block a second): deploy, register,
// attest, issue, pay (request, sign, submit), history, a refused transfer, and `index --reconcile`. Then the
// chain is stopped and started again from its folder, and the state is still there.
import { expect } from "chai";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CliSandbox } from "./helpers.js";

const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");

/** The README's first-five-minutes shell block. */
function storyBlock(): string[] {
  const section = readme.slice(readme.indexOf("### Your first five minutes"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error("README: no sh block under 'Your first five minutes'");
  return block.split("\n");
}

/** Splits a shell command line into words: spaces, "double" and 'single' quotes, $VAR from `vars`; stops at #. */
function words(line: string, vars: Record<string, string>): string[] {
  const out: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "#" && word === undefined) break;
    if (c === " ") {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      let text = line.slice(i + 1, end);
      if (c === '"') text = text.replace(/\$(\w+)/g, (_, v: string) => vars[v] ?? "");
      word = (word ?? "") + text;
      i = end;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) out.push(word);
  return out;
}

describe("the README's first five minutes, on the default persistent chain (a block a second)", function () {
  this.timeout(300_000);
  const sandbox = new CliSandbox();
  const cwd = sandbox.dir;
  after(() => sandbox.dispose());

  it("every command does what the README says, and the state survives a restart", async function () {
    copyFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), join(cwd, "package.json"));
    sandbox.env.GOODS_LEDGER_STORE = join(cwd, "index");
    const vars: Record<string, string> = {};
    const ran: string[] = [];
    let chainArgs: string[] | undefined;
    let lastStdout = "";
    for (const line of storyBlock()) {
      const trimmed = line.trim();
      if (trimmed.startsWith("npx -y")) continue; // the install: this test runs in the installed checkout
      const assignment = /^(\w+)='/.exec(trimmed);
      if (assignment) {
        // P='…': the payload, pasted from the last line `pay request` printed.
        vars[assignment[1]!] = lastStdout.trim().split("\n").at(-1)!;
        continue;
      }
      if (!trimmed.startsWith("npx goods-ledger ")) continue;
      const args = words(trimmed, vars).slice(2);
      if (args[0] === "chain") {
        chainArgs = args.slice(1);
        expect(chainArgs, "the story's chain is the persistent one, with default settings").to.deep.equal(["--data-dir", ".data/chain"]);
        await sandbox.startChain(chainArgs, { cwd });
        ran.push("chain");
        continue;
      }
      const run = await sandbox.run(args, { cwd });
      lastStdout = run.stdout;
      ran.push(args.slice(0, 2).join(" "));
      if (/#\s*refused/.test(trimmed)) {
        expect(run.code, `${trimmed}\n${run.stderr}`).to.equal(1);
        expect(run.stderr).to.match(/^error: transfer blocked: single-transfer limit of tier 1 exceeded: at most 50000\.00 per transfer, asked 55000\.00; nothing was sent$/m);
      } else {
        expect(run.code, `${trimmed}\n${run.stderr}`).to.equal(0);
        expect(run.stderr, trimmed).to.not.match(/BlockOutOfRange/);
      }
    }
    expect(ran).to.deep.equal([
      "chain", "deploy", "wallet register", "wallet register", "lot attest", "issue WR-0001", "pay request", "pay sign",
      "pay submit", "history 0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", "transfer 0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", "index --reconcile",
    ]);
    expect(lastStdout).to.match(/reconciled at block \d+: 2 wallets and the total supply \(60000\) match the chain/);

    // Stop (Ctrl-C's SIGTERM) and start again from the folder: balances and the paid request are still there.
    await sandbox.stopChain();
    await sandbox.startChain(chainArgs!, { cwd });
    const customer = await sandbox.run(["balance", "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f", "--json"], { cwd });
    expect(customer.code, customer.stderr).to.equal(0);
    expect(customer.json<{ balance: string }>().balance).to.equal("59974.5");
    const merchant = await sandbox.run(["balance", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", "--json"], { cwd });
    expect(merchant.json<{ balance: string }>().balance).to.equal("25.5");
    const again = await sandbox.run(["pay", "submit", "payment.json", "--json"], { cwd });
    expect(again.code).to.equal(1);
    expect(again.json<{ error: { code: string } }>().error.code).to.equal("GoodsTokenAuthorizationUsed");
  });
});
