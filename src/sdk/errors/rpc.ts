import { LedgerError } from "./base.js";

/** JSON-RPC methods that hand a transaction to the node: a retry after a timeout could send it twice. */
const SENDING_METHODS = new Set(["eth_sendTransaction", "eth_sendRawTransaction"]);

/** Parameters shared by the RPC error classes. */
export type RpcErrorParameters = {
  /** The JSON-RPC method that failed, when known. */
  method?: string | undefined;
  /** The endpoint, when known. */
  url?: string | undefined;
  /** The underlying transport error. */
  cause?: unknown;
};

/**
 * Base of the RPC failures: the node could not be reached or did not answer. `retryable` says whether
 * sending the same request again is safe.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof RpcError && e.retryable) return retry(); }
 * ```
 */
export class RpcError extends LedgerError {
  override name = "RpcError";
  /** Whether repeating the same request is safe (it cannot duplicate an effect). */
  readonly retryable: boolean;
  /** The JSON-RPC method, when known. */
  readonly method: string | undefined;
  /** The endpoint, when known. */
  readonly url: string | undefined;
  /**
   * @param shortMessage - what failed.
   * @param retryable - whether the same request may be sent again.
   * @param args - method, endpoint and cause.
   */
  constructor(shortMessage: string, retryable: boolean, args: RpcErrorParameters) {
    super(shortMessage, {
      cause: args.cause,
      metaMessages: [
        ...(args.url ? [`URL: ${args.url}`] : []),
        ...(args.method ? [`Method: ${args.method}`] : []),
        retryable ? "Retry: safe" : "Retry: NOT safe until you check whether the transaction was received",
      ],
    });
    this.retryable = retryable;
    this.method = args.method;
    this.url = args.url;
  }
}

/**
 * The node refused the connection or could not be reached, or the connection failed mid-request. A read
 * may be retried. For a sending method the error is retryable only when the connection was never made
 * (refused, unreachable, unknown host); a connection dropped after the request went out may have handed
 * the transaction to the node, so `retryable` is false.
 *
 * @example
 * ```ts
 * await getBalance(client, { account }); // node down: throws RpcConnectionError, retryable = true
 * ```
 */
export class RpcConnectionError extends RpcError {
  override name = "RpcConnectionError";
  /**
   * @param args - method, endpoint and cause.
   * @param neverConnected - whether the failure proves nothing reached the node (connection refused,
   *   unreachable, unknown host). Defaults to true.
   */
  constructor(args: RpcErrorParameters, neverConnected = true) {
    const sending = args.method !== undefined && SENDING_METHODS.has(args.method);
    super(
      neverConnected || !sending
        ? `could not connect to the RPC node${args.url ? ` at ${args.url}` : ""}: connection refused or unreachable`
        : `the connection to the RPC node${args.url ? ` at ${args.url}` : ""} failed while sending a transaction: it may have been received`,
      neverConnected || !sending,
      args,
    );
  }
}

/**
 * The node did not answer in time. A read may be retried; a transaction may already have been received,
 * so `retryable` is false for sending methods (resend the same signed bytes, or check the nonce first).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof RpcTimeoutError && !e.retryable) await checkNonceBeforeResending(); }
 * ```
 */
export class RpcTimeoutError extends RpcError {
  override name = "RpcTimeoutError";
  /** @param args - method, endpoint and cause. */
  constructor(args: RpcErrorParameters) {
    super(
      `the RPC node${args.url ? ` at ${args.url}` : ""} did not answer in time`,
      !(args.method && SENDING_METHODS.has(args.method)),
      args,
    );
  }
}

/**
 * The node answered with an HTTP error status (429, 5xx): it is overloaded or restarting. Nothing was
 * processed for 429 and 503, so those are retryable; other statuses are not.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof RpcUnavailableError) console.log(e.status); }
 * ```
 */
export class RpcUnavailableError extends RpcError {
  override name = "RpcUnavailableError";
  /** The HTTP status. */
  readonly status: number;
  /**
   * @param status - the HTTP status.
   * @param args - method, endpoint and cause.
   */
  constructor(status: number, args: RpcErrorParameters) {
    super(`the RPC node answered HTTP ${status}`, status === 429 || status === 503, args);
    this.status = status;
  }
}

type TransportErrorShape = { name?: unknown; status?: unknown; url?: unknown; cause?: unknown; body?: unknown };

/**
 * Recognises a transport failure in a viem error chain (viem's `HttpRequestError`, `TimeoutError`,
 * `WebSocketRequestError`) and names it.
 *
 * @param error - anything thrown by a viem call.
 * @param method - the JSON-RPC method, when the caller knows it (decides `retryable` for timeouts).
 * @returns the named RPC error, or undefined when the failure is not a transport failure.
 * @example
 * ```ts
 * const named = getRpcError(err, "eth_call"); // RpcConnectionError | RpcTimeoutError | …
 * ```
 */
export function getRpcError(error: unknown, method?: string): RpcError | undefined {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as TransportErrorShape).cause) {
    const shape = e as TransportErrorShape;
    if (e instanceof RpcError) return e;
    const url = typeof shape.url === "string" ? shape.url : undefined;
    const bodyMethod = methodOf(shape.body);
    const args = { url, method: bodyMethod ?? method, cause: error };
    if (shape.name === "TimeoutError") return new RpcTimeoutError(args);
    if (shape.name === "HttpRequestError" || shape.name === "WebSocketRequestError" || shape.name === "SocketClosedError") {
      return typeof shape.status === "number" ? new RpcUnavailableError(shape.status, args) : new RpcConnectionError(args, shape.name !== "SocketClosedError" && neverConnected(e));
    }
  }
  return undefined;
}

/** Socket error codes raised before any byte of the request left: the node cannot have received it. */
const NOT_CONNECTED_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

/** Whether a transport error's cause chain proves the connection was never made. */
function neverConnected(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const { code, errors } = e as { code?: unknown; errors?: unknown };
    if (typeof code === "string" && NOT_CONNECTED_CODES.has(code)) return true;
    // Happy Eyeballs: an AggregateError of one refusal per address tried.
    if (Array.isArray(errors) && errors.length > 0 && errors.every((x) => neverConnected(x))) return true;
  }
  return false;
}

function methodOf(body: unknown): string | undefined {
  if (body && typeof body === "object" && "method" in body && typeof body.method === "string") return body.method;
  return undefined;
}
