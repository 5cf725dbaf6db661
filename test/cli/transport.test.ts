// The CLI's JSON-RPC transport over node:http (scripts/lib/rpc-transport.ts) against a fake node, each case run
// with viem's own `http` transport too: same batches, same errors, same SDK error classes, same CLI messages,
// same retry decisions. Plus what only ours does: one kept-alive connection for a run's requests.
import { expect } from "chai";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, http, type Client, type Transport } from "viem";
import { getBlockNumber, getChainId, sendRawTransaction } from "viem/actions";
import { describeError } from "../../scripts/lib/errors.js";
import { isUnreachable, withRetry } from "../../scripts/lib/retry.js";
import { rpcTransport } from "../../scripts/lib/rpc-transport.js";
import { RpcConnectionError, RpcTimeoutError, RpcUnavailableError, toLedgerError } from "@goods-ledger/sdk";

type Handler = (body: unknown, req: IncomingMessage, res: ServerResponse) => void;

/** A fake JSON-RPC node: counts HTTP requests and TCP connections; `handler` decides each answer. */
class FakeNode {
  server: Server;
  requests: unknown[] = [];
  connections = 0;
  handler: Handler = (body, _req, res) => FakeNode.answer(res, body);
  constructor() {
    this.server = createServer((req, res) => {
      let text = "";
      req.on("data", (d: Buffer) => (text += d.toString()));
      req.on("end", () => {
        const body = JSON.parse(text) as unknown;
        this.requests.push(body);
        this.handler(body, req, res);
      });
    });
    this.server.on("connection", () => this.connections++);
  }
  /** The standard answers: chain id 31337, block 0x10. */
  static answer(res: ServerResponse, body: unknown) {
    const one = (r: { id: number; method: string }) => ({ jsonrpc: "2.0", id: r.id, result: r.method === "eth_chainId" ? "0x7a69" : "0x10" });
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify(Array.isArray(body) ? body.map(one) : one(body as { id: number; method: string })));
  }
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop() {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const transports: [string, (url: string, config: { batch?: boolean; retryCount?: number; timeout?: number; maxResponseBodySize?: number }) => Transport][] = [
  ["viem http (before)", (url, config) => http(url, config)],
  ["rpcTransport (node:http)", (url, config) => rpcTransport(url, config)],
];

/** What a failure looks like to the SDK, the CLI's message and the CLI's retry rule. */
function seen(error: unknown, method: string) {
  const named = toLedgerError(error, method);
  return {
    viemError: (error as Error).name,
    sdkError: named.name,
    retryable: (named as { retryable?: boolean }).retryable,
    status: (named as { status?: number }).status,
    unreachable: isUnreachable(error),
    cli: describeError(named).message.replace(/:\d+/, ":PORT"),
  };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  expect.fail("expected the request to fail");
}

describe("cli: JSON-RPC transport over node:http (same behaviour as viem's http)", function () {
  this.timeout(60_000);
  let node: FakeNode;
  let url: string;
  beforeEach(async function () {
    node = new FakeNode();
    url = await node.start();
  });
  afterEach(async function () {
    await node.stop();
  });

  /** Runs `scenario` with each transport; returns their results, ours last. */
  async function both<T>(scenario: (make: (typeof transports)[number][1]) => Promise<T>): Promise<T[]> {
    const results: T[] = [];
    for (const [, make] of transports) {
      node.requests = [];
      results.push(await scenario(make));
    }
    return results;
  }

  it("sends the calls of one turn as one batch, and answers each its own result", async function () {
    const [viem, ours] = await both(async (make) => {
      const client: Client = createClient({ transport: make(url, { batch: true }) });
      const answers = await Promise.all([getChainId(client), getBlockNumber(client, { cacheTime: 0 })]);
      return { answers, httpRequests: node.requests.length, batchSize: (node.requests[0] as unknown[]).length };
    });
    expect(ours).to.deep.equal({ answers: [31337, 16n], httpRequests: 1, batchSize: 2 });
    expect(ours).to.deep.equal(viem);
  });

  it("turns a JSON-RPC error into the same viem RPC error", async function () {
    node.handler = (body, _req, res) => {
      const b = body as { id: number };
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ jsonrpc: "2.0", id: b.id, error: { code: -32003, message: "transaction rejected: nonce too low" } }));
    };
    const [viem, ours] = await both(async (make) => {
      const error = await failure(getChainId(createClient({ transport: make(url, { retryCount: 0 }) })));
      return { name: (error as Error).name, short: (error as { shortMessage: string }).shortMessage, details: (error as { details: string }).details };
    });
    expect(ours.name).to.equal("TransactionRejectedRpcError");
    expect(ours.details).to.equal("transaction rejected: nonce too low");
    expect(ours).to.deep.equal(viem);
  });

  it("HTTP 503: RpcUnavailableError (retryable), retried retryCount times", async function () {
    node.handler = (_body, _req, res) => {
      res.statusCode = 503;
      res.end("overloaded");
    };
    const [viem, ours] = await both(async (make) => {
      const error = await failure(getChainId(createClient({ transport: make(url, { retryCount: 2 }) })));
      return { ...seen(error, "eth_chainId"), httpRequests: node.requests.length };
    });
    expect(ours).to.include({ viemError: "HttpRequestError", sdkError: "RpcUnavailableError", retryable: true, status: 503, httpRequests: 3 });
    expect(toLedgerError(await failure(getChainId(createClient({ transport: rpcTransport(url, { retryCount: 0 }) }))))).to.be.instanceOf(RpcUnavailableError);
    expect(ours).to.deep.equal(viem);
  });

  it("connection refused: RpcConnectionError (retryable), the CLI's 'cannot reach' line, retried by the bulk commands", async function () {
    await node.stop();
    const [viem, ours] = await both(async (make) => seen(await failure(getChainId(createClient({ transport: make(url, { retryCount: 0 }) }))), "eth_chainId"));
    expect(ours).to.include({ viemError: "HttpRequestError", sdkError: "RpcConnectionError", retryable: true, unreachable: true });
    expect(ours.cli).to.equal("cannot reach the JSON-RPC node at http://127.0.0.1:PORT/: connection refused (is `goods-ledger chain` running, or is --rpc-url right?)");
    expect(ours).to.deep.equal(viem);
    node = new FakeNode(); // afterEach stops it
    await node.start();
  });

  it("no answer in time: RpcTimeoutError, retryable for a read, not for a send", async function () {
    node.handler = () => {}; // never answers
    const [viem, ours] = await both(async (make) => {
      const client = createClient({ transport: make(url, { retryCount: 0, timeout: 300 }) });
      const read = seen(await failure(getChainId(client)), "eth_chainId");
      const send = seen(await failure(sendRawTransaction(client, { serializedTransaction: "0x02" })), "eth_sendRawTransaction");
      return { read, send };
    });
    expect(ours.read).to.include({ viemError: "TimeoutError", sdkError: "RpcTimeoutError", retryable: true, unreachable: true });
    expect(ours.send).to.include({ sdkError: "RpcTimeoutError", retryable: false });
    expect(ours).to.deep.equal(viem);
    expect(toLedgerError(await failure(getChainId(createClient({ transport: rpcTransport(url, { retryCount: 0, timeout: 200 }) }))))).to.be.instanceOf(RpcTimeoutError);
  });

  it("a connection dropped while sending a transaction: not retryable, 'may have been received'", async function () {
    node.handler = (_body, req) => req.socket.destroy();
    const [viem, ours] = await both(async (make) => {
      const client = createClient({ transport: make(url, { retryCount: 0 }) });
      const s = seen(await failure(sendRawTransaction(client, { serializedTransaction: "0x02" })), "eth_sendRawTransaction");
      return { sdkError: s.sdkError, retryable: s.retryable, unreachable: s.unreachable, mayHaveBeenReceived: s.cli.includes("may have been received") };
    });
    expect(ours).to.deep.equal({ sdkError: "RpcConnectionError", retryable: false, unreachable: true, mayHaveBeenReceived: true });
    expect(ours).to.deep.equal(viem);
    const dropped = toLedgerError(await failure(sendRawTransaction(createClient({ transport: rpcTransport(url, { retryCount: 0 }) }), { serializedTransaction: "0x02" })), "eth_sendRawTransaction");
    expect(dropped).to.be.instanceOf(RpcConnectionError);
  });

  it("refuses an answer above the size limit (ResponseBodyTooLargeError)", async function () {
    const [viem, ours] = await both(async (make) => (await failure(getChainId(createClient({ transport: make(url, { retryCount: 0, maxResponseBodySize: 10 }) })))) as Error);
    expect(ours.name).to.equal("ResponseBodyTooLargeError");
    expect(ours.name).to.equal(viem.name);
  });

  it("keeps one connection alive for a run's requests", async function () {
    const client = createClient({ transport: rpcTransport(url, { retryCount: 0 }) });
    for (let i = 0; i < 3; i++) expect(await getChainId(client)).to.equal(31337);
    expect(node.requests).to.have.length(3);
    expect(node.connections).to.equal(1);
  });

  it("a bulk command's retry lines while the node is down, then the work goes on", async function () {
    const port = new URL(url).port;
    await node.stop();
    const lines: string[] = [];
    const client = createClient({ transport: rpcTransport(url, { retryCount: 0 }) });
    const chainId = await withRetry("reading the chain id", () => getChainId(client), {
      retryFor: 30,
      report: (line) => {
        lines.push(line);
        if (lines.length === 2) {
          node = new FakeNode();
          void node.start(Number(port));
        }
      },
    });
    expect(chainId).to.equal(31337);
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^retry 1: reading the chain id failed: cannot reach the JSON-RPC node at http:\/\/127\.0\.0\.1:\d+\/: connection refused .*; next attempt in 1 s, giving up in 30 s \(--retry-for 30\); Ctrl-C stops/);
    expect(lines[1]).to.match(/^retry 2: .*next attempt in 2 s/);
  });
});
