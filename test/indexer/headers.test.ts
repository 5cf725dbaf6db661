import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ensureBlockHeader } from "../../src/indexer/headers.js";
import { SqliteStore } from "../../src/indexer/store/sqlite.js";
import { asOf } from "../../src/trace/asof.js";
import { loadModel } from "../../src/trace/model.js";
import type { Hex } from "../../src/indexer/types.js";

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const time = (n: number) => 1_700_000_000 + n * 600;

describe("indexer › the header of a block with no event, fetched on demand (docs/TRACE.md T1)", function () {
  let server: Server;
  let url: string;
  let asked: number[];

  before(async () => {
    asked = [];
    // A node that knows blocks 0..20, each 600 s apart.
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        const call = JSON.parse(body) as { id: number; method: string; params: [string, boolean] };
        res.setHeader("content-type", "application/json");
        if (call.method === "eth_chainId") return res.end(JSON.stringify({ jsonrpc: "2.0", id: call.id, result: "0x7a69" }));
        const n = Number.parseInt(call.params[0], 16);
        asked.push(n);
        const result = n > 20 ? null : { number: call.params[0], hash: hash(n), parentHash: hash(n - 1), timestamp: `0x${time(n).toString(16)}` };
        res.end(JSON.stringify({ jsonrpc: "2.0", id: call.id, result }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("stores the block's own header, so an as-of query reads its time and not a neighbour's; never asks twice; says why when it cannot", async function () {
    const store = new SqliteStore(":memory:");
    await store.commit({
      fromBlock: 1, toBlock: 10, toHash: hash(10), headers: [{ number: 10, hash: hash(10), parentHash: hash(9), timestamp: time(10) }],
      transfers: [{ checkpoint: "0000000000000002" + "00000000" + "00000000", block: 2, txIndex: 0, logIndex: 0, txHash: hash(99), timestamp: time(2),
        from: "0x0000000000000000000000000000000000000000", to: "0x00000000000000000000000000000000000000c1", amount: 5n, kind: "mint", lot: null, reference: null }],
      events: [],
    });
    const before = asOf(await loadModel(store), { wallet: "0x00000000000000000000000000000000000000c1", block: 6 });
    expect(before.kind === "wallet" && [before.wallet.time, before.wallet.timeNote?.startsWith("block 6 holds no indexed event")]).to.deep.equal([null, true]);
    expect(await ensureBlockHeader(store, url, 6)).to.equal("fetched");
    expect(await store.headers(6, 6)).to.deep.equal([{ number: 6, hash: hash(6), parentHash: hash(5), timestamp: time(6) }]);
    const after = asOf(await loadModel(store), { wallet: "0x00000000000000000000000000000000000000c1", block: 6 });
    expect(after.kind === "wallet" && [after.wallet.time, after.wallet.timeNote]).to.deep.equal([time(6), null]);
    expect(await ensureBlockHeader(store, url, 6)).to.equal("stored");
    expect(asked).to.deep.equal([6]);
    expect(await ensureBlockHeader(store, url, 12)).to.deep.equal({ unknown: "block 12 is above the indexed position 10" });
    expect(await ensureBlockHeader(store, "http://127.0.0.1:1", 7)).to.satisfy((r: { unknown?: string }) => /^the header of block 7 is not stored and the node could not be asked: cannot reach/.test(r.unknown ?? ""));
    // A node of another chain is not asked for the block: its block 8 is not this chain's.
    await store.setMeta("deployment", JSON.stringify({ chainId: 1, token: "0x00000000000000000000000000000000000000aa", reserveRegistry: "0x00000000000000000000000000000000000000bb", startBlock: 1 }));
    expect(await ensureBlockHeader(store, url, 8)).to.deep.equal({ unknown: `the node at ${url} is chain 31337, the index is of chain 1` });
    expect(asked).to.deep.equal([6]);
    await store.close();
  });
});
