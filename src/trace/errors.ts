/** Which rule a trace query's input broke. */
export type TraceInputCode =
  | "malformed-address"
  | "unknown-wallet"
  | "unknown-transfer"
  | "hops-out-of-range"
  | "edges-out-of-range"
  | "bad-window"
  | "bad-amount"
  | "bad-parameter"
  | "unknown-policy"
  | "unknown-lot";

/**
 * A trace query was given input it cannot answer. The message names the rule and what to change; the CLI
 * and the HTTP API print it as is (no stack trace). Never retryable with the same input.
 */
export class TraceInputError extends Error {
  override readonly name = "TraceInputError";
  /** Which rule was broken. */
  readonly code: TraceInputCode;
  constructor(code: TraceInputCode, message: string) {
    super(message);
    this.code = code;
  }
}
