/**
 * `npm run bench`: runs every benchmark in this folder in turn, each in its own process so one
 * cannot skew another's memory or JIT state. Each writes its own file in bench/results/ and
 * prints ratios against a baseline measured in the same run.
 *
 *   npm run bench              # all
 *   npm run bench -- gas sdk   # only these
 *   npm run bench -- scale --transfers 2000000 --wallets 200000   # options after the names go to each named bench
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const all = ["gas", "sdk", "ingest", "trace", "server", "page", "cli"];
/** Run only when named (about 20 minutes): `npm run bench -- scale`. */
const named = ["scale"];
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(`usage: npm run bench [-- ${[...all, ...named].join(" ")} [--option value …]]\n\nOptions after the names go to each named bench (e.g. scale --transfers 2000000 --wallets 200000 --keep DIR). Writes bench/results/<name>.json for each benchmark run; ${named.join(", ")} only when named.`);
  process.exit(0);
}
// Names first; from the first `--option` on, the arguments are passed to each bench run.
const firstOption = args.findIndex((a) => a.startsWith("--"));
const names = firstOption < 0 ? args : args.slice(0, firstOption);
const passed = firstOption < 0 ? [] : args.slice(firstOption);
const wanted = names.length > 0 ? names : all;
let failed = 0;
for (const name of wanted) {
  const file = join(here, `${name}.ts`);
  if (!existsSync(file)) {
    console.error(`bench: no benchmark named "${name}" (known: ${[...all, ...named].join(", ")})`);
    failed++;
    continue;
  }
  console.log(`\n=== bench ${name} ===`);
  const r = spawnSync(process.execPath, ["--import", "tsx", file, ...passed], { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`bench ${name} failed (exit ${r.status})`);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
