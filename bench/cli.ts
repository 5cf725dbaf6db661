/**
 * CLI start-up: `goods-ledger balance ADDR` against Foundry's `cast call` of `balanceOf` on the same node, in
 * one run (issue 10). The node is the CLI's persistent local chain (`chain --data-dir`, anvil, a block per
 * transaction): cast cannot talk to Hardhat's EDR (it sends both `input` and `data`, which EDR refuses).
 *
 * - **ours**: `bin/goods-ledger.js balance ADDR` run as a program, as a user runs it (its shell line execs the
 *   project's Node 22; the precompiled CLI in dist/ is built before the clock starts).
 * - **cast**: the `cast` binary of npm `@foundry-rs/cast-linux-amd64` (an optional dependency):
 *   `cast call --rpc-url URL TOKEN "balanceOf(address)(uint256)" ADDR`.
 *
 * Each round runs both, alternating which goes first; medians of {@link RUNS} runs each. Both answers are
 * checked once against each other. Writes bench/results/cli.json and exits 1 when the ratio is above 2.
 *
 *   npm run bench -- cli
 *   CLI_BENCH_RUNS=30 npm run bench -- cli
 */
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const bin = join(root, "bin", "goods-ledger.js");
const RUNS = Math.max(10, Number(process.env.CLI_BENCH_RUNS ?? 15));
const GATE = 2;
const HOLDER = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"; // dev account 8

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function castBinary(): string {
  try {
    return createRequire(import.meta.url).resolve("@foundry-rs/cast-linux-amd64/bin/cast");
  } catch {
    console.error("bench cli: needs the cast binary (npm @foundry-rs/cast-linux-amd64, an optional dependency of this project)");
    process.exit(1);
  }
}

const dir = mkdtempSync(join(tmpdir(), "goods-ledger-bench-cli-"));
const env = { ...process.env, GOODS_LEDGER_DEPLOYMENTS: join(dir, "deployments"), GOODS_LEDGER_KEYSTORE: join(dir, "keystore") };
mkdirSync(env.GOODS_LEDGER_DEPLOYMENTS, { recursive: true });

function run(command: string, args: string[]): { ms: number; stdout: string } {
  const started = performance.now();
  const r = spawnSync(command, args, { env, encoding: "utf8" });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const chain = spawn(bin, ["chain", "--port", "0", "--json", "--data-dir", join(dir, "chain"), "--block-time", "0"], { env, stdio: ["ignore", "pipe", "inherit"] });
try {
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    chain.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /"url": "([^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    chain.once("exit", (code) => reject(new Error(`chain exited with ${code}`)));
  });
  const deployment = JSON.parse(run(bin, ["--rpc-url", url, "deploy", "--json"]).stdout) as { contracts: { token: string } };
  const token = deployment.contracts.token;
  const cast = castBinary();
  const ours = [bin, "--rpc-url", url, "balance", HOLDER];
  const theirs = ["call", "--rpc-url", url, token, "balanceOf(address)(uint256)", HOLDER];

  // Warm-up (and the answers, checked once): the build in dist/ and V8's code cache exist before the clock.
  const oursJson = JSON.parse(run(bin, [...ours.slice(1), "--json"]).stdout) as { balance: string };
  const castRaw = run(cast, theirs).stdout.trim().split(/\s/)[0]!;
  if (BigInt(castRaw) !== BigInt(Math.round(Number(oursJson.balance) * 1e6))) throw new Error(`answers differ: ours ${oursJson.balance}, cast ${castRaw}`);
  run(bin, ours.slice(1));

  const oursMs: number[] = [];
  const castMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      oursMs.push(run(bin, ours.slice(1)).ms);
      castMs.push(run(cast, theirs).ms);
    } else {
      castMs.push(run(cast, theirs).ms);
      oursMs.push(run(bin, ours.slice(1)).ms);
    }
  }
  const result = {
    balance: {
      ours_ms: Math.round(median(oursMs) * 10) / 10,
      cast_ms: Math.round(median(castMs) * 10) / 10,
      ratio: Math.round((median(oursMs) / median(castMs)) * 100) / 100,
      runs: RUNS,
      node: "anvil 1.7.1 (goods-ledger chain --data-dir --block-time 0)",
      ours: "bin/goods-ledger.js --rpc-url URL balance ADDR",
      cast: 'cast call --rpc-url URL TOKEN "balanceOf(address)(uint256)" ADDR',
      load_avg_1m: Math.round(loadavg()[0]! * 100) / 100,
      measured_at: new Date().toISOString(),
    },
  };
  const file = join(here, "results", "cli.json");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`balance: ours ${result.balance.ours_ms} ms, cast ${result.balance.cast_ms} ms, ratio ${result.balance.ratio} (bar ≤ ${GATE}); medians of ${RUNS}; load ${result.balance.load_avg_1m}`);
  console.log(`wrote ${file}`);
  process.exitCode = result.balance.ratio <= GATE ? 0 : 1;
} finally {
  chain.kill("SIGTERM");
  await new Promise((r) => chain.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
}
