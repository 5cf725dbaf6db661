/**
 * Sync against a scripted JSON-RPC node, for what a real dev node will not do on demand: refuse large ranges,
 * switch to another fork between two requests of one run, or be down.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { IndexerRpcError } from "../../src/indexer/rpc.js";
import { SqliteStore } from "../../src/indexer/store/sqlite.js";
import { Syncer, type SyncTarget } from "../../src/indexer/sync.js";
import { TRANSFER_TOPIC } from "../../src/indexer/decode.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TOKEN = "0x00000000000000000000000000000000000000aa";
const RESERVE = "0x00000000000000000000000000000000000000bb";
const hex = (n: number | bigint, bytes = 0) => (bytes === 0 ? `0x${n.toString(16)}` : `0x${n.toString(16).padStart(bytes * 2, "0")}`);

interface Block {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  /** Transfers in this block: [from, to, amount] (wallet numbers). */
  transfers: [number, number, number][];
}

/** A chain of `length` blocks on fork `fork`, sharing blocks below `from` with `base`. */
function chain(length: number, fork: string, base?: Block[], from = 0): Block[] {
  const blocks: Block[] = [];
  for (let n = 0; n < length; n++) {
    if (base && n < from) {
      blocks.push(base[n]!);
      continue;
    }
    const parentHash = n === 0 ? hex(0, 32) : blocks[n - 1]!.hash;
    const transfers: [number, number, number][] = n === 0 ? [] : [[n % 5, (n + 1) % 5, 1 + (n % 3)], [(n + 2) % 5, (n + 3) % 5, fork === "a" ? 10 : 20]];
    blocks.push({ number: n, hash: hex(BigInt(n) * 1000n + BigInt(fork.charCodeAt(0)), 32), parentHash, timestamp: 1_700_000_000 + n, transfers });
  }
  return blocks;
}

/** A JSON-RPC server over a mutable chain, refusing eth_getLogs ranges over `maxRange` blocks. */
class FakeNode {
  blocks: Block[];
  maxRange: number;
  requests: { method: string; params: unknown[] }[] = [];
  onGetLogs: ((count: number) => void) | undefined;
  #server: Server;
  #logsServed = 0;
  constructor(blocks: Block[], maxRange: number) {
    this.blocks = blocks;
    this.maxRange = maxRange;
    this.#server = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        const parsed = JSON.parse(body) as { id: number; method: string; params: unknown[] } | { id: number; method: string; params: unknown[] }[];
        const answer = Array.isArray(parsed) ? parsed.map((c) => this.#call(c)) : this.#call(parsed);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      });
    });
  }
  async listen(): Promise<string> {
    await new Promise<void>((r) => this.#server.listen(0, "127.0.0.1", () => r()));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }
  close(): Promise<void> {
    if (!this.#server.listening) return Promise.resolve();
    return new Promise((r) => this.#server.close(() => r()));
  }
  #call(c: { id: number; method: string; params: unknown[] }): unknown {
    this.requests.push({ method: c.method, params: c.params });
    const ok = (result: unknown) => ({ jsonrpc: "2.0", id: c.id, result });
    const head = this.blocks.length - 1;
    switch (c.method) {
      case "eth_chainId":
        return ok("0x7a69");
      case "eth_blockNumber":
        return ok(hex(head));
      case "eth_getBlockByNumber": {
        const b = this.blocks[Number(c.params[0])];
        return ok(b === undefined ? null : { number: hex(b.number), hash: b.hash, parentHash: b.parentHash, timestamp: hex(b.timestamp) });
      }
      case "eth_getLogs": {
        const { fromBlock, toBlock } = c.params[0] as { fromBlock: string; toBlock: string };
        const from = Number(fromBlock);
        const to = Number(toBlock);
        if (to - from + 1 > this.maxRange) return { jsonrpc: "2.0", id: c.id, error: { code: -32005, message: `query returned more than 10000 results; try a range of ${this.maxRange} blocks` } };
        this.onGetLogs?.(++this.#logsServed);
        const logs = this.blocks.slice(from, to + 1).flatMap((b) => b.transfers.map(([f, t, a], i) => ({
          address: TOKEN, topics: [TRANSFER_TOPIC, hex(0x100 + f, 32), hex(0x100 + t, 32)], data: hex(a, 32),
          blockNumber: hex(b.number), blockHash: b.hash, transactionHash: hex(b.number * 10 + i, 32), transactionIndex: hex(i), logIndex: hex(i), removed: false,
        })));
        return ok(logs);
      }
      default:
        return { jsonrpc: "2.0", id: c.id, error: { code: -32601, message: `no method ${c.method}` } };
    }
  }
}

/** Transfers of a chain as [block, amount] pairs, as the index should hold them. */
const expected = (blocks: Block[]) => blocks.flatMap((b) => b.transfers.map(([, , a]) => [b.number, BigInt(a)]));

describe("sync › against a scripted JSON-RPC node", function () {
  this.timeout(60_000);
  let dir: string;
  let node: FakeNode;
  let url: string;
  const target = (): SyncTarget => ({ rpcUrl: url, chainId: 31337, token: TOKEN, reserveRegistry: RESERVE, startBlock: 1 });
  const stored = async (store: SqliteStore) => (await store.transfers({ limit: 10_000 })).map((t) => [t.block, t.amount]);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "goods-ledger-fake-"));
  });
  afterEach(async () => {
    await node?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a node that refuses large ranges › ranges are halved until accepted; every log is indexed once, with the headers' timestamps", async function () {
    node = new FakeNode(chain(60, "a"), 5);
    url = await node.listen();
    const store = new SqliteStore(join(dir, "index.sqlite"));
    const report = await new Syncer(store, target(), { initialRange: 64, finalityDepth: 0 }).syncOnce();
    expect(report.toBlock).to.equal(59);
    expect(await stored(store)).to.deep.equal(expected(node.blocks.slice(1)));
    const refused = node.requests.filter((r) => r.method === "eth_getLogs" && (() => {
      const { fromBlock, toBlock } = r.params[0] as { fromBlock: string; toBlock: string };
      return Number(toBlock) - Number(fromBlock) + 1 > 5;
    })());
    expect(refused.length).to.be.greaterThan(0);
    const rows = await store.transfers({ limit: 1 });
    expect(rows[0]!.timestamp).to.equal(node.blocks[1]!.timestamp); // no blockTimestamp in these logs: from headers
    await store.close();
  });

  it("a reorg between two requests of one run › caught through parentHash/block hashes, rolled back, and the new fork indexed", async function () {
    const a = chain(40, "a");
    node = new FakeNode(a, 4);
    url = await node.listen();
    const store = new SqliteStore(join(dir, "index.sqlite"));
    // After the 6th eth_getLogs (blocks 1–24 fetched), the chain switches to fork b from block 20 on: the next
    // range's first block no longer has the indexed block 24 as its parent.
    node.onGetLogs = (count) => {
      if (count === 6) node.blocks = chain(42, "b", a, 20);
    };
    const reorgs: { from: number; to: number; depth: number }[] = [];
    const report = await new Syncer(store, target(), { initialRange: 4, maxRange: 4, finalityDepth: 30, onReorg: (r) => reorgs.push(r) }).syncOnce();
    expect(report.toBlock).to.equal(41);
    expect(await stored(store)).to.deep.equal(expected(node.blocks.slice(1)));
    expect(reorgs.length).to.equal(1);
    expect(reorgs[0]!.to).to.equal(19); // the common ancestor
    await store.close();
  });

  it("a node that is down › IndexerRpcError, retryable, naming the URL", async function () {
    node = new FakeNode(chain(3, "a"), 5);
    url = await node.listen();
    await node.close();
    const store = new SqliteStore(join(dir, "index.sqlite"));
    const error = await new Syncer(store, target()).syncOnce().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IndexerRpcError);
    expect([(error as IndexerRpcError).failure, (error as IndexerRpcError).retryable]).to.deep.equal(["unreachable", true]);
    expect((error as Error).message).to.contain(`cannot reach ${url}`);
    await store.close();
  });
});
