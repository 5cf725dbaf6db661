/**
 * Mutation check: applies deliberate bugs (test/mutation/mutants.ts) to the engine and the contracts, one at a
 * time, and shows the test suite catching each one.
 *
 *   npm run mutate                      every mutant; writes bench/results/mutation.json
 *   npm run mutate -- --only fifo-end   one mutant (repeatable)
 *   npm run mutate -- --list            the mutants, without running anything
 *   npm run mutate -- --json            one JSON document on stdout
 *
 * For each mutant:
 * 1. its pattern must occur exactly once in its file (a stale pattern fails the run: the mutant would test
 *    nothing);
 * 2. its tests must pass on the unmutated code (run once per distinct test set), or a "catch" would prove nothing;
 * 3. the file is mutated, the tests run, and the file is restored, whatever happens (also on Ctrl-C);
 * 4. the mutant is caught when the tests fail.
 *
 * The score is caught / total. Exit status 0 only when every mutant was caught and no pattern was stale.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MUTANTS, type Mutant } from "../test/mutation/mutants.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULT = join(ROOT, "bench/results/mutation.json");
const TIMEOUT_MS = 8 * 60_000;

interface Outcome {
  id: string;
  description: string;
  file: string;
  caught: boolean;
  seconds: number;
  /** The last lines of the failing run's output (what caught it), or why it was not caught. */
  evidence: string;
}

function parseArgs(argv: string[]): { only: string[]; list: boolean; json: boolean } {
  const only: string[] = [];
  let list = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--only") {
      const id = argv[++i];
      if (id === undefined) throw new Error("--only needs a mutant id (see --list)");
      only.push(id);
    } else if (a === "--list") list = true;
    else if (a === "--json") json = true;
    else if (a === "--help" || a === "-h") {
      console.log(readFileSync(fileURLToPath(import.meta.url), "utf8").split("*/")[0]!.replace(/^\/\*\*|^ \* ?/gm, ""));
      process.exit(0);
    } else throw new Error(`unknown option ${a} (see --help)`);
  }
  return { only, list, json };
}

function countOccurrences(text: string, find: string): number {
  let n = 0;
  for (let i = text.indexOf(find); i !== -1; i = text.indexOf(find, i + find.length)) n++;
  return n;
}

/** Runs a mutant's tests; true when they pass. */
function runTests(m: Pick<Mutant, "runner" | "tests">): { passed: boolean; tail: string; seconds: number } {
  const started = Date.now();
  const args = m.runner === "solidity" ? ["test", "solidity", ...m.tests] : ["test", "mocha", ...m.tests];
  const r = spawnSync(join(ROOT, "node_modules/.bin/hardhat"), args, {
    cwd: ROOT,
    encoding: "utf8",
    timeout: TIMEOUT_MS,
    env: { ...process.env, PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}`, FORCE_COLOR: "0" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code !== "ETIMEDOUT") throw new Error(`could not run the tests: ${r.error.message}`);
  const tail = out.trimEnd().split("\n").filter((l) => /failing|passing|Error|AssertionError|expected|✗|\d+\)/.test(l)).slice(0, 12).join("\n");
  const timedOut = r.error !== undefined && (r.error as NodeJS.ErrnoException).code === "ETIMEDOUT";
  return { passed: r.status === 0 && !timedOut, tail: timedOut ? `timed out after ${TIMEOUT_MS / 1000} s` : tail, seconds: (Date.now() - started) / 1000 };
}

function main(): void {
  const { only, list, json } = parseArgs(process.argv.slice(2));
  const unknown = only.filter((id) => !MUTANTS.some((m) => m.id === id));
  if (unknown.length > 0) throw new Error(`unknown mutant ${unknown.join(", ")} (see --list)`);
  const chosen = only.length > 0 ? MUTANTS.filter((m) => only.includes(m.id)) : MUTANTS;
  if (list) {
    for (const m of chosen) console.log(`${m.id.padEnd(28)} ${m.file}\n${" ".repeat(29)}${m.description}`);
    return;
  }
  const log = (s: string) => (json ? process.stderr.write(`${s}\n`) : console.log(s));

  // 1. Every pattern occurs exactly once.
  const stale = chosen
    .map((m) => ({ m, n: countOccurrences(readFileSync(join(ROOT, m.file), "utf8"), m.find) }))
    .filter(({ n }) => n !== 1);
  for (const { m, n } of stale) log(`stale mutant ${m.id}: its pattern occurs ${n} times in ${m.file} (needs exactly 1)`);
  if (stale.length > 0) process.exit(1);

  // 2. The tests pass on the unmutated code.
  const sets = new Map<string, Pick<Mutant, "runner" | "tests">>();
  for (const m of chosen) sets.set(`${m.runner ?? "mocha"} ${m.tests.join(" ")}`, m);
  for (const [key, set] of sets) {
    log(`baseline: ${key}`);
    const r = runTests(set);
    if (!r.passed) {
      log(`the tests fail on the unmutated code, so no mutant can be judged:\n${r.tail}`);
      process.exit(1);
    }
  }

  // 3–4. Mutate, test, restore.
  const outcomes: Outcome[] = [];
  for (const m of chosen) {
    const path = join(ROOT, m.file);
    const original = readFileSync(path, "utf8");
    const restore = () => writeFileSync(path, original);
    const onSignal = () => {
      restore();
      process.exit(130);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      writeFileSync(path, original.replace(m.find, m.replace));
      log(`mutant ${m.id}: ${m.description}`);
      const r = runTests(m);
      const caught = !r.passed;
      outcomes.push({ id: m.id, description: m.description, file: m.file, caught, seconds: r.seconds, evidence: caught ? r.tail : "the tests passed with the bug in place" });
      log(`  ${caught ? "caught" : "SURVIVED"} in ${r.seconds.toFixed(0)} s${caught ? `\n${r.tail.replace(/^/gm, "    ")}` : ""}`);
    } finally {
      restore();
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    }
  }

  const caught = outcomes.filter((o) => o.caught).length;
  const result = { score: caught / outcomes.length, caught, total: outcomes.length, measuredAt: new Date().toISOString(), mutants: outcomes };
  if (only.length === 0) {
    mkdirSync(dirname(RESULT), { recursive: true });
    writeFileSync(RESULT, `${JSON.stringify(result, null, 2)}\n`);
  }
  if (json) console.log(JSON.stringify(result, null, 2));
  else console.log(`\nmutation score: ${caught}/${outcomes.length}${only.length === 0 ? ` (written to ${RESULT.slice(ROOT.length + 1)})` : ""}`);
  process.exit(caught === outcomes.length ? 0 : 1);
}

try {
  main();
} catch (e) {
  console.error(`mutate: ${(e as Error).message}`);
  process.exit(2);
}
