/**
 * Checks of the fields query answers add for people (docs/TRACE.md O1, O2): `xTokens` beside each base-unit amount
 * `x`, `lotLabel` beside each `lot`. Written apart from src/trace/present.ts.
 */
import { expect } from "chai";

/** Base units (decimal string) of a token amount written with 6 decimals, computed apart from the engine. */
export function tokensToBase(tokens: string): string {
  const m = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(tokens);
  if (m === null) throw new Error(`not a token amount: ${tokens}`);
  return `${m[1]}${(BigInt(m[2]!) * 1_000_000n + BigInt((m[3] ?? "").padEnd(6, "0"))).toString()}`.replace(/^-0$/, "0");
}

/** Counts the fields added for people (`…Tokens`, `lotLabel`), checking each `xTokens` against its `x`. */
export function peopleFields(value: unknown, count = { tokens: 0, labels: 0 }): { tokens: number; labels: number } {
  if (Array.isArray(value)) value.forEach((v) => peopleFields(v, count));
  else if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) {
      if (k.endsWith("Tokens")) {
        expect(tokensToBase(v as string), k).to.equal(o[k.slice(0, -"Tokens".length)]);
        count.tokens++;
      } else if (k === "lotLabel") count.labels++;
      else peopleFields(v, count);
    }
  }
  return count;
}

/** The value without the fields added for people. */
export function withoutPeopleFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPeopleFields);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.endsWith("Tokens") && k !== "lotLabel").map(([k, v]) => [k, withoutPeopleFields(v)]));
}
