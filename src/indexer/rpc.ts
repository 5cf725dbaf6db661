/**
 * A minimal JSON-RPC client for the indexer: standard methods only, over fetch, with batching, a timeout,
 * and errors that say whether retrying can help. No response-size limit: sync shrinks its block ranges
 * instead (TOOLCHAIN.md: viem caps bodies at 10 MiB).
 */

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
    let res: Response;
    try {
      res = await fetch(this.url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (error) {
      const timeout = (error as Error).name === "TimeoutError";
      throw new IndexerRpcError(
        timeout ? "timeout" : "unreachable",
        timeout ? `${this.url} did not answer within ${this.#timeoutMs} ms` : `cannot reach ${this.url}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`,
        true,
        { cause: error },
      );
    }
    const text = await res.text();
    if (!res.ok) {
      const large = res.status === 413 || TOO_LARGE.test(text);
      throw new IndexerRpcError(large ? "too-large" : "http", `${this.url} answered HTTP ${res.status}: ${text.slice(0, 200)}`, large || res.status >= 500);
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
