/**
 * `npm run bench`: runs every benchmark in this folder in turn, each in its own process so one
 * cannot skew another's memory or JIT state. Each writes its own file in bench/results/ and
 * prints ratios against a baseline measured in the same run.
 *
 *   npm run bench              # all
 *   npm run bench -- gas sdk   # only these
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
  console.log(`usage: npm run bench [-- ${[...all, ...named].join(" ")}]\n\nWrites bench/results/<name>.json for each benchmark run; ${named.join(", ")} only when named.`);
  process.exit(0);
}
const wanted = args.length > 0 ? args : all;
let failed = 0;
for (const name of wanted) {
  const file = join(here, `${name}.ts`);
  if (!existsSync(file)) {
    console.error(`bench: no benchmark named "${name}" (known: ${[...all, ...named].join(", ")})`);
    failed++;
    continue;
  }
  console.log(`\n=== bench ${name} ===`);
  const r = spawnSync(process.execPath, ["--import", "tsx", file], { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`bench ${name} failed (exit ${r.status})`);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
