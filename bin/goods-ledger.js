#!/usr/bin/env node
// The `goods-ledger` command. Hardhat 3 needs Node >= 22.13; the project ships node@22 as a dev
// dependency, so on an older system Node this re-runs itself on that one. Then it registers tsx and
// hands over to scripts/cli.ts.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [major, minor] = process.versions.node.split(".").map(Number);

if (major < 22 || (major === 22 && minor < 13)) {
  const node22 = join(root, "node_modules", "node", "bin", "node");
  if (!existsSync(node22)) {
    console.error(
      `goods-ledger: needs Node >= 22.13 (this is ${process.versions.node}); run the README's install step (npm run setup) first`,
    );
    process.exit(1);
  }
  const child = spawn(node22, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 143)));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import(pathToFileURL(join(root, "scripts", "cli.ts")).href);
  await main(process.argv);
}
