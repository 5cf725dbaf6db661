/**
 * The soak harness's process handling (issue 11: "nothing is left running"): a managed child is the leader of
 * its own process group, a SIGKILL reaches every process it started, a graceful stop lets the leader stop its
 * children first, and pgrep finds nothing afterwards. Also the TCP proxy's outage.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { groupPids, Managed } from "../../bench/lib/soak/procs.js";
import { startProxy } from "../../bench/lib/soak/proxy.js";

const pgrep = (pattern: string) => (spawnSync("pgrep", ["-f", pattern], { encoding: "utf8" }).stdout ?? "").split("\n").filter((l) => l.trim() !== "");

describe("soak › process groups and the node proxy", function () {
  this.timeout(30_000);
  let dir: string;
  const started: Managed[] = [];
  afterEach(async () => {
    for (const m of started.splice(0)) {
      await m.stop("SIGKILL");
      m.closeLog();
    }
  });
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "goods-ledger-soak-procs-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("SIGKILL reaches the whole group: the leader and the grandchildren it started are gone, pgrep finds none", async () => {
    // A leader that starts two background sleepers (durations no other process uses: pgrep finds them by it).
    const marker = "sleep 300[79]";
    const m = new Managed("group", "/bin/sh", ["-c", "sleep 3007 & sleep 3009 & echo ready; wait"], join(dir, "kill.log"));
    started.push(m);
    await m.start((out) => (out.includes("ready") ? true : null));
    const pid = m.pid!;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(groupPids(pid).length).to.equal(3);
    expect(pgrep(marker)).to.have.length(3); // the leader (its command line names both) and the two sleepers
    expect(m.rss()).to.be.greaterThan(0);
    await m.stop("SIGKILL");
    expect(groupPids(pid)).to.deep.equal([]);
    expect(pgrep(marker)).to.deep.equal([]);
    expect(m.incarnations[0]!.ended).to.equal("SIGKILL (chaos)");
    expect(m.crashes).to.equal(0);
  });

  it("a graceful stop signals the leader alone, lets it stop its children, then clears the group", async () => {
    const marker = "sleep 3013";
    // The leader traps TERM, writes that it saw it, stops its child itself.
    const script = `trap 'echo leader-saw-term >> ${join(dir, "term.out")}; kill $c; wait $c; exit 0' TERM; sleep 3013 & c=$!; echo ready; wait`;
    const m = new Managed("graceful", "/bin/sh", ["-c", script], join(dir, "term.log"));
    started.push(m);
    await m.start((out) => (out.includes("ready") ? true : null));
    const pid = m.pid!;
    await m.stop("SIGTERM");
    expect(readFileSync(join(dir, "term.out"), "utf8")).to.equal("leader-saw-term\n");
    expect(groupPids(pid)).to.deep.equal([]);
    expect(pgrep(marker)).to.deep.equal([]);
  });

  it("a process that exits while it is meant to run counts as a crash", async () => {
    const m = new Managed("crasher", "/bin/sh", ["-c", "echo ready; sleep 0.2; exit 3"], join(dir, "crash.log"));
    started.push(m);
    await m.start((out) => (out.includes("ready") ? true : null));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(m.crashes).to.equal(1);
    expect(m.incarnations[0]!.ended).to.equal("exit 3");
  });

  it("the proxy forwards to the node, cuts every connection while down, and forwards again when up", async () => {
    const node = createServer((_req, res) => res.end("pong"));
    await new Promise<void>((resolve) => node.listen(0, "127.0.0.1", resolve));
    const proxy = await startProxy((node.address() as AddressInfo).port);
    try {
      expect(await (await fetch(proxy.url)).text()).to.equal("pong");
      proxy.down();
      const error = await fetch(proxy.url, { signal: AbortSignal.timeout(5_000) }).then(() => null, (e: Error) => e);
      expect(error).to.be.instanceOf(TypeError);
      expect(String((error as TypeError).cause)).to.match(/ECONNRESET|socket|closed|other side/i);
      proxy.up();
      expect(await (await fetch(proxy.url)).text()).to.equal("pong");
    } finally {
      await proxy.close();
      node.closeAllConnections();
      await new Promise<void>((resolve) => node.close(() => resolve()));
    }
  });
});
