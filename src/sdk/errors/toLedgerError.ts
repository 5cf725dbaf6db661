import { LedgerError } from "./base.js";
import { decodeContractError, findRevertData } from "./contract.js";
import { getRpcError } from "./rpc.js";

/**
 * Turns anything a viem call threw into a named {@link LedgerError}: a contract revert into its error class,
 * a transport failure into an RPC error, and anything else into a `LedgerError` that wraps it.
 *
 * @param error - what was thrown.
 * @param method - the JSON-RPC method, when known (decides whether a timeout is retryable).
 * @returns the named error (the same object when it already is a `LedgerError`).
 * @example
 * ```ts
 * try { await writeContract(client, request); } catch (e) { throw toLedgerError(e, "eth_sendRawTransaction"); }
 * ```
 */
export function toLedgerError(error: unknown, method?: string): LedgerError {
  if (error instanceof LedgerError) return error;
  const rpc = getRpcError(error, method);
  if (rpc) return rpc;
  const data = findRevertData(error);
  if (data !== undefined) return Object.assign(decodeContractError(data), { cause: error });
  const text = (error as { shortMessage?: unknown; message?: unknown } | undefined) ?? {};
  const short = typeof text.shortMessage === "string" ? text.shortMessage : typeof text.message === "string" ? text.message.split("\n")[0] : String(error);
  return new LedgerError(short || "the request failed", { cause: error });
}
