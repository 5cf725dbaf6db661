/** Per-token limits: requests per second (a token bucket) and queries in flight. */

/** Options of {@link TokenLimits}. */
export interface LimitOptions {
  /** Sustained requests per second per token. */
  ratePerSecond: number;
  /** Requests a token may make at once after being idle. */
  burst: number;
  /** Queries of one token waiting or running at once. */
  maxInFlight: number;
}

/** A refusal: 429 with the seconds to wait. */
export interface Refusal {
  code: "rate-limited" | "too-many-queries";
  message: string;
  retryAfter: number;
}

/** Per-token request rate and query concurrency. */
export class TokenLimits {
  readonly #options: LimitOptions;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #inFlight = new Map<string, number>();

  constructor(options: LimitOptions) {
    this.#options = options;
  }

  /** Takes one request from the token's bucket, or says how long to wait. */
  request(name: string, now = Date.now()): Refusal | null {
    const { ratePerSecond, burst } = this.#options;
    const b = this.#buckets.get(name) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * ratePerSecond);
    b.at = now;
    this.#buckets.set(name, b);
    if (b.tokens < 1) {
      return { code: "rate-limited", message: `over ${ratePerSecond} requests per second for this token`, retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / ratePerSecond)) };
    }
    b.tokens -= 1;
    return null;
  }

  /** Admits one more query of the token, or refuses. Pair with {@link TokenLimits.done}. */
  admit(name: string): Refusal | null {
    const n = this.#inFlight.get(name) ?? 0;
    if (n >= this.#options.maxInFlight) {
      return { code: "too-many-queries", message: `this token already has ${n} queries in flight (at most ${this.#options.maxInFlight}): wait for one to finish`, retryAfter: 1 };
    }
    this.#inFlight.set(name, n + 1);
    return null;
  }

  /** A query admitted by {@link TokenLimits.admit} ended. */
  done(name: string): void {
    const n = (this.#inFlight.get(name) ?? 1) - 1;
    if (n <= 0) this.#inFlight.delete(name);
    else this.#inFlight.set(name, n);
  }
}
