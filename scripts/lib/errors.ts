/**
 * Errors the CLI reports as one line on stderr (and, with `--json`, as `{ ok: false, error }` on stdout).
 */

/** Exit codes of `goods-ledger`. */
export const ExitCode = {
  /** The command did what it was asked. */
  ok: 0,
  /** Bad input, a rule that blocks the action, or a failure: nothing (more) was sent. */
  error: 1,
  /** `wallet import --skip-invalid` registered the good rows and rejected some bad ones. */
  partial: 2,
} as const;

/**
 * An error with a message fit for the user: it names what is wrong (the input, the field, the rule).
 *
 * @example throw new CliError("amount: \"1.2.3\" is not a decimal number", { code: "invalid-input" });
 */
export class CliError extends Error {
  /** A stable, machine-readable name of the failure, e.g. `invalid-input`, `daily-limit`, `no-key`. */
  readonly code: string;
  /** Extra data for `--json` (e.g. the rows that failed). */
  readonly details: Record<string, unknown> | undefined;
  /** The exit code; {@link ExitCode.error} unless stated. */
  readonly exitCode: number;

  constructor(
    message: string,
    options: { code?: string; details?: Record<string, unknown>; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "CliError";
    this.code = options.code ?? "error";
    this.details = options.details;
    this.exitCode = options.exitCode ?? ExitCode.error;
  }
}

/** Shorthand for an input that fails validation: `what` names the argument, option, field or file. */
export function invalidInput(what: string, problem: string): CliError {
  return new CliError(`${what}: ${problem}`, { code: "invalid-input" });
}

/**
 * Turns any error into the one line the user sees. SDK and viem errors carry a `shortMessage` that names
 * the rule (e.g. "daily limit of tier 1 exceeded: 120.00 left today"); connection failures say which URL
 * could not be reached.
 *
 * @param error - Whatever was thrown.
 * @returns The message and a machine-readable code.
 */
export function describeError(error: unknown): { message: string; code: string } {
  if (error instanceof CliError) return { message: error.message, code: error.code };
  const e = error as { name?: string; errorName?: string; shortMessage?: string; message?: string; retryable?: unknown; method?: unknown };
  // An SDK RPC error that is not safe to retry (a send that may have reached the node) says so itself;
  // "connection refused" would suggest nothing was sent.
  const sending = e?.method === "eth_sendRawTransaction" || e?.method === "eth_sendTransaction";
  if (sending && e.retryable === false && typeof e.shortMessage === "string") return { message: `${e.shortMessage}; check the account's nonce or the transaction before sending again`, code: e.name ?? "rpc-send-uncertain" };
  const connection = findConnectionFailure(error);
  if (connection !== undefined) return { message: connection, code: "rpc-unreachable" };
  // SDK errors: a contract revert carries the Solidity error's name (the rule), e.g. WalletRegistryWalletFrozen.
  if (typeof e?.shortMessage === "string") return { message: e.shortMessage, code: e.errorName ?? e.name ?? "error" };
  return { message: e?.message ?? String(error), code: e?.name ?? "error" };
}

function findConnectionFailure(error: unknown): string | undefined {
  for (let e = error as { cause?: unknown; code?: unknown; url?: unknown; message?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === "ECONNREFUSED" || (typeof e.message === "string" && /ECONNREFUSED|fetch failed/.test(e.message))) {
      const url = findUrl(error);
      return `cannot reach the JSON-RPC node${url ? ` at ${url}` : ""}: connection refused (is \`goods-ledger chain\` running, or is --rpc-url right?)`;
    }
  }
  return undefined;
}

function findUrl(error: unknown): string | undefined {
  for (let e = error as { cause?: unknown; url?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.url === "string") return e.url;
  }
  return undefined;
}
