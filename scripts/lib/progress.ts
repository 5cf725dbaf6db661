/**
 * A progress bar on stderr for long work. On a terminal it redraws one line. Otherwise (CI, pipes, log files)
 * it prints a plain line at the first update, then at most one every {@link ProgressBar.interval} seconds
 * (`GOODS_LEDGER_PROGRESS_SECONDS`, default 10), and the last one in {@link ProgressBar.finish}: a log gets a
 * heartbeat, not a line per batch.
 */

/** Progress of `total` units of work, labelled (e.g. "wallets"). */
export class ProgressBar {
  readonly #started = Date.now();
  readonly #tty = process.stderr.isTTY === true;
  #done = 0;
  #detail = "";
  #lastPrinted: number | undefined;
  #printedDone = -1;
  /** Seconds between two plain lines when stderr is not a terminal. */
  readonly interval = Math.max(0, Number(process.env.GOODS_LEDGER_PROGRESS_SECONDS ?? 10) || 0);

  constructor(
    readonly total: number,
    readonly label: string,
    readonly enabled = true,
  ) {}

  /**
   * Sets how many units are done and redraws (on a terminal), or prints a line if it is time (otherwise).
   *
   * @param done - Units done so far.
   * @param detail - Extra text after the counts (e.g. the last transaction hash).
   */
  update(done: number, detail = ""): void {
    this.#done = done;
    this.#detail = detail;
    if (!this.enabled) return;
    if (this.#tty) {
      process.stderr.write(`\r\x1b[2K${this.render(detail)}`);
      return;
    }
    const now = Date.now();
    if (this.#lastPrinted === undefined || now - this.#lastPrinted >= this.interval * 1000) this.#printLine(now);
  }

  /** Ends the bar: a new line on a terminal; otherwise the final counts, if not printed yet. */
  finish(): void {
    if (!this.enabled) return;
    if (this.#tty) process.stderr.write("\n");
    else if (this.#printedDone !== this.#done) this.#printLine(Date.now());
  }

  #printLine(now: number): void {
    this.#lastPrinted = now;
    this.#printedDone = this.#done;
    process.stderr.write(`${this.render(this.#detail)}\n`);
  }

  /** The bar as text, e.g. `[#########-----------]  450/1000 wallets  45%  3.1s`. */
  render(detail = ""): string {
    const width = 24;
    const ratio = this.total === 0 ? 1 : Math.min(1, this.#done / this.total);
    const filled = Math.round(ratio * width);
    const seconds = ((Date.now() - this.#started) / 1000).toFixed(1);
    const count = `${String(this.#done).padStart(String(this.total).length)}/${this.total}`;
    const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${count} ${this.label} ${Math.floor(ratio * 100)}% ${seconds}s`;
    return detail ? `${bar}  ${detail}` : bar;
  }
}
