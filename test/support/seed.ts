/**
 * One seed convention for every property test, so a failure seen once can be seen again.
 *
 * - `GOODS_LEDGER_SEED=<int>` runs every property with that seed; unset, a fixed default runs (CI's main job).
 * - `GOODS_LEDGER_SEED=random` draws a fresh seed per run and prints it (CI's second, exploratory pass).
 * - `GOODS_LEDGER_RUNS_SCALE=<float>` multiplies every property's run count (deeper runs by hand).
 *
 * fast-check reports the seed and the shrunk counterexample path of a failing property; `propertyParams`
 * also prints the seed before the run, so a crash or a time-out still leaves it in the log.
 */
import type { Parameters } from "fast-check";

/** The seed CI uses when none is given. */
export const DEFAULT_SEED = 20_261_125;

function drawSeed(): number {
  const raw = process.env.GOODS_LEDGER_SEED ?? process.env.GOODS_LEDGER_PROPERTY_SEED;
  if (raw === undefined || raw === "") return DEFAULT_SEED;
  if (raw === "random") return (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`GOODS_LEDGER_SEED must be an integer or "random", got ${JSON.stringify(raw)}`);
  return n | 0;
}

/** The seed of this process: fixed by default, printed once when it was drawn at random. */
export const SEED = drawSeed();
if (process.env.GOODS_LEDGER_SEED === "random") console.log(`property tests: GOODS_LEDGER_SEED=${SEED}`);

/** The run count after `GOODS_LEDGER_RUNS_SCALE`. */
export function runs(base: number): number {
  const scale = Number(process.env.GOODS_LEDGER_RUNS_SCALE ?? "1");
  if (!(scale > 0)) throw new Error(`GOODS_LEDGER_RUNS_SCALE must be a positive number`);
  return Math.max(1, Math.round(base * scale));
}

/**
 * fast-check parameters for one property: the process seed, the scaled run count, and a failure message that
 * names the variable to set to reproduce it.
 */
export function propertyParams<T>(name: string, baseRuns: number, extra: Parameters<T> = {}): Parameters<T> {
  return {
    ...extra,
    seed: SEED,
    numRuns: runs(baseRuns),
    reporter(details) {
      if (details.failed) {
        throw new Error(
          `property "${name}" failed; reproduce with GOODS_LEDGER_SEED=${details.seed}` +
            (details.counterexamplePath ? ` (path ${details.counterexamplePath})` : "") +
            `\ncounterexample: ${JSON.stringify(details.counterexample, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))?.slice(0, 4000)}` +
            (details.errorInstance instanceof Error ? `\n${details.errorInstance.stack ?? details.errorInstance.message}` : ""),
        );
      }
    },
  };
}
