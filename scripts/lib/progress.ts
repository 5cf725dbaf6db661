/**
 * A progress bar on stderr for long work. On a terminal it redraws one line; otherwise (CI, pipes) it
 * prints a plain line at each update, so logs stay readable.
 */

/** Progress of `total` units of work, labelled (e.g. "wallets"). */
export class ProgressBar {
  readonly #started = Date.now();
  readonly #tty = process.stderr.isTTY === true;
  #done = 0;

  constructor(
    readonly total: number,
    readonly label: string,
    readonly enabled = true,
  ) {}

  /**
   * Sets how many units are done and redraws.
   *
   * @param done - Units done so far.
   * @param detail - Extra text after the counts (e.g. the last transaction hash).
   */
  update(done: number, detail = ""): void {
    this.#done = done;
    if (!this.enabled) return;
    const line = this.render(detail);
    if (this.#tty) process.stderr.write(`\r\x1b[2K${line}`);
    else process.stderr.write(`${line}\n`);
  }

  /** Ends the bar (moves to a new line on a terminal). */
  finish(): void {
    if (this.enabled && this.#tty) process.stderr.write("\n");
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
