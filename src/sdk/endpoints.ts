import type { Address, Client, Hex } from "viem";
import { RpcTimeoutError } from "./errors/rpc.js";

/** One JSON-RPC endpoint of a client: its request function and, for HTTP, its URL. */
export type Endpoint = {
  request: (args: { method: string; params: unknown[] }, options?: { retryCount?: number }) => Promise<unknown>;
  url: string | undefined;
};

type TransportShape = {
  type?: string;
  url?: string;
  transports?: readonly { request: Endpoint["request"]; config?: { type?: string }; value?: { url?: string } }[];
};

/**
 * The endpoints behind a client: each transport of a viem `fallback([...])` transport, or the client's one
 * transport. The pipeline reads the account's nonce from every endpoint (and takes the maximum), and looks a
 * receipt up on every endpoint before it decides anything from its absence.
 *
 * @param client - a viem client.
 * @returns one endpoint per transport, the client's preferred one first.
 * @example
 * ```ts
 * const client = createLedgerClient({ deployment, transport: fallback([http(bankA), http(bankB)]), account });
 * endpointsOf(client).length; // 2
 * ```
 */
export function endpointsOf(client: Client): Endpoint[] {
  const transport = client.transport as TransportShape;
  if (transport.type === "fallback" && transport.transports && transport.transports.length > 0) {
    return transport.transports.map((t) => ({ request: (args, options) => t.request(args as never, options as never), url: t.value?.url }));
  }
  return [{ request: (args, options) => client.request(args as never, options as never), url: transport.url }];
}

/**
 * The first answer of every endpoint to one request, in endpoint order; an endpoint that fails gives its error.
 *
 * @param endpoints - the endpoints.
 * @param method - the JSON-RPC method.
 * @param params - its parameters.
 * @param timeoutMs - with several endpoints, count an endpoint that has not answered after this long as failed.
 * @returns one settled result per endpoint.
 * @example
 * ```ts
 * const answers = await askEvery(endpointsOf(client), "eth_blockNumber", []);
 * ```
 */
export function askEvery(endpoints: readonly Endpoint[], method: string, params: unknown[], timeoutMs?: number): Promise<PromiseSettledResult<unknown>[]> {
  return Promise.allSettled(endpoints.map((e) => within(e.request({ method, params }), endpoints.length > 1 ? timeoutMs : undefined, e, method)));
}

/**
 * A request that gives up after `timeoutMs` with an {@link RpcTimeoutError} (one slow endpoint must not hold up
 * the others' answers). Without a limit, the request as it is (its transport's own timeout applies).
 *
 * @param request - the request.
 * @param timeoutMs - the limit, or undefined.
 * @param endpoint - the endpoint, named in the error.
 * @param method - the JSON-RPC method, named in the error.
 * @returns the request's result.
 * @example
 * ```ts
 * const count = await within(endpoint.request({ method: "eth_blockNumber", params: [] }), 2_000, endpoint, "eth_blockNumber");
 * ```
 */
export function within<T>(request: Promise<T>, timeoutMs: number | undefined, endpoint?: Endpoint, method?: string): Promise<T> {
  if (timeoutMs === undefined) return request;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RpcTimeoutError({ method, url: endpoint?.url, cause: new Error(`no answer within ${timeoutMs} ms`) })), timeoutMs);
  });
  return Promise.race([request, expired]).finally(() => clearTimeout(timer));
}

/**
 * The account's transaction count as the **maximum** over every endpoint that answers (within 5 s when there are
 * several): a lagging node behind a balancer reports a lower count, and a nonce below the highest one any node
 * reports may already be used. Fails only when no endpoint answers (with the first endpoint's error).
 *
 * @param client - a viem client (a `fallback` transport is read endpoint by endpoint).
 * @param address - the account.
 * @param blockTag - `pending` (to allocate nonces) or `latest` (to see which are consumed).
 * @returns the highest count reported.
 * @example
 * ```ts
 * const next = await readTransactionCount(client, account.address, "pending");
 * ```
 */
export async function readTransactionCount(client: Client, address: Address, blockTag: "pending" | "latest"): Promise<number> {
  return maxCount(endpointsOf(client), address, blockTag, ENDPOINT_READ_TIMEOUT_MS);
}

/** With several endpoints, how long a nonce read waits for a slow one before it goes without its answer. */
const ENDPOINT_READ_TIMEOUT_MS = 5_000;

/**
 * {@link readTransactionCount} over given endpoints.
 *
 * @param endpoints - the endpoints.
 * @param address - the account.
 * @param blockTag - `pending` or `latest`.
 * @param timeoutMs - with several endpoints, ignore one that has not answered after this long.
 * @returns the highest count reported.
 * @example
 * ```ts
 * const count = await maxCount(endpointsOf(client), address, "latest");
 * ```
 */
export async function maxCount(endpoints: readonly Endpoint[], address: Address, blockTag: "pending" | "latest", timeoutMs?: number): Promise<number> {
  const answers = await askEvery(endpoints, "eth_getTransactionCount", [address, blockTag], timeoutMs);
  let best: number | undefined;
  for (const answer of answers) {
    if (answer.status === "fulfilled") best = Math.max(best ?? 0, Number(answer.value as Hex));
  }
  if (best === undefined) throw (answers[0] as PromiseRejectedResult).reason;
  return best;
}
