import { expect } from "chai";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { http, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  createLedgerClient,
  getRpcError,
  LedgerError,
  RpcConnectionError,
  RpcError,
  RpcTimeoutError,
  RpcUnavailableError,
  toLedgerError,
  type LedgerDeployment,
} from "@goods-ledger/sdk";
import { rejectionOf } from "./helpers.js";

const deployment: LedgerDeployment = {
  chainId: 31337,
  contracts: { token: "0x5FbDB2315678afecb367f032d93F642f64180aa3", reserveRegistry: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" },
};
const account = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

/** Starts an HTTP server on a free loopback port; the handler decides how it (mis)behaves. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * A scripted node that answers everything a write needs (chain id, nonce, gas, fees) and hands
 * `eth_sendRawTransaction` to `onSend`, which decides how the send misbehaves.
 */
function serveWrites(onSend: (res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const results: Record<string, unknown> = {
    eth_chainId: "0x7a69",
    eth_getTransactionCount: "0x0",
    eth_estimateGas: "0x5208",
    eth_maxPriorityFeePerGas: "0x1",
    eth_getBlockByNumber: { baseFeePerGas: "0x1", number: "0x1", hash: `0x${"1".repeat(64)}`, timestamp: "0x1", transactions: [] },
  };
  return serve((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const request = JSON.parse(body) as { id: number; method: string };
      if (request.method === "eth_sendRawTransaction") return onSend(res);
      if (!(request.method in results)) {
        res.end(JSON.stringify({ jsonrpc: "2.0", id: request.id, error: { code: -32601, message: "not here" } }));
        return;
      }
      res.end(JSON.stringify({ jsonrpc: "2.0", id: request.id, result: results[request.method] }));
    });
  });
}

/** A free port with nothing listening on it. */
async function closedPort(): Promise<string> {
  const { url, server } = await serve(() => undefined);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

describe("sdk RPC errors", function () {
  const servers: Server[] = [];
  afterEach(async function () {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  it("connection refused → RpcConnectionError, retryable", async function () {
    const url = await closedPort();
    const client = createLedgerClient({ deployment, transport: http(url, { retryCount: 0 }) });
    const error = await rejectionOf(client.getBalance({ account: zeroAddress }));
    expect(error).to.be.instanceOf(RpcConnectionError);
    expect((error as RpcConnectionError).retryable).to.equal(true);
    expect((error as RpcConnectionError).shortMessage).to.include(url);
  });

  it("no answer in time on a read → RpcTimeoutError, retryable", async function () {
    const { url, server } = await serve(() => undefined);
    servers.push(server);
    const client = createLedgerClient({ deployment, transport: http(url, { retryCount: 0, timeout: 200 }) });
    const error = await rejectionOf(client.getBalance({ account: zeroAddress }));
    expect(error).to.be.instanceOf(RpcTimeoutError);
    expect((error as RpcTimeoutError).retryable).to.equal(true);
    expect((error as RpcTimeoutError).method).to.equal("eth_call");
  });

  it("no answer in time while sending a transaction → RpcTimeoutError, NOT retryable", async function () {
    // Answers everything a write needs except the send itself, which hangs.
    const { url, server } = await serveWrites(() => undefined);
    servers.push(server);
    const client = createLedgerClient({ deployment, account, transport: http(url, { retryCount: 0, timeout: 300 }) });
    const error = await rejectionOf(client.transfer({ to: zeroAddress, amount: "1" }));
    expect(error).to.be.instanceOf(RpcTimeoutError);
    expect((error as RpcTimeoutError).method).to.equal("eth_sendRawTransaction");
    expect((error as RpcTimeoutError).retryable).to.equal(false);
    expect((error as RpcTimeoutError).message).to.include("NOT safe");
  });

  it("connection dropped after a transaction was sent → RpcConnectionError, NOT retryable; refused → retryable", async function () {
    // Reads are answered; the send is received, then the socket is cut before any answer.
    const { url, server } = await serveWrites((res) => void res.socket?.destroy());
    servers.push(server);
    const client = createLedgerClient({ deployment, account, transport: http(url, { retryCount: 0 }) });
    const error = await rejectionOf(client.transfer({ to: zeroAddress, amount: "1" }));
    expect(error).to.be.instanceOf(RpcConnectionError);
    expect((error as RpcConnectionError).method).to.equal("eth_sendRawTransaction");
    expect((error as RpcConnectionError).retryable).to.equal(false);
    expect((error as RpcConnectionError).message).to.include("NOT safe");

    const refused = await closedPort();
    const sender = createLedgerClient({ deployment, account, transport: http(refused, { retryCount: 0 }) });
    const raw = await account.signTransaction({ chainId: 31337, nonce: 0, to: zeroAddress, gas: 21_000n, gasPrice: 1n });
    const refusal = toLedgerError(await rejectionOf(sender.request({ method: "eth_sendRawTransaction", params: [raw] })));
    expect(refusal).to.be.instanceOf(RpcConnectionError);
    expect((refusal as RpcConnectionError).method).to.equal("eth_sendRawTransaction");
    expect((refusal as RpcConnectionError).retryable).to.equal(true);
  });

  it("HTTP 503 → RpcUnavailableError, retryable; HTTP 400 → not retryable", async function () {
    for (const [status, retryable] of [[503, true], [400, false]] as const) {
      const { url, server } = await serve((_req, res) => {
        res.statusCode = status;
        res.end("busy");
      });
      servers.push(server);
      const client = createLedgerClient({ deployment, transport: http(url, { retryCount: 0 }) });
      const error = await rejectionOf(client.isPaused());
      expect(error).to.be.instanceOf(RpcUnavailableError);
      expect((error as RpcUnavailableError).status).to.equal(status);
      expect((error as RpcUnavailableError).retryable).to.equal(retryable);
    }
  });

  it("getRpcError leaves non-transport errors alone, and toLedgerError wraps them", function () {
    const plain = new Error("something else");
    expect(getRpcError(plain)).to.equal(undefined);
    const wrapped = toLedgerError(plain);
    expect(wrapped).to.be.instanceOf(LedgerError);
    expect(wrapped).to.not.be.instanceOf(RpcError);
    expect(wrapped.cause).to.equal(plain);
    expect(wrapped.shortMessage).to.equal("something else");
  });
});

describe("sdk LedgerError", function () {
  it("carries shortMessage, details from its cause, and walks the cause chain", function () {
    const root = new Error("ECONNRESET");
    const middle = new LedgerError("node went away", { cause: root });
    const top = new LedgerError("could not transfer", { cause: middle, metaMessages: ["To: 0xabc"] });
    expect(top.shortMessage).to.equal("could not transfer");
    expect(middle.details).to.equal("ECONNRESET");
    expect(top.details).to.equal("ECONNRESET");
    expect(top.message).to.equal("could not transfer\n\nTo: 0xabc\n\nDetails: ECONNRESET");
    expect(top.walk()).to.equal(root);
    expect(top.walk((e) => e === middle)).to.equal(middle);
    expect(top.walk((e) => e instanceof TypeError)).to.equal(null);
  });

  it("createLedgerClient refuses a deployment without a chain id or contract address", function () {
    expect(() => createLedgerClient({ deployment: { ...deployment, chainId: 0 }, rpcUrl: "http://127.0.0.1:1" })).to.throw(LedgerError, /chainId/);
    expect(() =>
      createLedgerClient({ deployment: { ...deployment, contracts: { ...deployment.contracts, token: "0x12" as never } }, rpcUrl: "http://127.0.0.1:1" }),
    ).to.throw(LedgerError, /contracts.token/);
    expect(() => createLedgerClient({ deployment })).to.throw(LedgerError, /transport/);
  });
});
