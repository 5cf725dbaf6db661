/**
 * Output for the CLI: human-readable text by default, exactly one JSON document on stdout with `--json`.
 * Notes, warnings and progress always go to stderr, so stdout stays parseable.
 */

/** A JSON.stringify replacer that writes bigints as decimal strings (JSON has no bigint). */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** Writes a command's result and its side notes. One per process, configured by the global `--json`. */
export class Output {
  /** True when `--json` was given: {@link Output.result} prints one JSON document. */
  json = false;
  /** True when `--quiet` was given: {@link Output.note} prints nothing. */
  quiet = false;

  /**
   * True when stdout is a terminal and `--json` is off: only then may a command draw for the eye (a QR code's
   * block art, colours). A pipe or a file gets text a program can read.
   */
  get terminal(): boolean {
    return !this.json && process.stdout.isTTY === true;
  }

  /**
   * Prints the command's result: `{ ok: true, ...data }` as JSON with `--json`, else the human lines.
   *
   * @param data - The machine-readable result (bigints are written as strings).
   * @param human - The lines to print without `--json`; defaults to nothing.
   */
  result(data: object, human: string | string[] = []): void {
    if (this.json) {
      process.stdout.write(`${JSON.stringify({ ok: true, ...data }, jsonReplacer, 2)}\n`);
      return;
    }
    const lines = Array.isArray(human) ? human : [human];
    if (lines.length > 0) process.stdout.write(`${lines.join("\n")}\n`);
  }

  /** With `--json`: prints `{ ok: false, error: { code, message, ...details } }` for a failed command. */
  failure(code: string, message: string, details?: Record<string, unknown>): void {
    process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message, ...details } }, jsonReplacer, 2)}\n`);
  }

  /** Prints a side note on stderr (e.g. "waiting for the receipt"), unless `--quiet`. */
  note(message: string): void {
    if (!this.quiet) process.stderr.write(`${message}\n`);
  }

  /** Prints a warning on stderr, even with `--quiet`. */
  warn(message: string): void {
    process.stderr.write(`warning: ${message}\n`);
  }
}

/**
 * Lays out rows as aligned columns.
 *
 * @param rows - Table rows, the first one being the header.
 * @returns One string per row.
 * @example table([["name", "address"], ["alice", "0x…"]])
 */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "));
}

/**
 * Formats a decimal amount for people: thousands separators and at least two decimals.
 *
 * @param amount - A decimal string in token units, as the SDK returns it (e.g. "250000.5").
 * @param symbol - The token symbol to append, if any.
 * @returns e.g. "250,000.50 GLT".
 * @example money("1200", "GLT") // "1,200.00 GLT"
 */
export function money(amount: string, symbol?: string): string {
  const [whole = "0", fraction = ""] = amount.replace(/^-/, "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const text = `${amount.startsWith("-") ? "-" : ""}${grouped}.${fraction.padEnd(2, "0")}`;
  return symbol ? `${text} ${symbol}` : text;
}
