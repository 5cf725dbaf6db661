/**
 * Provenance and exposure queries for the benchmarks (bench/trace.ts at 1M transfers, the scale bench at 20M):
 * each runner asks about a random wallet at a random past block (a different block per query), so a figure
 * measures the query path at any block, not a cache hit at one block. The one-time set-up (one replay per
 * provenance policy and per exposure policy and flag list, src/trace/replay.ts) is done by {@link setUpReplays}
 * and reported apart.
 *
 *   const q = replayQueries(model);
 *   const setUp = setUpReplays(model, q);          // seconds per replay, done once
 *   for (...) q.runners.exposureFifo(model, rng);  // timed per query
 */
import type { Address } from "../../src/indexer/types.js";
import { exposure } from "../../src/trace/exposure.js";
import type { TraceModel } from "../../src/trace/model.js";
import { provenance } from "../../src/trace/provenance.js";
import { rng as seeded } from "./args.js";

/** A query: asks one random thing of the model, returns the number of items it listed (lots or sources). */
export type QueryRunner = (model: TraceModel, rng: () => number) => number;

/** The named runners, as the result keys of bench/results/trace.json name them. */
export interface ReplayQueries {
  /** The flagged wallets of every exposure query (fixed per model: an analyst's flag list), each from block 0. */
  flagged: Address[];
  runners: {
    provenance: QueryRunner;
    provenanceAt: QueryRunner;
    exposurePoison: QueryRunner;
    exposureHaircut: QueryRunner;
    exposureFifo: QueryRunner;
  };
}

/** A random wallet of the model (never the zero address). */
const randomWallet = (model: TraceModel, rng: () => number) => model.address[1 + Math.floor(rng() * (model.address.length - 1))]!;
/** A random block from 1 to the tip. */
const randomBlock = (model: TraceModel, rng: () => number) => 1 + Math.floor(rng() * model.tip.block);

/**
 * The query runners for `model`, with `flags` flagged wallets (default 5) drawn once from a fixed seed.
 * - provenance: FIFO lot provenance of a random wallet at the tip;
 * - provenanceAt: FIFO lot provenance of a random wallet at a random past block;
 * - exposurePoison / exposureHaircut / exposureFifo: a random wallet's exposure to the flagged wallets at a random past block.
 */
export function replayQueries(model: TraceModel, flags = 5): ReplayQueries {
  const pick = seeded(4242);
  const flagged = Array.from({ length: flags }, () => randomWallet(model, pick));
  const exposureAt = (policy: string): QueryRunner => (m, rng) => exposure(m, randomWallet(m, rng), { policy, flagged, atBlock: randomBlock(m, rng) }).bySource.length;
  return {
    flagged,
    runners: {
      provenance: (m, rng) => provenance(m, randomWallet(m, rng), { policy: "fifo" }).lots.length,
      provenanceAt: (m, rng) => provenance(m, randomWallet(m, rng), { policy: "fifo", atBlock: randomBlock(m, rng) }).lots.length,
      exposurePoison: exposureAt("poison"),
      exposureHaircut: exposureAt("haircut"),
      exposureFifo: exposureAt("fifo"),
    },
  };
}

/**
 * The one-time set-up of every runner: the FIFO provenance replay and one exposure replay per policy for the
 * flag list. Returns the seconds each took (reported apart from the per-query figures); `onEach` is called
 * after each (the replay bench reads memory there).
 */
export function setUpReplays(model: TraceModel, q: ReplayQueries, onEach?: (name: string) => void): Record<string, number> {
  const out: Record<string, number> = {};
  const time = (name: string, f: () => void) => {
    const t0 = performance.now();
    f();
    out[name] = Math.round((performance.now() - t0) / 10) / 100;
    onEach?.(name);
  };
  const w = model.address[1]!;
  time("provenanceFifo", () => provenance(model, w, { policy: "fifo" }));
  for (const policy of ["poison", "haircut", "fifo"]) time(`exposure${policy[0]!.toUpperCase()}${policy.slice(1)}`, () => exposure(model, w, { policy, flagged: q.flagged }));
  return out;
}
