import { lotId } from "@goods-ledger/sdk";

/** What the analyst page shows instead of bare ids: the token's symbol, lot labels, institution names. */
export interface PageLabels {
  /** The token's symbol and decimals (amounts on the page are shown in tokens with this symbol). Default GLT, 6 (the deploy default: "Goods Ledger Token", GLT). */
  token?: { symbol: string; decimals: number };
  /** Lot labels as issued (e.g. the warehouse receipt "WR-NBO-0001"); the page shows them for `keccak256(label)`. */
  lots?: readonly string[];
  /** Institution names by on-chain institution id: `{ "1": "Amani Bank" }`. */
  institutions?: Readonly<Record<string, string>>;
}

/**
 * The two small read-only routes the analyst page uses for names (any role):
 * - `GET /api/labels` → `{ token: { symbol, decimals }, lots: { "<lot id>": "<label>" } }` (from `serve --lot-labels`
 *   and the labels the index keeps, `indexed`);
 * - `GET /api/institutions` → `{ "<id>": "<name>" }` (empty when none are configured).
 * @returns the JSON body, or undefined when the route is not one of them.
 */
export function labelsRoute(route: string, labels: PageLabels = {}, indexed: ReadonlyMap<string, string> = new Map()): unknown {
  if (route === "labels") {
    // The index's labels (`trace label`) take precedence, as in the query answers' `lotLabel`.
    return {
      token: labels.token ?? { symbol: "GLT", decimals: 6 },
      lots: Object.fromEntries([...(labels.lots ?? []).map((label) => [lotId(label), label] as const), ...indexed]),
    };
  }
  if (route === "institutions") return { ...(labels.institutions ?? {}) };
  return undefined;
}
