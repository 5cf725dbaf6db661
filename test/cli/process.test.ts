// Process hygiene (issue 10): the PID a user gets from `goods-ledger` is the process doing the work, or its death
// takes the work with it, SIGKILL included. Checked in the process table (/proc): after a SIGKILL of the PID,
// no process that `goods-ledger` started is left (each run carries a unique marker in its environment), and
// the chain's port is closed.
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";

import { CliSandbox, bin } from "./helpers.js";

/** PIDs whose environment holds `GOODS_LEDGER_TEST_MARKER=<marker>`. */
function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(`GOODS_LEDGER_TEST_MARKER=${marker}`)) found.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/** Waits (up to 5 s) until no process carries the marker; returns those left. */
async function leftBehind(marker: string): Promise<string[]> {
  for (let i = 0; i < 50; i++) {
    if (processesWithMarker(marker).length === 0) return [];
    await new Promise((r) => setTimeout(r, 100));
  }
  return processesWithMarker(marker).map((pid) => `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, "latin1").replaceAll("\0", " ")}`);
}

/** A Node older than 22.13 on PATH (the system Node 20 users have), outside node_modules. */
function systemOldNode(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir.includes("node_modules")) continue;
    const node = join(dir, "node");
    if (!existsSync(node)) continue;
    const version = spawnSync(node, ["-p", "process.versions.node"], { encoding: "utf8" }).stdout.trim();
    const [major, minor] = version.split(".").map(Number);
    if (major! < 22 || (major === 22 && minor! < 13)) return node;
  }
  return undefined;
}

/** The ways a user starts the CLI: as a program (the shell line execs Node 22), or with an old `node`. */
const launchers: { name: string; command: () => string[] | undefined }[] = [
  { name: "bin/goods-ledger.js run as a program", command: () => [bin] },
  { name: "`node bin/goods-ledger.js` on the system's Node < 22.13", command: () => { const node = systemOldNode(); return node ? [node, bin] : undefined; } },
];

function start(command: string[], args: string[], env: Record<string, string>): ChildProcess {
  return spawn(command[0]!, [...command.slice(1), ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
}

/** Resolves with the first stdout/stderr text matching `pattern`. */
function waitFor(child: ChildProcess, pattern: RegExp, stream: "stdout" | "stderr"): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = "";
    let other = "";
    child[stream]!.on("data", (d: Buffer) => {
      text += d.toString();
      const m = pattern.exec(text);
      if (m) resolve(m);
    });
    child[stream === "stdout" ? "stderr" : "stdout"]!.on("data", (d: Buffer) => (other += d.toString()));
    child.once("exit", (code) => reject(new Error(`exited with ${code} before printing ${pattern}:\n${text}\n${other}`)));
  });
}

async function portClosed(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: "POST", body: "{}", signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

describe("goods-ledger process hygiene: SIGKILL of the PID the user has leaves no process", function () {
  this.timeout(180_000);
  const sandbox = new CliSandbox();
  after(() => sandbox.dispose());

  for (const launcher of launchers) {
    describe(launcher.name, function () {
      before(function () {
        if (launcher.command() === undefined) this.skip();
      });

      for (const persistent of [false, true]) {
        it(`chain${persistent ? " --data-dir (anvil under a watchdog)" : " (EDR in process)"}: no process and no port left`, async function () {
          const marker = `chain-${persistent}-${launcher.name.length}-${process.pid}-${Date.now()}`;
          const args = ["chain", "--port", "0", "--json", ...(persistent ? ["--data-dir", join(sandbox.dir, `chain-${marker}`)] : [])];
          const child = start(launcher.command()!, args, { ...sandbox.env, GOODS_LEDGER_TEST_MARKER: marker });
          const url = (await waitFor(child, /"url": "([^"]+)"/, "stdout"))[1]!;
          expect(await portClosed(url), "the chain answers before the kill").to.equal(false);
          expect(processesWithMarker(marker).length).to.be.greaterThan(0);
          child.kill("SIGKILL");
          expect(await leftBehind(marker)).to.deep.equal([]);
          expect(await portClosed(url), `${url} still answers`).to.equal(true);
        });
      }
    });
  }

  describe("a long wallet import", function () {
    let csv: string;
    before(async function () {
      await sandbox.startChain();
      const deployed = await sandbox.run(["deploy", "--json"]);
      expect(deployed.code, deployed.stderr).to.equal(0);
      csv = join(sandbox.dir, "many.csv");
      const rows = Array.from({ length: 3000 }, (_, i) => `0x${(0x5000 + i).toString(16).padStart(40, "0")},individual,1,1,1,2030-01-01`);
      writeFileSync(csv, ["address,role,tier,region,institution,kyc_expiry", ...rows].join("\n"));
    });

    for (const launcher of launchers) {
      it(`${launcher.name}: the import stops with its PID`, async function () {
        const command = launcher.command();
        if (command === undefined) this.skip();
        const marker = `import-${launcher.name.length}-${process.pid}-${Date.now()}`;
        const child = start(command, ["wallet", "import", csv, "--batch-size", "20", "--checkpoint", join(sandbox.dir, `${marker}.json`)], {
          ...sandbox.env,
          GOODS_LEDGER_TEST_MARKER: marker,
        });
        await waitFor(child, /\d+\/\d+ wallets/, "stderr");
        child.kill("SIGKILL");
        expect(await leftBehind(marker)).to.deep.equal([]);
      });
    }
  });
});


