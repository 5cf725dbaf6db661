// `goods-ledger chain`: with --data-dir the chain (anvil --state) survives a restart and the deployment file
// stays valid; without it (EDR in memory) a restart loses the contracts and the CLI says so.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { devAccounts } from "../../scripts/lib/keystore.js";
import { CliSandbox } from "./helpers.js";

const user = devAccounts()[8]!.address;

describe("goods-ledger chain", function () {
  this.timeout(120_000);
  const sandbox = new CliSandbox();
  after(() => sandbox.dispose());

  async function ok(...args: string[]): Promise<Record<string, any>> {
    const run = await sandbox.run([...args, "--json"]);
    expect(run.code, `goods-ledger ${args.join(" ")}\n${run.stderr}`).to.equal(0);
    return run.json();
  }

  it("--data-dir keeps contracts, wallets and blocks across a restart; the deployment file stays valid", async function () {
    const dataDir = join(sandbox.dir, "chain");
    // Automine keeps the test fast; the default (a block a second) only changes when blocks are mined.
    const chainArgs = ["--data-dir", dataDir, "--block-time", "0"];
    await sandbox.startChain(chainArgs);
    await ok("deploy");
    await ok("wallet", "register", user, "--role", "individual", "--tier", "1", "--region", "1", "--institution", "1", "--kyc-expiry", "2030-01-01");
    await sandbox.stopChain();
    expect(existsSync(join(dataDir, "anvil-state.json"))).to.equal(true);

    await sandbox.startChain(chainArgs);
    const shown = await ok("wallet", "show", user);
    expect(shown.wallet).to.include({ status: "active", tier: 1 });
    await sandbox.stopChain();
  });

  it("two chains cannot share a --data-dir: the second names the first and exits 1; the folder is free again once the first stops", async function () {
    const dataDir = join(sandbox.dir, "shared-chain");
    await sandbox.startChain(["--data-dir", dataDir, "--block-time", "0"]);
    const first = JSON.parse(readFileSync(join(dataDir, "chain.lock"), "utf8")) as { pid: number; nodePid: number };
    const second = await sandbox.run(["chain", "--port", "0", "--data-dir", dataDir, "--json"]);
    expect(second.code).to.equal(1);
    expect(second.json<{ error: { code: string } }>().error.code).to.equal("data-dir-locked");
    expect(second.stderr).to.match(new RegExp(`^error: data directory ${dataDir} is in use by another chain \\(process ${first.pid} on http://127\\.0\\.0\\.1:\\d+, since `));
    await sandbox.stopChain();
    expect(existsSync(join(dataDir, "chain.lock"))).to.equal(false);
    await sandbox.startChain(["--data-dir", dataDir, "--block-time", "0"]);
    await sandbox.stopChain();
  });

  it("--keep-transactions N drops the receipts and logs of blocks N behind the head, keeps their headers, and survives a restart", async function () {
    const dataDir = join(sandbox.dir, "kept-chain");
    const chainArgs = ["--data-dir", dataDir, "--block-time", "0", "--keep-transactions", "3"];
    let url = await sandbox.startChain(chainArgs);
    const rpc = async (method: string, params: unknown[] = []) =>
      ((await (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) })).json()) as { result: any }).result;
    const [from, to] = devAccounts().map((a) => a.address);
    const send = () => rpc("eth_sendTransaction", [{ from, to, value: "0x1" }]) as Promise<string>;
    const first = await send();
    const receipt = await rpc("eth_getTransactionReceipt", [first]);
    expect(receipt, "the receipt while its block is among the last 3").to.not.equal(null);
    for (let i = 0; i < 3; i++) await send();
    // anvil answers eth_sendTransaction once the transaction is in its pool and mines it just after: wait for the
    // three blocks (not for a time) before looking.
    const target = Number(receipt.blockNumber) + 3;
    for (let tries = 0; Number(await rpc("eth_blockNumber")) < target; tries++) {
      if (tries === 100) throw new Error(`the chain did not reach block ${target} in 10 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await rpc("eth_getTransactionReceipt", [first]), "the receipt 3 blocks later").to.equal(null);
    expect((await rpc("eth_getBlockByNumber", [receipt.blockNumber, false])).hash, "the header stays").to.equal(receipt.blockHash);
    const last = await send();
    for (let tries = 0; (await rpc("eth_getTransactionReceipt", [last])) === null; tries++) {
      if (tries === 100) throw new Error("the last transaction was not mined in 10 s");
      await new Promise((r) => setTimeout(r, 100));
    }
    await sandbox.stopChain();
    url = await sandbox.startChain(chainArgs);
    expect((await rpc("eth_getTransactionReceipt", [last]))?.transactionHash, "a kept receipt after a restart").to.equal(last);
    expect(await rpc("eth_getTransactionReceipt", [first]), "a dropped one stays dropped").to.equal(null);
    await sandbox.stopChain();
  });

  it("--keep-transactions without --data-dir is refused, naming the rule", async function () {
    const run = await sandbox.run(["chain", "--port", "0", "--keep-transactions", "10", "--json"]);
    expect(run.code).to.equal(1);
    expect(run.json<{ error: { code: string } }>().error.code).to.equal("invalid-input");
    expect(run.stderr).to.include("--keep-transactions needs --data-dir");
  });

  it("without --data-dir a restarted chain has lost the contracts, and commands say so", async function () {
    await sandbox.startChain();
    await ok("deploy");
    await sandbox.stopChain();
    await sandbox.startChain();
    const run = await sandbox.run(["wallet", "show", user, "--json"]);
    expect(run.code).to.equal(1);
    expect(run.json<{ error: { code: string; message: string } }>().error.code).to.equal("stale-deployment");
    expect(run.stderr).to.include("the chain was reset").and.include("goods-ledger chain --data-dir");
    await sandbox.stopChain();
  });
});
