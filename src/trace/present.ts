/**
 * Results as people read them (docs/TRACE.md, rules O1–O3): the JSON of every query answer, in the CLI's `--json`
 * and the API alike, keeps every amount in base units (a decimal string, as the engine computes it) and adds, beside
 * each, the same amount in tokens (`amountTokens` beside `amount`, `balanceTokens` beside `balance`, …); beside every
 * `lot` id it adds `lotLabel`, the lot's attested label where the index knows one (else null).
 */
import { formatAmount, TOKEN_DECIMALS } from "@goods-ledger/sdk";
import type { Store } from "../indexer/store/store.js";
import { lotIdOf } from "./asof.js";

/** Where the index keeps the lot labels it was taught (`trace label`, a label used in `trace asof --lot`). */
export const LOT_LABELS_META = "lotLabels";

/** What {@link forPeople} needs: the token's decimals and the known lot labels by lot id (lower-case hex). */
export interface PeopleNames {
  /** Decimals of the token (default 6, GoodsToken's). */
  decimals?: number;
  /** Lot id → label. */
  lotLabels?: ReadonlyMap<string, string>;
  /** Add `lotLabel` beside each `lot` (default true; evidence packs leave it out: O3). */
  labels?: boolean;
}

/** The lot labels kept in the index: lot id → label. */
export async function loadLotLabels(store: Store): Promise<Map<string, string>> {
  const raw = await store.getMeta(LOT_LABELS_META);
  return new Map(Object.entries(raw === null ? {} : (JSON.parse(raw) as Record<string, string>)));
}

/** Saves the index's lot labels (sorted by id, so the text is stable). */
export async function saveLotLabels(store: Store, labels: ReadonlyMap<string, string>): Promise<void> {
  await store.setMeta(LOT_LABELS_META, JSON.stringify(Object.fromEntries([...labels].sort())));
}

/** Labels as issued (e.g. a `serve --lot-labels` file) as lot id → label; a label's id is its keccak256. */
export function labelsById(labels: readonly string[]): Map<string, string> {
  return new Map(labels.map((label) => [lotIdOf(label), label]));
}

/**
 * A `JSON.stringify` replacer that writes a query result for people (rules O1, O2): bigints as decimal strings of
 * base units, each followed by `<key>Tokens` (the amount in tokens, a decimal string), and each `lot` key followed
 * by `lotLabel`. Objects are copied shallowly only where a key is added, so a 100,000-edge trace is not copied
 * first. Every bigint in a result is an amount in base units (the engine's convention, X1).
 */
export function peopleReplacer(names: PeopleNames = {}): (key: string, value: unknown) => unknown {
  const decimals = names.decimals ?? TOKEN_DECIMALS;
  const labels = names.lotLabels ?? new Map<string, string>();
  const withLabels = names.labels ?? true;
  const isLot = (k: string, v: unknown) => withLabels && k === "lot" && (typeof v === "string" || v === null);
  return function (_key: string, value: unknown): unknown {
    if (typeof value === "bigint") return value.toString();
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const o = value as Record<string, unknown>;
    let hit = false;
    for (const k in o) {
      if (typeof o[k] === "bigint" || isLot(k, o[k])) {
        hit = true;
        break;
      }
    }
    if (!hit) return value;
    const out: Record<string, unknown> = {};
    for (const k in o) {
      const v = o[k];
      if (typeof v === "bigint") {
        out[k] = v.toString();
        out[`${k}Tokens`] = formatAmount(v, decimals);
      } else {
        out[k] = v;
        if (isLot(k, v)) out.lotLabel = v === null ? null : labels.get((v as string).toLowerCase()) ?? null;
      }
    }
    return out;
  };
}

/** A query result as the JSON document people and programs read (see {@link peopleReplacer}): a plain value. */
export function forPeople(value: unknown, names: PeopleNames = {}): unknown {
  return JSON.parse(JSON.stringify(value, peopleReplacer(names)) ?? "null");
}
