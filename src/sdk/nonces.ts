/**
 * Hands out consecutive nonces for one account without a round trip per transaction. The first
 * allocation (and the first after {@link NonceAllocator.reset}) reads the node's pending count; later
 * ones continue locally. Allocations are serialized, so concurrent pipelines on one client never share
 * a nonce.
 *
 * @example
 * ```ts
 * const nonces = new NonceAllocator(() => readTransactionCount(client, address, "pending")); // max over endpoints
 * const first = await nonces.take(100); // first .. first + 99 are ours
 * ```
 */
export class NonceAllocator {
  readonly #readPending: () => Promise<number>;
  #next: number | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * @param readPending - reads the account's pending transaction count; with several endpoints, the highest
   *   any of them reports (a lagging node's lower count would hand out nonces already used).
   */
  constructor(readPending: () => Promise<number>) {
    this.#readPending = readPending;
  }

  /**
   * Reserves `count` consecutive nonces.
   *
   * @param count - how many.
   * @param floor - a nonce known to be consumed below (e.g. the chain's latest count); the range starts
   *   no lower than this.
   * @returns the first reserved nonce.
   * @example
   * ```ts
   * const nonce = await nonces.take(1);
   * ```
   */
  take(count: number, floor = 0): Promise<number> {
    const result = this.#queue.then(async () => {
      if (this.#next === undefined) this.#next = await this.#readPending();
      const first = Math.max(this.#next, floor);
      this.#next = first + count;
      return first;
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Forgets the local count, so the next allocation reads the node again (after a restart of the node,
   * or when another process used the key).
   *
   * @example
   * ```ts
   * nonces.reset();
   * ```
   */
  reset(): void {
    this.#next = undefined;
  }
}
