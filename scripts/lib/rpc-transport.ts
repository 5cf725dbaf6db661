/**
 * The CLI's JSON-RPC transport: viem's `http` transport, re-done over Node's own `node:http`/`node:https` with
 * keep-alive, instead of `fetch`.
 *
 * Why: viem's `http` builds a `fetch` `Request` for every call, and the first one loads undici, Node's fetch
 * (about 20 ms of a CLI run whose whole budget is a few tens of ms). `node:http` is part of Node's start-up
 * snapshot path and costs next to nothing.
 *
 * What stays the same as viem's `http` (the CLI used `http(url, …)` before; test/cli/transport.test.ts runs each
 * case against both):
 * - a JSON-RPC request per call, or one batch for the calls made in the same turn (`batch`);
 * - the errors: a connection failure is viem's `HttpRequestError` with the socket error as its cause
 *   (ECONNREFUSED, ECONNRESET…), an HTTP error status an `HttpRequestError` with `status`, no answer within
 *   `timeout` viem's `TimeoutError`, a JSON-RPC error the `RpcRequestError` that viem turns into its RPC error
 *   classes; so the SDK's named errors (RpcConnectionError, RpcTimeoutError, RpcUnavailableError), the CLI's
 *   one-line messages and its retry lines (scripts/lib/retry.ts) see what they saw;
 * - retries: viem's own (`retryCount`, `retryDelay`), which decide on those same errors;
 * - the response size limit (`ResponseBodyTooLargeError`, 10 MiB by default).
 *
 * This module is the CLI's, not the SDK's: the SDK (src/sdk) stays free of Node-only imports and takes any
 * viem transport.
 */
import type { Agent as HttpAgent, ClientRequest, IncomingMessage, RequestOptions } from "node:http";
import {
  HttpRequestError,
  ResponseBodyTooLargeError,
  RpcRequestError,
  TimeoutError,
  createTransport,
  http,
  stringify,
  type EIP1193RequestFn,
  type HttpTransportConfig,
  type Transport,
} from "viem";

/** Options of {@link rpcTransport}: those of viem's `http` that the CLI uses. */
export interface RpcTransportConfig {
  /** Send the calls made in the same turn as one JSON-RPC batch; `batchSize` caps a batch (default 1 000). */
  batch?: boolean | { batchSize?: number; wait?: number } | undefined;
  /** Retries of a failed request (viem's rules decide which failures); default: the client's (3). */
  retryCount?: number | undefined;
  /** Base delay between retries, doubled each time (ms); default 150. */
  retryDelay?: number | undefined;
  /** Time allowed for one HTTP exchange, request to the last byte of the answer (ms); default 10 000. */
  timeout?: number | undefined;
  /** Largest answer accepted (bytes), or false for no limit; default 10 MiB. */
  maxResponseBodySize?: number | false | undefined;
}

/** The default response size limit, viem's. */
const MAX_RESPONSE_BODY_SIZE = 10_485_760;

type RpcBody = { method: string; params?: unknown; id?: number };
type RpcAnswer = { jsonrpc?: string; id?: number; result?: unknown; error?: { code: number; message: string; data?: unknown } };

/**
 * A viem transport over `node:http`/`node:https` with keep-alive (module doc above). Other URL schemes (ws://)
 * get viem's `http` transport, as before.
 *
 * @param url - The JSON-RPC URL (http or https; user:password in it becomes Basic authentication).
 * @param config - Batching, retries, timeout, size limit.
 * @returns The transport, for `createClient`/`createPublicClient` or the SDK's `createLedgerClient({ transport })`.
 * @example
 * const client = createPublicClient({ transport: rpcTransport("http://127.0.0.1:8545", { retryCount: 0 }) });
 */
export function rpcTransport(url: string, config: RpcTransportConfig = {}): Transport {
  if (!/^https?:/i.test(url)) return http(url, config as HttpTransportConfig);
  // Errors name the URL as viem's do: normalised, without the user:password it may carry.
  const named = new URL(url);
  named.username = "";
  named.password = "";
  const shownUrl = named.toString();
  const { batch, retryDelay, maxResponseBodySize = MAX_RESPONSE_BODY_SIZE } = config;
  const { batchSize = 1_000, wait = 0 } = typeof batch === "object" ? batch : {};
  // One queue for every client made from this transport: their calls of the same turn share a batch.
  let queue: { body: RpcBody; resolve: (a: RpcAnswer) => void; reject: (e: unknown) => void }[] = [];
  let nextId = 1;
  return ({ retryCount: clientRetryCount, timeout: clientTimeout } = {}) => {
    const retryCount = config.retryCount ?? clientRetryCount;
    const timeout = clientTimeout ?? config.timeout ?? 10_000;
    const send = (body: RpcBody | RpcBody[], signal?: AbortSignal) => post(url, shownUrl, body, { timeout, maxResponseBodySize, signal });

    const flush = () => {
      const jobs = queue;
      queue = [];
      if (jobs.length === 0) return;
      send(jobs.map((j) => j.body)).then(
        (answers) => {
          const list = Array.isArray(answers) ? (answers as RpcAnswer[]) : undefined;
          const byId = new Map(list?.map((a) => [a.id, a]));
          for (const job of jobs) {
            const answer = byId.get(job.body.id);
            if (answer !== undefined) job.resolve(answer);
            // A node that does not do batches answers the whole request with one error.
            else if (!list && (answers as RpcAnswer)?.error) job.resolve({ error: (answers as RpcAnswer).error });
            else job.reject(new HttpRequestError({ body: job.body, details: `no answer for request id ${job.body.id} in the batch`, url: shownUrl }));
          }
        },
        (error) => {
          for (const job of jobs) job.reject(error);
        },
      );
    };
    const schedule = (body: RpcBody) =>
      new Promise<RpcAnswer>((resolve, reject) => {
        if (queue.length >= batchSize) flush();
        queue.push({ body, resolve, reject });
        if (queue.length === 1) setTimeout(flush, wait);
      });

    return createTransport(
      {
        key: "http",
        name: "HTTP JSON-RPC (node:http)",
        type: "http",
        retryCount,
        retryDelay,
        timeout,
        request: (async ({ method, params }: { method: string; params?: unknown }, options?: { signal?: AbortSignal }) => {
          const body: RpcBody = { method, params, id: nextId++ };
          const answer = batch && !options?.signal ? await schedule(body) : ((await send(body, options?.signal)) as RpcAnswer);
          if (answer.error) throw new RpcRequestError({ body, error: answer.error, url: shownUrl });
          return answer.result;
        }) as EIP1193RequestFn,
      },
      { url: shownUrl },
    );
  };
}

/** Keep-alive agents, one per protocol, made on first use. */
const agents: { "http:"?: HttpAgent; "https:"?: HttpAgent } = {};

/** The socket errors Node raises while connecting or exchanging, with the code the retry rules look for. */
function socketError(error: unknown): unknown {
  // Happy Eyeballs (a name with IPv4 and IPv6 addresses) fails with an AggregateError of one error per address.
  const e = error as { code?: unknown; errors?: { code?: unknown; message?: string }[]; message?: string };
  if (e && e.code === undefined && Array.isArray(e.errors) && e.errors.length > 0) {
    return Object.assign(new Error(e.errors.map((x) => x.message).join("; "), { cause: error }), { code: e.errors[0]!.code, errors: e.errors });
  }
  return error;
}

/**
 * One HTTP POST of a JSON-RPC request or batch; resolves with the parsed answer. Errors as viem's HTTP client
 * raises them (module doc).
 */
function post(
  url: string,
  shownUrl: string,
  body: RpcBody | RpcBody[],
  options: { timeout: number; maxResponseBodySize: number | false; signal?: AbortSignal | undefined },
): Promise<unknown> {
  const json = stringify(Array.isArray(body) ? body.map((b) => ({ jsonrpc: "2.0", ...b })) : { jsonrpc: "2.0", ...body });
  const target = new URL(url);
  const protocol = target.protocol as "http:" | "https:";
  const mod = process.getBuiltinModule(protocol === "https:" ? "node:https" : "node:http") as typeof import("node:http");
  const agent = (agents[protocol] ??= new mod.Agent({ keepAlive: true }));
  const payload = Buffer.from(json);
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let req: ClientRequest | undefined;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      req?.destroy();
      if (error instanceof TimeoutError || error instanceof ResponseBodyTooLargeError || error instanceof HttpRequestError) reject(error);
      else if (options.signal?.aborted) reject(options.signal.reason);
      else reject(new HttpRequestError({ body: body as never, cause: socketError(error) as Error, url: shownUrl }));
    };
    const done = (value: unknown) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve(value);
    };
    const requestOptions: RequestOptions = {
      method: "POST",
      agent,
      headers: { "Content-Type": "application/json", "Content-Length": payload.length },
      signal: options.signal,
    };
    if (target.username || target.password) {
      requestOptions.auth = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
      target.username = "";
      target.password = "";
    }
    req = mod.request(target, requestOptions, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const declared = Number(res.headers["content-length"]);
      if (options.maxResponseBodySize !== false && declared > options.maxResponseBodySize) {
        return fail(new ResponseBodyTooLargeError({ maxSize: options.maxResponseBodySize, size: declared }));
      }
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (options.maxResponseBodySize !== false && size > options.maxResponseBodySize) {
          fail(new ResponseBodyTooLargeError({ maxSize: options.maxResponseBodySize, size }));
          return;
        }
        chunks.push(chunk);
      });
      res.on("error", fail);
      res.on("end", () => {
        if (settled) return;
        const text = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        let data: unknown;
        try {
          data = JSON.parse(text || "{}");
        } catch (error) {
          if (ok) return fail(error);
          data = { error: text };
        }
        if (!ok) {
          const error = (data as RpcAnswer).error;
          // A JSON-RPC error carried by an HTTP error status goes the JSON-RPC way, as with viem.
          if (typeof error?.code === "number" && typeof error?.message === "string") return done(data);
          return fail(new HttpRequestError({ body: body as never, details: stringify(error) || res.statusMessage || `HTTP ${status}`, status, url: shownUrl }));
        }
        done(data);
      });
    });
    req.on("socket", (socket) => socket.setNoDelay(true));
    req.on("error", fail);
    if (options.timeout > 0) timer = setTimeout(() => fail(new TimeoutError({ body: body as never, url: shownUrl })), options.timeout);
    req.end(payload);
  });
}
