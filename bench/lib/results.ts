/**
 * Shared by bench/ingest.ts, bench/trace.ts and bench/scale.ts: all write one file, bench/results/trace.json, each its own
 * top-level key, keeping the other's.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FILE = join(dirname(fileURLToPath(import.meta.url)), "..", "results", "trace.json");

/**
 * Sets `key` in bench/results/trace.json, keeping the other keys.
 * @returns the file's path.
 */
export function mergeResults(key: "ingest" | "trace" | "scale", value: unknown): string {
  mkdirSync(dirname(FILE), { recursive: true });
  const current = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, "utf8")) as Record<string, unknown>) : {};
  const next = { ...current, [key]: value };
  writeFileSync(FILE, `${JSON.stringify(next, null, 2)}\n`);
  return FILE;
}

/** p50 and p99 of a list of timings (nearest rank). */
export function percentiles(values: readonly number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99) };
}
