#!/bin/sh
":" //; d="${0%/*}"; for n in "$d/node" "$d/../node_modules/node/bin/node" "$(dirname "$(readlink -f "$0")")/../node_modules/node/bin/node" node; do [ -x "$n" ] || [ "$n" = node ] && break; done; exec "$n" "$0" "$@"
// The `goods-ledger` command.
//
// Run as a program, the line above (a no-op in JavaScript) makes the shell *replace itself* with the project's
// Node 22 (Hardhat 3 needs >= 22.13; the project ships node@22 as a dev dependency): one process, so the PID the
// user has is the one doing the work. Run as `node bin/goods-ledger.js` on an older Node, there is no way to
// replace the process: it starts Node 22 as a child over an IPC channel, and the child exits within a second
// when that channel closes (this process ended, even by SIGKILL).
//
// Then it runs the precompiled CLI, dist/cli.mjs (bin/build.js), after checking that it was built from the
// sources as they are now; if not, it rebuilds first (about 0.2 s), so an edited checkout never runs old code.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [major, minor] = process.versions.node.split(".").map(Number);

/**
 * Node's compile cache (V8 code cache, Node >= 22.1): the CLI's code is compiled once, not at every start. The
 * cache lives in node_modules/.cache/goods-ledger (it goes with the install, and git never sees it), else, when
 * that cannot be written, in $XDG_CACHE_HOME/goods-ledger or ~/.cache/goods-ledger; without a writable place the
 * CLI runs without it. GOODS_LEDGER_COMPILE_CACHE=<dir> picks the folder, =off turns it off; Node's own
 * NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE win over both. Each build (bin/build.js) empties it.
 */
function enableCompileCache() {
  const choice = process.env.GOODS_LEDGER_COMPILE_CACHE;
  if (choice === "off" || process.env.NODE_DISABLE_COMPILE_CACHE || process.env.NODE_COMPILE_CACHE) return;
  const module = process.getBuiltinModule("node:module");
  for (const dir of choice ? [choice] : compileCacheDirs()) {
    // FAILED (a folder it cannot create or write) is a status, not an exception: try the next place.
    const { status } = module.enableCompileCache?.(dir) ?? {};
    if (status !== module.constants?.compileCacheStatus?.FAILED) return;
  }
}

/** Where the compile cache may live, in order of preference (see enableCompileCache). */
function compileCacheDirs() {
  const home = process.env.HOME || process.env.USERPROFILE;
  const userCache = process.env.XDG_CACHE_HOME || (home ? join(home, ".cache") : undefined);
  return [join(root, "node_modules", ".cache", "goods-ledger"), ...(userCache ? [join(userCache, "goods-ledger")] : [])];
}

if (major < 22 || (major === 22 && minor < 13)) {
  const node22 = join(root, "node_modules", "node", "bin", "node");
  if (!existsSync(node22)) {
    console.error(
      `goods-ledger: needs Node >= 22.13 (this is ${process.versions.node}); run the README's install step (npm run setup) first`,
    );
    process.exit(1);
  }
  const child = spawn(node22, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: ["inherit", "inherit", "inherit", "ipc"] });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? 128 + ({ SIGINT: 2, SIGHUP: 1, SIGKILL: 9 }[signal] ?? 15)));
} else {
  if (process.channel) {
    // Started by the block above (or by another program over IPC): when the parent is gone, so is the work.
    // SIGTERM lets a running `chain` stop its node cleanly; the timer makes sure nothing outlives a second.
    process.once("disconnect", () => {
      setTimeout(() => process.exit(143), 900).unref();
      process.kill(process.pid, "SIGTERM");
    });
    process.channel.unref();
  }
  const { buildState, build, bundlePath } = await import("./build.js");
  const state = buildState();
  let entry = bundlePath;
  if (state !== "current") {
    try {
      await build();
    } catch (error) {
      const esbuildMissing = error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("esbuild");
      if (!esbuildMissing) {
        console.error(`goods-ledger: cannot build the CLI (${state === "missing" ? "no build yet" : state}):\n${error?.message ?? error}`);
        process.exit(1);
      }
      // No esbuild (an install without dev dependencies): run the sources through tsx, slower but current.
      const { register } = await import("tsx/esm/api");
      register();
      entry = join(root, "scripts", "cli.ts");
    }
  }
  enableCompileCache();
  const { main } = await import(pathToFileURL(entry).href);
  await main(process.argv);
}
