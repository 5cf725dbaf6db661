/** Parameters shared by every {@link LedgerError}. */
export type LedgerErrorParameters = {
  /** The error this one wraps (a viem error, a fetch failure, a decoded revert). */
  cause?: unknown;
  /** Technical detail; defaults to the cause's details or message. */
  details?: string | undefined;
  /** Extra lines printed between the short message and the details. */
  metaMessages?: string[] | undefined;
};

/**
 * Base class of every error the SDK throws, shaped like viem's `BaseError`: a one-line `shortMessage`
 * for people, `details` for logs, the original `cause`, and `walk()` to find a wrapped error.
 *
 * @example
 * ```ts
 * import { LedgerError } from "@goods-ledger/sdk";
 * try { await client.transfer({ to, amount: "10" }); }
 * catch (e) { if (e instanceof LedgerError) console.error(e.shortMessage); }
 * ```
 */
export class LedgerError extends Error {
  /** One sentence naming the rule or the failure, fit for an end user. */
  readonly shortMessage: string;
  /** Technical detail (the cause's details or message). */
  readonly details: string;
  /** Extra context lines (arguments, hints). */
  readonly metaMessages: string[] | undefined;
  override name = "LedgerError";

  /**
   * @param shortMessage - one sentence naming the rule or the failure.
   * @param args - cause, details and extra lines.
   */
  constructor(shortMessage: string, args: LedgerErrorParameters = {}) {
    const details = causeDetails(args.cause) ?? args.details ?? "";
    const message = [
      shortMessage,
      ...(args.metaMessages?.length ? ["", ...args.metaMessages] : []),
      ...(details ? ["", `Details: ${details}`] : []),
    ].join("\n");
    super(message, args.cause === undefined ? undefined : { cause: args.cause });
    this.shortMessage = shortMessage;
    this.details = details;
    this.metaMessages = args.metaMessages;
  }

  /**
   * Follows the `cause` chain.
   *
   * @param fn - predicate; without one, the deepest cause is returned.
   * @returns the first error (this one included) for which `fn` is true, `null` when none is,
   * or the deepest cause when no predicate is given.
   * @example
   * ```ts
   * const revert = err.walk((e) => e instanceof ContractRevertError);
   * ```
   */
  walk(fn?: (err: unknown) => boolean): unknown {
    let current: unknown = this;
    for (;;) {
      if (fn?.(current)) return current;
      const next = current instanceof Error ? current.cause : undefined;
      if (next === undefined) return fn ? null : current;
      current = next;
    }
  }
}

function causeDetails(cause: unknown): string | undefined {
  if (cause instanceof LedgerError) return cause.details || cause.shortMessage;
  if (cause && typeof cause === "object") {
    const c = cause as { details?: unknown; shortMessage?: unknown; message?: unknown };
    if (typeof c.details === "string" && c.details) return c.details;
    if (typeof c.shortMessage === "string" && c.shortMessage) return c.shortMessage;
    if (typeof c.message === "string" && c.message) return c.message;
  }
  return undefined;
}
