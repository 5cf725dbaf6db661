/**
 * Retrying work while the JSON-RPC node cannot be reached (bulk commands such as `wallet import`): one line on
 * stderr per retry (what failed, when the next attempt is, when it gives up, how to stop), and a clear error
 * once the time allowed (`--retry-for`) has passed.
 */
import { RpcError } from "@goods-ledger/sdk";
import { CliError, describeError } from "./errors.js";

/** Error codes and names that mean "the node did not answer" (not "the node said no"). */
const UNREACHABLE = /ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ETIMEDOUT|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT|fetch failed|socket hang up|other side closed/;

/**
 * Whether an error means the node could not be reached or did not answer in time: worth retrying, while a
 * revert or a bad input is not.
 */
export function isUnreachable(error: unknown): boolean {
  for (let e = error as { cause?: unknown; code?: unknown; name?: unknown; message?: unknown } | undefined, depth = 0; e && depth < 10; e = e.cause as typeof e, depth++) {
    if ((e as unknown) instanceof RpcError && ["RpcConnectionError", "RpcTimeoutError", "RpcUnavailableError"].includes(String(e.name))) return true;
    if (typeof e.code === "string" && UNREACHABLE.test(e.code)) return true;
    if (typeof e.name === "string" && /TimeoutError|HttpRequestError|RpcConnectionError|WaitForTransactionReceiptTimeoutError/.test(e.name)) return true;
    if (typeof e.message === "string" && UNREACHABLE.test(e.message)) return true;
  }
  return false;
}

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Give up this many seconds after the first failure of a run of failures. */
  retryFor: number;
  /** Prints one line (stderr). */
  report: (line: string) => void;
  /** Called before each new attempt (e.g. to forget a cached nonce). */
  beforeRetry?: () => void | Promise<void>;
}

/**
 * Runs `work`, retrying while the node is unreachable, with backoff 1, 2, 4, 8, then 10 s.
 *
 * @param what - What is being done, for the messages (e.g. "sending lines 2–101").
 * @throws CliError (code `rpc-unreachable`) after `retryFor` seconds of failures; any other error at once.
 */
export async function withRetry<T>(what: string, work: () => Promise<T>, options: RetryOptions): Promise<T> {
  let firstFailure: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      const now = Date.now();
      firstFailure ??= now;
      const { message } = describeError(error);
      const left = options.retryFor * 1000 - (now - firstFailure);
      if (left <= 0) {
        throw new CliError(`${what}: gave up after ${options.retryFor} s (--retry-for) without reaching the node: ${message}`, { code: "rpc-unreachable", cause: error });
      }
      const wait = Math.min(Math.min(10, 2 ** (attempt - 1)) * 1000, left);
      options.report(
        `retry ${attempt}: ${what} failed: ${message}; next attempt in ${Math.ceil(wait / 1000)} s, giving up in ${Math.ceil(left / 1000)} s (--retry-for ${options.retryFor}); Ctrl-C stops (rerun the same command to resume)`,
      );
      await new Promise((r) => setTimeout(r, wait));
      await options.beforeRetry?.();
    }
  }
}
