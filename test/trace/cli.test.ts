import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SqliteStore } from "../../src/indexer/store/sqlite.js";
import { packDigest, type EvidencePack } from "../../src/trace/evidence.js";
import { plain } from "../../src/trace/export.js";
import { lotIdOf } from "../../src/trace/asof.js";
import { encodeCheckpoint } from "../../src/indexer/checkpoint.js";
import { loadModel } from "../../src/trace/model.js";
import { runQuery } from "../../src/trace/query.js";
import { sampleHistory } from "../server/fixture.js";
import { commitHistory } from "./history.js";
import { peopleFields, tokensToBase, withoutPeopleFields } from "../support/people.js";

const bin = fileURLToPath(new URL("../../bin/goods-ledger.js", import.meta.url));

/** Runs `goods-ledger <args>` and collects what it printed. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("goods-ledger trace (the real binary) › over an index, no chain needed", function () {
  this.timeout(180_000);
  let dir: string;
  let store: string;
  let wallet: string;
  const h = sampleHistory();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "goods-ledger-trace-cli-"));
    store = join(dir, "index");
    const s = new SqliteStore(join(store, "index.sqlite"));
    await commitHistory(s, h, [10, 30]);
    await s.setMeta("deployment", JSON.stringify({ chainId: 31337, token: "0x00000000000000000000000000000000000000aa", reserveRegistry: "0x00000000000000000000000000000000000000bb", startBlock: 1 }));
    await s.close();
    wallet = h.transfers.find((t) => t.kind === "transfer")!.from;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("--json prints the engine's answer (base units) with each amount also in tokens and each lot's label; --csv and --graphml print the exports; --out and --evidence write files", async function () {
    const s = new SqliteStore(join(store, "index.sqlite"));
    const expected = plain(runQuery(await loadModel(s), { kind: "forward", wallet, hops: 3, minAmount: "2000000" }).result);
    await s.close();
    const json = await cli(["trace", "forward", wallet, "--store", store, "-k", "3", "--min-amount", "2", "--json"]);
    expect(json.code, json.stderr).to.equal(0);
    const doc = JSON.parse(json.stdout) as { ok: boolean; kind: string; result: { edges: Record<string, unknown>[] } };
    const added = peopleFields(doc.result);
    expect({ ...doc, result: withoutPeopleFields(doc.result) }).to.deep.equal({ ok: true, kind: "forward", result: expected });
    expect(added.tokens, "every amount has its tokens").to.equal(doc.result.edges.length + 1); // + options.minAmount
    const all = JSON.parse((await cli(["trace", "forward", wallet, "--store", store, "-k", "3", "--json"])).stdout) as typeof doc;
    expect(all.result.edges.length).to.be.greaterThan(0);
    for (const e of all.result.edges) expect([tokensToBase(e.amountTokens as string), e.lotLabel]).to.deep.equal([e.amount, null]);
    expect(peopleFields(all.result)).to.deep.equal({ tokens: all.result.edges.length, labels: all.result.edges.length });
    const csv = await cli(["trace", "forward", wallet, "--store", store, "--csv"]);
    // O1 in the export too: each row's amount in tokens beside its base units.
    const rows = csv.stdout.trim().split("\n").slice(1).map((l) => l.split(","));
    expect(rows.length).to.be.greaterThan(0);
    for (const r of rows) expect(tokensToBase(r[5]!)).to.equal(r[4]);
    expect(csv.stdout.split("\n")[0]).to.equal("id,hop,from,to,amount,amount_tokens,block,timestamp,tx_hash,kind,lot,lot_label,reference,from_status,from_denylisted,to_status,to_denylisted");
    const out = join(dir, "flow.graphml");
    const files = await cli(["trace", "path", wallet, h.transfers.find((t) => t.from === wallet && t.kind === "transfer")!.to, "--store", store, "--out", out, "--evidence", join(dir, "pack.json")]);
    expect(files.code, files.stderr).to.equal(0);
    expect(files.stdout).to.match(/wrote graphml to .*flow\.graphml[^]*wrote evidence pack .*pack\.json \(block \d+ 0x[0-9a-f]{64}, sha256 [0-9a-f]{64}\)/);
    expect(readFileSync(out, "utf8")).to.match(/^<\?xml[^]*<graphml[^]*<edge /);
    const pack = JSON.parse(readFileSync(join(dir, "pack.json"), "utf8")) as EvidencePack;
    expect([pack.sha256, pack.query.kind, pack.chain.block.number, pack.code.name]).to.deep.equal([packDigest(pack), "path", h.tip, "goods-ledger"]);
  });

  it("bad input › exit 1 with one line naming the rule, and no stack trace", async function () {
    const cases: [string[], RegExp][] = [
      [["trace", "forward", "0x12"], /^error: malformed address "0x12": expected 0x followed by 40 hex digits\n$/],
      [["trace", "backward", `0x${"ab".repeat(20)}`], /^error: unknown wallet 0xabab[0-9a-f]+: no transfer or registry record up to block \d+\n$/],
      [["trace", "forward", wallet, "-k", "11"], /^error: hops \(k\) out of range: 11 \(must be an integer from 1 to 10\)\n$/],
      [["trace", "provenance", wallet, "--policy", "lifo"], /^error: unknown provenance policy "lifo": use fifo or haircut\n$/],
      [["trace", "forward", "99.0.0"], /^error: unknown transfer 99\.0\.0 up to block \d+\n$/],
      // TR2: a cap of 0 edges is refused (the start transfer is always listed).
      [["trace", "forward", "1.0.0", "--max-edges", "0"], /^error: option '--max-edges <n>' argument '0' is invalid\. --max-edges 0 is out of range \(1–\d+\)\n/],
    ];
    for (const [args, message] of cases) {
      const r = await cli([...args, "--store", store]);
      expect([r.code, r.stderr], args.join(" ")).to.satisfy(([code, err]: [number, string]) => code === 1 && message.test(err));
    }
    const json = await cli(["trace", "exposure", wallet, "--policy", "taint", "--store", store, "--json"]);
    expect([json.code, JSON.parse(json.stdout)]).to.deep.equal([1, { ok: false, error: { code: "unknown-policy", message: 'unknown exposure policy "taint": use poison, haircut, fifo' } }]);
  });

  it("flag, flags, unflag › keep the flag list in the index, and exposure counts the flagged wallet", async function () {
    expect((await cli(["trace", "flag", wallet, "--reason", "case 9", "--store", store])).code).to.equal(0);
    const listed = JSON.parse((await cli(["trace", "flags", "--store", store, "--json"])).stdout) as { flags: { wallet: string; reason: string }[] };
    expect(listed.flags.map((f) => [f.wallet, f.reason])).to.deep.equal([[wallet, "case 9"]]);
    const receiver = h.transfers.find((t) => t.from === wallet && t.kind === "transfer")!.to;
    const x = JSON.parse((await cli(["trace", "exposure", receiver, "--policy", "poison", "--sources", "flagged", "--store", store, "--json"])).stdout);
    // The flag counts from the block it was set at (the index's position, the tip): nothing the receiver got before.
    expect(x.result.sources).to.deep.equal([{ wallet, reasons: ["flagged"], fromBlock: h.tip }]);
    expect(x.result.exposed).to.equal("0");
    expect((await cli(["trace", "unflag", wallet, "--store", store])).stdout).to.equal(`unflagged ${wallet}\n`);
  });

  it("known defects › a mistyped --store is an error (no empty index made); a repeated --flagged wallet is one source; the source count matches the list; amounts in tokens; a lot by label", async function () {
    const typo = join(dir, "indx");
    const missing = await cli(["trace", "forward", wallet, "--store", typo]);
    expect([missing.code, missing.stderr]).to.deep.equal([1, `error: no index at ${typo} (no index.sqlite there): check --store, or run \`goods-ledger index --store ${typo}\` first\n`]);
    expect(existsSync(typo)).to.equal(false);
    const receiver = h.transfers.find((t) => t.from === wallet && t.kind === "transfer")!.to;
    const twice = JSON.parse((await cli(["trace", "exposure", receiver, "--policy", "poison", "--sources", "flagged", "--flagged", `${wallet},${wallet.toUpperCase().replace("0X", "0x")}`, "--store", store, "--json"])).stdout);
    expect(twice.result.sources).to.deep.equal([{ wallet, reasons: ["flagged"], fromBlock: 0 }]);
    const text = await cli(["trace", "exposure", receiver, "--policy", "poison", "--sources", "flagged", "--flagged", wallet, "--store", store]);
    const sources = twice.result.bySource.length;
    expect(text.stdout).to.match(new RegExp(`traces to ${sources} source\\(s\\) under poison \\(of 1 considered\\)`));
    // Two wallets flagged, one of which never reached the receiver: the count is of those that reached it, and
    // the table lists exactly those.
    const stranger = h.wallets.find((w) => w !== wallet && w !== receiver && !h.transfers.some((t) => t.from === w))!;
    const both = await cli(["trace", "exposure", receiver, "--policy", "poison", "--sources", "flagged", "--flagged", `${wallet},${stranger}`, "--store", store]);
    const rows = both.stdout.split("\n").filter((l) => /^0x[0-9a-fA-F]{40}\s+flagged\s/.test(l)).map((l) => l.slice(0, 42).toLowerCase());
    expect(both.stdout).to.match(new RegExp(`traces to ${rows.length} source\\(s\\) under poison \\(of 2 considered\\)`));
    expect(rows).to.deep.equal(twice.result.bySource.map((b: { source: string }) => b.source.toLowerCase()));
    expect(rows).to.not.include(stranger.toLowerCase());
    // Amounts for people are tokens (6 decimals): the inflow in base units appears as a decimal string.
    const inflow = BigInt(twice.result.inflow);
    expect(text.stdout).to.include(`received ${(Number(inflow) / 1e6).toString()}`);
    const lot = await cli(["trace", "asof", "--lot", "WR-none", "--store", store]);
    expect([lot.code, lot.stderr]).to.satisfy(([code, err]: [number, string]) => code === 1 && /^error: unknown lot "WR-none" \(id 0x[0-9a-f]{64}\) up to block \d+\n$/.test(err));
  });

  it("lot labels › `trace label` teaches the index a label; provenance and asof then name the lot by it; asof --lot takes the label (runs last: it adds a block)", async function () {
    const id = lotIdOf("WR-0001");
    const s = new SqliteStore(join(store, "index.sqlite"));
    const next = h.tip + 1;
    await s.commit({
      fromBlock: next, toBlock: next, toHash: `0x${next.toString(16).padStart(64, "0")}`,
      headers: [{ number: next, hash: `0x${next.toString(16).padStart(64, "0")}`, parentHash: `0x${h.tip.toString(16).padStart(64, "0")}`, timestamp: h.times[h.tip]! + 12 }],
      transfers: [{ checkpoint: encodeCheckpoint({ block: next, txIndex: 0, logIndex: 0 }), block: next, txIndex: 0, logIndex: 0, txHash: `0x${"ee".repeat(32)}`, timestamp: h.times[h.tip]! + 12,
        from: "0x0000000000000000000000000000000000000000", to: wallet as `0x${string}`, amount: 7_000_000n, kind: "issue", lot: id, reference: null }],
      events: [],
    });
    await s.close();
    const taught = await cli(["trace", "label", "WR-0001", "WR-9999", "--store", store]);
    expect([taught.code, taught.stdout]).to.deep.equal([0, `WR-0001 = ${id}\nWR-9999 = ${lotIdOf("WR-9999")} (no such lot indexed yet)\n`]);
    const prov = await cli(["trace", "provenance", wallet, "--store", store]);
    expect(prov.stdout).to.match(/\n\s*WR-0001\s+7(\.0+)?\s/);
    const listed = JSON.parse((await cli(["trace", "labels", "--store", store, "--json"])).stdout) as { labels: { label: string; lot: string }[] };
    expect(listed.labels).to.deep.include({ label: "WR-0001", lot: id });
    const asof = await cli(["trace", "asof", "--lot", "WR-0001", "--store", store]);
    expect([asof.code, asof.stdout]).to.satisfy(([code, out]: [number, string]) => code === 0 && out.startsWith(`at block ${next}, lot WR-0001 (${id}): none`));
    // --json keeps the id and base units, and adds the label and the tokens.
    const pj = JSON.parse((await cli(["trace", "provenance", wallet, "--store", store, "--json"])).stdout) as { result: { lots: { lot: string; lotLabel: string | null; amount: string; amountTokens: string }[] } };
    expect(pj.result.lots.find((l) => l.lot === id)).to.include({ lotLabel: "WR-0001" });
    const issued = JSON.parse((await cli(["trace", "backward", wallet, "--store", store, "-k", "1", "--json"])).stdout) as { result: { edges: { lot: string | null; lotLabel: string | null; amount: string; amountTokens: string; kind: string }[] } };
    expect(issued.result.edges.filter((e) => e.lot === id).map((e) => [e.kind, e.amount, e.amountTokens, e.lotLabel])).to.deep.include(["issue", "7000000", "7", "WR-0001"]);
    // The CSV export too (lot_label beside lot).
    const csv = await cli(["trace", "backward", wallet, "--store", store, "-k", "1", "--csv"]);
    expect(csv.stdout).to.include(`,7000000,7,${next},`).and.include(`,issue,${id},WR-0001,`);
    // The text names the lot by its label and shows tokens.
    const text = await cli(["trace", "backward", wallet, "--store", store, "-k", "1"]);
    expect(text.stdout).to.match(/\(mint\)\s+0x[0-9a-fA-F]{6}…[0-9a-fA-F]{4}\s+7 +issue +WR-0001\s/);
  });
});
