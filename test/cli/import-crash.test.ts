// Crash-safe bulk import (issue 10) on the persistent chain (anvil, a block a second):
// - the checkpoint is never trusted alone: a checkpointed batch the chain does not have is named and re-sent;
// - SIGKILL of the chain mid-import, restart from its data dir, rerun: every wallet registered (read back);
// - while the node is down, one line per retry, then a clear error after --retry-for;
// - an import that outlives a restart of the node finishes with every wallet on chain.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CliSandbox, bin } from "./helpers.js";

const HEADER = "address,role,tier,region,institution,kyc_expiry";
const wallet = (base: number, i: number) => `0x${(base + i).toString(16).padStart(40, "0")}`;
function csvOf(path: string, base: number, count: number): string[] {
  const addresses = Array.from({ length: count }, (_, i) => wallet(base, i));
  writeFileSync(path, [HEADER, ...addresses.map((a) => `${a},individual,1,1,1,2030-01-01`)].join("\n"));
  return addresses;
}

describe("wallet import survives a crash of the chain", function () {
  this.timeout(300_000);
  const sandbox = new CliSandbox();
  const dataDir = join(sandbox.dir, "chain");
  let chain: ChildProcess;
  let nodePid: number;

  /** Starts `chain --data-dir` (defaults: a block a second) on a fixed port, so the deployment's URL stays valid. */
  async function startChain(port: number): Promise<void> {
    chain = spawn(bin, ["chain", "--port", String(port), "--data-dir", dataDir, "--json"], { env: { ...process.env, ...sandbox.env }, stdio: ["ignore", "pipe", "pipe"] });
    const doc = await new Promise<{ url: string; nodePid: number }>((resolve, reject) => {
      let out = "";
      let err = "";
      chain.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      chain.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        try {
          resolve(JSON.parse(out));
        } catch {
          // not complete yet
        }
      });
      chain.once("exit", (code) => reject(new Error(`chain exited ${code}: ${err}`)));
    });
    sandbox.env.GOODS_LEDGER_RPC_URL = doc.url;
    nodePid = doc.nodePid;
  }

  /** A crash: SIGKILL of the node (no state save) and of the chain process. */
  async function crashChain(): Promise<void> {
    const exited = new Promise((r) => chain.once("exit", r));
    process.kill(nodePid, "SIGKILL");
    chain.kill("SIGKILL");
    await exited;
  }

  /** Waits until the import's checkpoint holds at least `count` batches. */
  async function checkpointed(file: string, count: number): Promise<void> {
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        if (JSON.parse(readFileSync(file, "utf8")).batches.length >= count) return;
      } catch {
        // not written yet
      }
    }
    throw new Error(`${file}: fewer than ${count} batches after 60 s`);
  }

  /** Starts `wallet import` in the background. */
  function startImport(csv: string, retryFor: number) {
    const child = spawn(bin, ["wallet", "import", csv, "--batch-size", "10", "--retry-for", String(retryFor), "--json"], { env: { ...process.env, ...sandbox.env }, stdio: ["ignore", "pipe", "pipe"] });
    const out = { stdout: "", stderr: "" };
    child.stdout!.on("data", (d: Buffer) => (out.stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out.stderr += d.toString()));
    const exited = new Promise<number>((r) => child.once("exit", (code) => r(code ?? -1)));
    return { out, exited };
  }

  let port: number;
  before(async function () {
    await startChain(0);
    port = Number(new URL(sandbox.env.GOODS_LEDGER_RPC_URL!).port);
    const deployed = await sandbox.run(["deploy", "--json"]);
    expect(deployed.code, deployed.stderr).to.equal(0);
  });
  after(async function () {
    if (chain.exitCode === null && chain.signalCode === null) {
      const exited = new Promise((r) => chain.once("exit", r));
      chain.kill("SIGTERM");
      await exited;
    }
    await sandbox.dispose();
  });

  it("a checkpointed batch the chain does not have is named and sent again (the checkpoint is not trusted alone)", async function () {
    const csv = join(sandbox.dir, "trust.csv");
    const addresses = csvOf(csv, 0x7000, 6);
    const first = await sandbox.run(["wallet", "import", csv, "--batch-size", "3", "--json"]);
    expect(first.code, first.stderr).to.equal(0);
    // Forge what a crash leaves: the second batch's transaction is in the checkpoint but not on chain, and
    // its rows are not registered (other rows of the file, never sent, stand in for them).
    const csv2 = join(sandbox.dir, "trust2.csv");
    writeFileSync(csv2, readFileSync(csv, "utf8").replaceAll("0x00000000000000000000000000000000000070", "0x00000000000000000000000000000000000071"));
    const checkpoint = JSON.parse(readFileSync(`${csv}.checkpoint.json`, "utf8"));
    const { createHash } = await import("node:crypto");
    checkpoint.csvSha256 = createHash("sha256").update(readFileSync(csv2)).digest("hex");
    checkpoint.batches[1].tx = `0x${"ab".repeat(32)}`;
    checkpoint.batches[0].lines = [2, 3, 4];
    writeFileSync(`${csv2}.checkpoint.json`, JSON.stringify(checkpoint));
    const rerun = await sandbox.run(["wallet", "import", csv2, "--batch-size", "3", "--json"]);
    expect(rerun.code, rerun.stderr).to.equal(0);
    expect(rerun.stderr).to.include(`the batch of lines 5–7 (tx 0x${"ab".repeat(32)}, block ${checkpoint.batches[1].block}) is not on chain`);
    const result = rerun.json<{ registered: number; onChain: number; lostBatches: { lines: number[] }[] }>();
    // The first batch's tx is on chain, but it registered other addresses: its rows are checked, not trusted.
    expect(result).to.include({ registered: 6, onChain: 6 });
    expect(result.lostBatches.map((b) => b.lines)).to.deep.equal([[5, 6, 7]]);
    for (const a of addresses.map((a) => a.replace(/^0x00000000000000000000000000000000000070/, "0x00000000000000000000000000000000000071"))) {
      const shown = await sandbox.run(["wallet", "show", a, "--json"]);
      expect(shown.json<{ wallet: { status: string } }>().wallet.status, a).to.equal("active");
    }
  });

  it("while the node is down: one line per retry (what failed, next attempt, how to stop), then a clear error after --retry-for", async function () {
    const csv = join(sandbox.dir, "down.csv");
    csvOf(csv, 0x8000, 3);
    await crashChain();
    let run;
    try {
      run = await sandbox.run(["wallet", "import", csv, "--retry-for", "3", "--json"]);
    } finally {
      await startChain(port);
    }
    expect(run.code).to.equal(1);
    const retries = run.stderr.split("\n").filter((l) => l.startsWith("warning: retry "));
    expect(retries.length, run.stderr).to.be.greaterThan(1);
    expect(retries[0]).to.match(/^warning: retry 1: checking the deployment on the node failed: cannot reach the JSON-RPC node at http:\/\/127\.0\.0\.1:\d+.*; next attempt in 1 s, giving up in 3 s \(--retry-for 3\); Ctrl-C stops \(rerun the same command to resume\)$/);
    expect(run.json<{ error: { code: string; message: string } }>().error).to.include({ code: "rpc-unreachable" });
    expect(run.json<{ error: { message: string } }>().error.message).to.match(/^checking the deployment on the node: gave up after 3 s \(--retry-for\) without reaching the node: cannot reach/);
  });

  it("SIGKILL of the chain mid-import, restart from its data dir, rerun: every wallet is registered, read back from the chain", async function () {
    const csv = join(sandbox.dir, "crash.csv");
    const addresses = csvOf(csv, 0x9000, 300);
    const { out, exited } = startImport(csv, 2);
    await checkpointed(`${csv}.checkpoint.json`, 4);
    await crashChain();
    expect(await exited, out.stderr).to.equal(1);
    expect(out.stderr).to.match(/gave up after 2 s/);
    await startChain(port);

    const rerun = await sandbox.run(["wallet", "import", csv, "--batch-size", "10", "--json"]);
    expect(rerun.code, rerun.stderr).to.equal(0);
    const result = rerun.json<{ onChain: number; registered: number; alreadyDone: number; lostBatches: { lines: number[] }[] }>();
    expect(result.onChain).to.equal(300);
    expect(result.registered + result.alreadyDone).to.equal(300);
    for (const batch of result.lostBatches) expect(rerun.stderr).to.include(`the batch of lines ${batch.lines[0]}–${batch.lines.at(-1)}`);
    // Read back independently: the first, the last, and one from the middle.
    for (const a of [addresses[0]!, addresses[150]!, addresses[299]!]) {
      const shown = await sandbox.run(["wallet", "show", a, "--json"]);
      expect(shown.json<{ wallet: { status: string } }>().wallet.status, a).to.equal("active");
    }
  });

  it("an import that outlives a crash and restart of the node retries, re-sends what the chain lost, and ends with every wallet on chain", async function () {
    const csv = join(sandbox.dir, "outlive.csv");
    csvOf(csv, 0xa000, 200);
    const { out, exited } = startImport(csv, 120);
    await checkpointed(`${csv}.checkpoint.json`, 3);
    await crashChain();
    while (!/warning: retry 1: sending lines/.test(out.stderr)) await new Promise((r) => setTimeout(r, 100));
    await startChain(port);
    expect(await exited, out.stderr).to.equal(0);
    expect(JSON.parse(out.stdout)).to.include({ onChain: 200 });
  });
});
