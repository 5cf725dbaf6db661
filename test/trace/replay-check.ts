/**
 * Shared by the replay tests: one wallet's provenance (both policies) and exposure (three policies) at a block,
 * each compared with the brute-force references of reference.ts over the history's transfers up to that block.
 */
import { expect } from "chai";
import type { Address } from "../../src/indexer/types.js";
import { exposure } from "../../src/trace/exposure.js";
import type { ExposurePolicy } from "../../src/trace/exposure.js";
import type { TraceModel } from "../../src/trace/model.js";
import { provenance } from "../../src/trace/provenance.js";
import type { History } from "./history.js";
import { refExposureFifo, refExposureHaircut, refExposurePoison, refProvenanceFifo, refProvenanceHaircut, refStateAtBlock } from "./reference.js";

const POLICIES: readonly ExposurePolicy[] = ["poison", "fifo", "haircut"];

/** JSON with bigints as strings and maps as sorted entry lists (to compare replay summaries). */
export const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? v.toString() : v instanceof Map ? [...v].sort((p, q) => (String(p[0]) < String(q[0]) ? -1 : 1)) : v));

/** Provenance (both policies) and exposure (three policies) of `wallet` at `block` on `model`, each against the reference over the rows up to the block. */
export function checkAll(h: History, model: TraceModel, wallet: Address, block: number, flagged: { wallet: Address; block: number }[]): void {
  const rows = h.transfers.filter((t) => t.block <= block);
  for (const policy of ["fifo", "haircut"] as const) {
    const got = provenance(model, wallet, { policy, atBlock: block });
    const ref = (policy === "fifo" ? refProvenanceFifo : refProvenanceHaircut)(rows, wallet);
    expect(new Map(got.lots.map((l) => [l.lot, l.amount])), `provenance ${policy} of ${wallet} at ${block}`).to.deep.equal(ref);
  }
  const sources = new Map<Address, number>();
  const firstIndexAt = (b: number) => {
    const i = rows.findIndex((t) => t.block >= b);
    return i < 0 ? rows.length : i;
  };
  for (const f of flagged) if (f.block <= block) sources.set(f.wallet, Math.min(sources.get(f.wallet) ?? Infinity, firstIndexAt(f.block)));
  const accounts = new Set(h.events.filter((e) => e.block <= block).flatMap((e) => [e.args.account, e.args.replacement].filter((x): x is string => typeof x === "string")));
  for (const account of accounts as Set<Address>) {
    const s = refStateAtBlock(h.events, account, block);
    if (s.status === "frozen" || s.denylisted) sources.set(account, 0);
  }
  sources.delete(wallet);
  for (const policy of POLICIES) {
    const got = exposure(model, wallet, { policy, atBlock: block, flagged });
    const ref = (policy === "poison" ? refExposurePoison : policy === "fifo" ? refExposureFifo : refExposureHaircut)(rows, wallet, sources);
    const refHops = [...ref.byHops].filter(([, a]) => !a.zero).sort((x, y) => x[0] - y[0]);
    expect(got.byHops.map((x) => [x.hops, x.exactAmount]), `exposure ${policy} of ${wallet} at ${block} by hops`).to.deep.equal(refHops.map(([n, a]) => [n, a.toString()]));
    const refSources = [...ref.bySource].filter(([, [a]]) => !a.zero).map(([s, [a, n]]) => [s, a.toString(), n]);
    expect(got.bySource.map((s) => [s.source, s.exactAmount, s.minHops]).sort(), `exposure ${policy} of ${wallet} at ${block} by source`).to.deep.equal(refSources.sort());
  }
}

