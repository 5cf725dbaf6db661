/**
 * Exact arithmetic for the trace engine (docs/TRACE.md, rules X1–X4): amounts are bigint base units from the
 * store to the output; proportional splits (haircut) are exact fractions, rounded to whole units only when a
 * result is written, with the largest-remainder method so that the parts add up exactly to the whole.
 */

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** An exact rational number n/d (d > 0, reduced). */
export class Fraction {
  /** Numerator. */
  readonly n: bigint;
  /** Denominator, positive. */
  readonly d: bigint;
  constructor(n: bigint, d = 1n) {
    if (d === 0n) throw new RangeError("fraction: zero denominator");
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    if (d !== 1n) {
      const g = gcd(n, d);
      if (g > 1n) {
        n /= g;
        d /= g;
      }
    }
    this.n = n;
    this.d = d;
  }
  static readonly ZERO = new Fraction(0n);
  add(o: Fraction): Fraction {
    if (o.n === 0n) return this;
    if (this.n === 0n) return o;
    return this.d === o.d ? new Fraction(this.n + o.n, this.d) : new Fraction(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Fraction): Fraction {
    if (o.n === 0n) return this;
    return this.d === o.d ? new Fraction(this.n - o.n, this.d) : new Fraction(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  /** this × p / q, exactly. */
  scale(p: bigint, q: bigint): Fraction {
    return new Fraction(this.n * p, this.d * q);
  }
  get isZero(): boolean {
    return this.n === 0n;
  }
  /** Compares with another fraction: negative, zero or positive. */
  cmp(o: Fraction): number {
    const x = this.n * o.d;
    const y = o.n * this.d;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  /** Nearest whole number, halves away from zero. */
  round(): bigint {
    const q = this.n / this.d;
    const r = this.n - q * this.d; // same sign as n
    const twice = 2n * (r < 0n ? -r : r);
    return twice >= this.d ? q + (this.n < 0n ? -1n : 1n) : q;
  }
  /** "n/d" (or "n" when whole). */
  toString(): string {
    return this.d === 1n ? this.n.toString() : `${this.n}/${this.d}`;
  }
}

/**
 * Splits `total` whole units over parts in proportion to `exact` (largest remainder, Hamilton's method): each
 * part gets its exact value rounded down, then the units left over go one each to the parts with the largest
 * fractional remainders (ties: the earlier part). The results add up to `total` exactly.
 * @param exact - non-negative exact amounts.
 * @param total - whole units to hand out (normally the exact sum, which is a whole number).
 */
export function allot(exact: readonly Fraction[], total: bigint): bigint[] {
  const floor = exact.map((x) => (x.n >= 0n ? x.n / x.d : -((-x.n + x.d - 1n) / x.d)));
  let left = total - floor.reduce((a, b) => a + b, 0n);
  const order = exact.map((x, i) => ({ i, rem: x.sub(new Fraction(floor[i]!)) }))
    .sort((a, b) => b.rem.cmp(a.rem) || a.i - b.i);
  for (let k = 0; left > 0n && order.length > 0; k = (k + 1) % order.length) {
    floor[order[k]!.i]! += 1n;
    left -= 1n;
  }
  for (let k = order.length - 1; left < 0n && k >= 0; k--) {
    if (floor[order[k]!.i]! > 0n) {
      floor[order[k]!.i]! -= 1n;
      left += 1n;
    }
  }
  return floor;
}

/**
 * A fraction as a decimal string with `digits` decimals, rounded to nearest.
 * @example decimal(new Fraction(1n, 3n), 4) // "0.3333"
 */
export function decimal(x: Fraction, digits = 12): string {
  const scale = 10n ** BigInt(digits);
  const v = x.scale(scale, 1n).round();
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(digits + 1, "0");
  const whole = s.slice(0, s.length - digits);
  const frac = s.slice(s.length - digits).replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac === "" ? "" : `.${frac}`}`;
}

/** A fraction as a float (for display and sorting only; never for amounts). */
export function toNumber(x: Fraction): number {
  return Number(x.scale(10n ** 15n, 1n).round()) / 1e15;
}

/** Nine decimals: the precision at which alert ratios and margins given as numbers are taken (rule X4). */
const RATIO_SCALE = 1_000_000_000n;

/** A rule's ratio (a float such as 0.9) as an exact fraction, taken to nine decimals. */
export function ratioOf(ratio: number): Fraction {
  return new Fraction(BigInt(Math.round(ratio * 1e9)), RATIO_SCALE);
}

/** Whether `x ≥ ratio × y` exactly, for whole amounts. */
export function atLeast(x: bigint, ratio: Fraction, y: bigint): boolean {
  return x * ratio.d >= ratio.n * y;
}

/**
 * Splits `a` whole units over parts in proportion to whole `weights` that add up to `total` (a ≤ total): each
 * part gets weight × a / total rounded down, and the units left over go one each to the parts with the largest
 * remainders, ties to the earlier part (rule X2: how a haircut transfer carries each lot or label). The parts
 * add up to `a` exactly and none exceeds its weight.
 */
export function splitUnits(weights: readonly bigint[], total: bigint, a: bigint): bigint[] {
  if (total <= 0n || a <= 0n) return weights.map(() => 0n);
  if (a >= total) return [...weights];
  const parts = weights.map((w) => (w * a) / total);
  const rem = weights.map((w, i) => w * a - parts[i]! * total);
  let left = a - parts.reduce((x, y) => x + y, 0n);
  const order = weights.map((_, i) => i).sort((x, y) => (rem[y]! > rem[x]! ? 1 : rem[y]! < rem[x]! ? -1 : x - y));
  for (let k = 0; left > 0n && k < order.length; k++) {
    if (rem[order[k]!]! === 0n) continue;
    parts[order[k]!]! += 1n;
    left -= 1n;
  }
  return parts;
}
