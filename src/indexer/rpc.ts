/**
 * A minimal JSON-RPC client for the indexer: standard methods only, over node:http(s) with a keep-alive agent,
 * with batching, a timeout, and errors that say whether retrying can help. No response-size limit: sync shrinks its block ranges
 * instead (TOOLCHAIN.md: viem caps bodies at 10 MiB).
 */

import http from "node:http";
import https from "node:https";

/** Why an RPC call failed. */
export type RpcFailure = "unreachable" | "timeout" | "http" | "rpc" | "too-large" | "malformed";

/** An RPC call failed. `retryable` says whether the same call may succeed later (node down, timeout, 5xx). */
export class IndexerRpcError extends Error {
  override readonly name = "IndexerRpcError";
  readonly failure: RpcFailure;
  readonly retryable: boolean;
  constructor(failure: RpcFailure, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.failure = failure;
    this.retryable = retryable;
  }
}

/** One call of a batch. */
export interface RpcCall {
  method: string;
  params: unknown[];
}

interface RpcResponse {
  id: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

const TOO_LARGE = /(more than \d+ results|response size|too many|limit exceeded|range too large|block range|exceed)/i;

/** A request that got no complete answer in time. */
class RequestTimeout extends Error {}

/**
 * Keep-alive agents shared by every client of this process: one connection is reused poll after poll. Node's
 * `fetch` (undici) was used before: a follower polling twice a second kept 2–3× the resident memory of this
 * client (a V8 heap sized for its allocations, plus native buffers) and drifted upward for many minutes.
 * Idle sockets are unreferenced by the agent, so they never keep a process alive.
 */
const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/** POSTs a JSON body; resolves with the status and the whole body, or rejects (RequestTimeout after `timeoutMs`). */
function postJson(url: string, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (error) {
      reject(error as Error);
      return;
    }
    const secure = target.protocol === "https:";
    const request = (secure ? https : http).request(
      target,
      { method: "POST", agent: secure ? agents.https : agents.http, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", (error) => {
          clearTimeout(timer);
          reject(error);
        });
      },
    );
    const timer = setTimeout(() => request.destroy(new RequestTimeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}

/** JSON-RPC over HTTP. */
export class JsonRpc {
  readonly url: string;
  readonly #timeoutMs: number;
  #id = 0;

  /**
   * @param url - the node's HTTP JSON-RPC endpoint.
   * @param options.timeoutMs - per request (default 60 s).
   */
  constructor(url: string, options: { timeoutMs?: number } = {}) {
    this.url = url;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  async #post(body: string): Promise<unknown> {
    let status: number;
    let text: string;
    try {
      ({ status, text } = await postJson(this.url, body, this.#timeoutMs));
    } catch (error) {
      const timeout = error instanceof RequestTimeout;
      throw new IndexerRpcError(
        timeout ? "timeout" : "unreachable",
        timeout ? `${this.url} did not answer within ${this.#timeoutMs} ms` : `cannot reach ${this.url}: ${(error as Error).message}`,
        true,
        { cause: error },
      );
    }
    if (status < 200 || status > 299) {
      const large = status === 413 || TOO_LARGE.test(text);
      throw new IndexerRpcError(large ? "too-large" : "http", `${this.url} answered HTTP ${status}: ${text.slice(0, 200)}`, large || status >= 500);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new IndexerRpcError("malformed", `${this.url} sent a body that is not JSON (${text.length} bytes)`, true, { cause: error });
    }
  }

  static #unwrap(method: string, r: RpcResponse): unknown {
    if (r.error !== undefined) {
      const large = r.error.code === -32005 || TOO_LARGE.test(r.error.message);
      throw new IndexerRpcError(large ? "too-large" : "rpc", `${method} failed: ${r.error.message} (code ${r.error.code})`, large);
    }
    return r.result;
  }

  /**
   * Calls one method.
   * @throws IndexerRpcError
   */
  async call<T>(method: string, params: unknown[] = []): Promise<T> {
    const id = ++this.#id;
    const body = await this.#post(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return JsonRpc.#unwrap(method, body as RpcResponse) as T;
  }

  /**
   * Calls several methods in one HTTP request (a JSON-RPC batch); results come back in call order.
   * @throws IndexerRpcError for the first failed call.
   */
  async batch<T>(calls: readonly RpcCall[]): Promise<T[]> {
    if (calls.length === 0) return [];
    const first = this.#id + 1;
    this.#id += calls.length;
    const body = await this.#post(JSON.stringify(calls.map((c, i) => ({ jsonrpc: "2.0", id: first + i, method: c.method, params: c.params }))));
    if (!Array.isArray(body)) throw new IndexerRpcError("malformed", `${this.url} answered a batch with a single response`, true);
    const byId = new Map((body as RpcResponse[]).map((r) => [r.id, r]));
    return calls.map((c, i) => {
      const r = byId.get(first + i);
      if (r === undefined) throw new IndexerRpcError("malformed", `${this.url} left call ${c.method} of a batch unanswered`, true);
      return JsonRpc.#unwrap(c.method, r) as T;
    });
  }
}

/** Hex quantity → number. */
export function hexToNumber(hex: string): number {
  return Number.parseInt(hex, 16);
}

/** Number → hex quantity. */
export function numberToHex(n: number): string {
  return `0x${n.toString(16)}`;
}
