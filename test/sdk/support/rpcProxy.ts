/**
 * A loopback JSON-RPC proxy in front of one node that misbehaves the way a load-balanced fleet of lagging nodes
 * does, for the pipeline's fault tests.
 *
 * - **Views.** Each JSON-RPC call is routed to one of `views` (a balancer in front of several nodes). A view
 *   `lag` blocks behind serves the chain as of `head - lag`: its block number, `latest`/`pending` nonce, logs and
 *   blocks stop there; it has no receipt and does not know a transaction mined after that block; a state read at
 *   a later block fails ("header not found"), as a real lagging node does.
 * - **Faults**, each a probability:
 *   - `lostSend`: a raw transaction is not forwarded, yet answered with its hash (lost on the way);
 *   - `falseNonceTooLow`: a send is answered "nonce too low", forwarded or not (half each);
 *   - `dropAfterSend`: a send is forwarded, then the whole HTTP response is dropped (the socket closed);
 *   - `withholdReceipt`: a receipt lookup answers null although the view has it;
 *   - `withholdLogs`: an `eth_getLogs` answers an empty list (an index that has not caught up);
 *   - `delay`: the response is held back up to `maxDelayMs`.
 *
 * Every decision is drawn from the seed and the call's content and occurrence (the k-th send of these bytes,
 * the k-th lookup of this hash), not from timing, so a seed replays the same fate for the same transaction.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { keccak256, type Hex } from "viem";

/** Anything with an EIP-1193 `request`: the in-process Hardhat provider, or a fetch wrapper for a node. */
export type Upstream = { request: (args: { method: string; params?: readonly unknown[] }) => Promise<unknown> };

/** Probabilities of each injected fault (0 when omitted). */
export type Faults = {
  lostSend?: number;
  falseNonceTooLow?: number;
  dropAfterSend?: number;
  withholdReceipt?: number;
  withholdLogs?: number;
  delay?: number;
  maxDelayMs?: number;
};

/** What the proxy did, for the test's report and its assertions. */
export type ProxyStats = {
  calls: Record<string, number>;
  injected: Record<"lostSend" | "falseNonceTooLow" | "dropAfterSend" | "withholdReceipt" | "withholdLogs" | "delay" | "lagged", number>;
  /** Every raw transaction the client handed to this proxy, in arrival order (lost ones included). */
  sends: Hex[];
};

export type RpcProxy = { url: string; stats: ProxyStats; stop: () => Promise<void> };

type Call = { jsonrpc: "2.0"; id: number | string | null; method: string; params?: unknown[] };
type Answer = { jsonrpc: "2.0"; id: Call["id"]; result?: unknown; error?: { code: number; message: string; data?: unknown } };

class RpcFault extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const hex = (n: bigint) => `0x${n.toString(16)}`;

/**
 * Starts the proxy on a free loopback port.
 *
 * @param upstream - the node.
 * @param options - seed, views (`lag` in blocks; one view per node behind the balancer) and fault rates.
 * @returns its URL, live statistics and `stop()`.
 */
export async function startRpcProxy(upstream: Upstream, options: { seed: number; name?: string; views?: readonly { lag: number }[]; faults?: Faults }): Promise<RpcProxy> {
  const views = options.views ?? [{ lag: 0 }];
  const faults = options.faults ?? {};
  const name = options.name ?? "proxy";
  const stats: ProxyStats = { calls: {}, injected: { lostSend: 0, falseNonceTooLow: 0, dropAfterSend: 0, withholdReceipt: 0, withholdLogs: 0, delay: 0, lagged: 0 }, sends: [] };
  const occurrences = new Map<string, number>();

  /** A number in [0, 1) fixed by the seed, the key, and how many times this key was asked before. */
  function fate(key: string): number {
    const k = occurrences.get(key) ?? 0;
    occurrences.set(key, k + 1);
    const digest = createHash("sha256").update(`${options.seed}|${name}|${key}|${k}`).digest();
    return digest.readUIntBE(0, 6) / 2 ** 48;
  }
  /** Several independent fates from one draw of the key (one occurrence). */
  function fates(key: string, n: number): number[] {
    const first = fate(key);
    return Array.from({ length: n }, (_, i) => (i === 0 ? first : createHash("sha256").update(`${first}|${i}`).digest().readUIntBE(0, 6) / 2 ** 48));
  }

  const ask = (method: string, params: unknown[] = []) => upstream.request({ method, params });

  async function handle(call: Call, drop: { now: boolean }, delayMs: { value: number }): Promise<unknown> {
    const params = call.params ?? [];
    stats.calls[call.method] = (stats.calls[call.method] ?? 0) + 1;
    const [route, fault, extra] = fates(`${call.method}|${JSON.stringify(params)}`, 3) as [number, number, number];
    if (fault < (faults.delay ?? 0)) {
      stats.injected.delay++;
      delayMs.value = Math.max(delayMs.value, Math.floor(extra * (faults.maxDelayMs ?? 50)));
    }
    if (call.method === "eth_sendRawTransaction") {
      const raw = params[0] as Hex;
      stats.sends.push(raw);
      const [f, half] = fates(`send|${raw}`, 2) as [number, number];
      const lost = faults.lostSend ?? 0;
      const tooLow = lost + (faults.falseNonceTooLow ?? 0);
      const dropped = tooLow + (faults.dropAfterSend ?? 0);
      if (f < lost) {
        stats.injected.lostSend++;
        return keccak256(raw);
      }
      if (f < tooLow) {
        stats.injected.falseNonceTooLow++;
        if (half < 0.5) await ask(call.method, params).catch(() => undefined);
        throw new RpcFault(-32000, "nonce too low");
      }
      if (f < dropped) {
        stats.injected.dropAfterSend++;
        drop.now = true;
      }
      return ask(call.method, params);
    }
    if (call.method === "eth_getTransactionReceipt" && fault < (faults.withholdReceipt ?? 0)) {
      stats.injected.withholdReceipt++;
      return null;
    }
    if (call.method === "eth_getLogs" && fault < (faults.withholdLogs ?? 0)) {
      stats.injected.withholdLogs++;
      return [];
    }
    const view = views[Math.floor(route * views.length)]!;
    if (view.lag === 0) return ask(call.method, params);
    stats.injected.lagged++;
    return lagged(call.method, params, view.lag);
  }

  /** One call answered by a node `lag` blocks behind the head. */
  async function lagged(method: string, params: unknown[], lag: number): Promise<unknown> {
    const head = BigInt((await ask("eth_blockNumber")) as Hex);
    const viewHead = head > BigInt(lag) ? head - BigInt(lag) : 0n;
    const at = (tag: unknown): bigint => {
      if (tag === undefined || tag === "latest" || tag === "pending" || tag === "safe" || tag === "finalized") return viewHead;
      if (tag === "earliest") return 0n;
      const n = BigInt(tag as Hex);
      if (n > viewHead) throw new RpcFault(-32000, `header not found (this node is at block ${viewHead})`);
      return n;
    };
    switch (method) {
      case "eth_blockNumber":
        return hex(viewHead);
      case "eth_getTransactionCount":
      case "eth_getBalance":
      case "eth_getCode":
        return ask(method, [params[0], hex(at(params[1]))]);
      case "eth_call":
        return ask(method, [params[0], hex(at(params[1]))]);
      case "eth_getBlockByNumber": {
        const tag = params[0];
        const n = tag === "latest" || tag === "pending" ? viewHead : BigInt(tag as Hex);
        return n > viewHead ? null : ask(method, [hex(n), params[1]]);
      }
      case "eth_getTransactionReceipt": {
        const receipt = (await ask(method, params)) as { blockNumber: Hex } | null;
        return receipt && BigInt(receipt.blockNumber) <= viewHead ? receipt : null;
      }
      case "eth_getTransactionByHash": {
        const tx = (await ask(method, params)) as { blockNumber: Hex | null } | null;
        return tx && tx.blockNumber !== null && BigInt(tx.blockNumber) <= viewHead ? tx : null;
      }
      case "eth_getLogs": {
        const filter = { ...(params[0] as { fromBlock?: string; toBlock?: string }) };
        const to = filter.toBlock === undefined || filter.toBlock === "latest" ? viewHead : BigInt(filter.toBlock) > viewHead ? viewHead : BigInt(filter.toBlock);
        if (filter.fromBlock !== undefined && BigInt(filter.fromBlock) > to) return [];
        return ask(method, [{ ...filter, toBlock: hex(to) }]);
      }
      default:
        return ask(method, params);
    }
  }

  async function answer(call: Call, drop: { now: boolean }, delayMs: { value: number }): Promise<Answer> {
    try {
      return { jsonrpc: "2.0", id: call.id, result: (await handle(call, drop, delayMs)) ?? null };
    } catch (error) {
      const e = error as { code?: unknown; message?: unknown; data?: unknown };
      const code = typeof e.code === "number" ? e.code : -32603;
      return { jsonrpc: "2.0", id: call.id, error: { code, message: String(e.message ?? error), ...(e.data === undefined ? {} : { data: e.data }) } };
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as Call | Call[];
      const drop = { now: false };
      const delayMs = { value: 0 };
      // A batch is processed in order (a node executes a batch's sends one after the other).
      const answers: Answer[] = [];
      for (const call of Array.isArray(body) ? body : [body]) answers.push(await answer(call, drop, delayMs));
      if (delayMs.value > 0) await new Promise((resolve) => setTimeout(resolve, delayMs.value));
      if (drop.now) {
        req.socket.destroy(); // forwarded, but the answer never arrives
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(Array.isArray(body) ? answers : answers[0]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stats,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
