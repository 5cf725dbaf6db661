/**
 * The embedded local chain (chain id 31337) on 127.0.0.1.
 *
 * - By default, Hardhat's EDR node runs inside this process: reliable under pipelined load (TOOLCHAIN.md),
 *   automine, state in memory only. Nothing is left running when this process ends.
 * - With a data directory, anvil (npm `@foundry-rs/anvil-linux-amd64`) runs as a child with `--state`, so
 *   blocks, logs and contracts survive a restart and the deployment file stays valid:
 *   - interval mining (automine stalls when one sender's transactions arrive faster than it mines);
 *   - `--prune-history 256`: the last 256 blocks' states stay readable (plain `--prune-history` keeps almost
 *     none, so a read pinned to a block a few seconds old failed with BlockOutOfRangeError), and nothing is
 *     written to ~/.foundry/anvil/tmp (else a snapshot per block, never deleted);
 *   - the state is saved every {@link STATE_INTERVAL_S} seconds and on exit; a crash loses at most the blocks
 *     since the last save, and the next start says so (it compares with the head it last recorded);
 *   - memory: anvil 1.7.1 (the newest on npm) keeps about one copy of the chain's world state per mined block, empty
 *     blocks included, for as long as it runs, whenever it keeps any state history: `--prune-history N` for every N
 *     tried (2, 16, 256), `--max-persisted-states 0`, and its default. Measured idle on a saved soak state (3,600
 *     storage slots): +0.4 MiB a block in each of those; plain `--prune-history` (no history: reads at any block
 *     but the head fail) stays flat. The copy grows with the state (every payment reference is a slot), so a
 *     long-running persistent chain grows with blocks × state, whatever `--keep-transactions` says. The fix is
 *     anvil's (its state history was rewritten upstream after 1.7.1) or restarting the chain from its folder;
 *   - the folder is locked (`chain.lock`) against a second chain;
 *   - anvil runs under a small shell watchdog that stops it (SIGTERM: it saves its state) when this process
 *     ends in any way, SIGKILL included, so no node and no port outlive the chain.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { CliError } from "./errors.js";
import { createHre } from "./hardhat.js";

/** Seconds between anvil's state saves. */
export const STATE_INTERVAL_S = 2;
/** How many recent blocks' states anvil keeps readable. */
export const HISTORY_BLOCKS = 256;

/** A running local chain. */
export interface LocalChain {
  /** The JSON-RPC URL, e.g. http://127.0.0.1:8545. */
  url: string;
  /** "hardhat" (in-process EDR, in memory) or "anvil" (child process, persistent). */
  engine: "hardhat" | "anvil";
  /** The state file when persistent. */
  stateFile?: string;
  /** The node's process id when it runs as a child (anvil). */
  nodePid?: number;
  /**
   * When persistent: the head this chain had reached before it last stopped, and the block it restarted from.
   * `lostBlocks > 0` means it went back (it crashed between two state saves).
   */
  resumed?: { lastSeenBlock: number; restoredBlock: number; lostBlocks: number };
  /** Stops the chain (anvil writes its state first) and resolves when it is gone. */
  close(): Promise<void>;
  /** Resolves when the chain stops on its own (e.g. anvil crashed). */
  closed: Promise<void>;
}

/** Options of {@link startLocalChain}. */
export interface LocalChainOptions {
  host?: string;
  /** The port; 0 picks a free one. */
  port: number;
  /** Persist the chain in this folder (anvil `--state`). */
  dataDir?: string;
  /** Seconds between blocks for the persistent chain (default 1). */
  blockTime?: number;
  /**
   * With a data directory: keep the transactions, receipts and logs of only the last this many blocks (anvil
   * `--transaction-block-keeper`); older blocks keep their headers. Default: every block's (memory grows with the
   * history).
   */
  keepTransactions?: number;
}

/**
 * Starts the local chain and resolves once it answers JSON-RPC.
 *
 * @example const chain = await startLocalChain({ port: 0 }); … await chain.close();
 */
export async function startLocalChain(options: LocalChainOptions): Promise<LocalChain> {
  const host = options.host ?? "127.0.0.1";
  return options.dataDir === undefined
    ? startHardhat(host, options.port)
    : startAnvil(host, options.port, options.dataDir, options.blockTime ?? 1, options.keepTransactions);
}

async function startHardhat(host: string, port: number): Promise<LocalChain> {
  const hre = await createHre();
  const server = await hre.network.createServer("node", host, port);
  let address;
  try {
    address = await server.listen();
  } catch (error) {
    throw new CliError(`cannot listen on ${host}:${port}: ${(error as Error).message}`, { code: "port-in-use", cause: error });
  }
  return {
    url: `http://${host}:${address.port}`,
    engine: "hardhat",
    close: () => server.close(),
    closed: server.afterClosed(),
  };
}

/** Path of the anvil binary shipped in the optional npm package, or a clear error. */
function anvilBinary(): string {
  const pkg = `@foundry-rs/anvil-${process.platform === "win32" ? "win32" : process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  try {
    return createRequire(import.meta.url).resolve(`${pkg}/bin/anvil${process.platform === "win32" ? ".exe" : ""}`);
  } catch {
    throw new CliError(
      `--data-dir needs anvil (npm ${pkg}), which is not installed for ${process.platform}-${process.arch}; run the chain without --data-dir (in memory)`,
      { code: "no-anvil" },
    );
  }
}

/** What `chain.lock` holds. */
interface LockInfo {
  pid: number;
  nodePid?: number;
  url?: string;
  startedAt: string;
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Locks a chain data directory for this process: `chain.lock` is created exclusively; a lock left by a
 * process that is gone (and whose node is gone) is taken over.
 *
 * @returns A function that updates the lock's details, and one that releases it.
 * @throws CliError naming the process that holds the folder.
 */
export function lockDataDir(dataDir: string): { update(info: Partial<LockInfo>): void; release(): void } {
  const path = join(dataDir, "chain.lock");
  let info: LockInfo = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, `${JSON.stringify(info)}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
      let holder: Partial<LockInfo> = {};
      try {
        holder = JSON.parse(readFileSync(path, "utf8")) as LockInfo;
      } catch {
        // Half-written by a process that died while locking: stale.
      }
      if (alive(holder.pid) || alive(holder.nodePid)) {
        throw new CliError(
          `data directory ${dataDir} is in use by another chain (process ${holder.pid}${holder.url ? ` on ${holder.url}` : ""}, since ${holder.startedAt}); stop it first, or use another --data-dir`,
          { code: "data-dir-locked", details: { lock: path, holder } },
        );
      }
      rmSync(path, { force: true });
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    try {
      if ((JSON.parse(readFileSync(path, "utf8")) as LockInfo).pid === process.pid) rmSync(path, { force: true });
    } catch {
      // Already gone.
    }
  };
  process.once("exit", release);
  return {
    update(more) {
      info = { ...info, ...more };
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(info)}\n`);
      renameSync(tmp, path);
    },
    release,
  };
}

/** The block number anvil's state file was saved at, or undefined when there is none. */
function savedBlock(stateFile: string): number | undefined {
  if (!existsSync(stateFile)) return undefined;
  try {
    const state = JSON.parse(readFileSync(stateFile, "utf8")) as { best_block_number?: string | number; block?: { number?: string } };
    const n = state.best_block_number ?? state.block?.number;
    return n === undefined ? undefined : Number(n);
  } catch {
    return undefined;
  }
}

/**
 * The shell watchdog: runs `"$@"` (anvil) with stdin from /dev/null, and stops it with SIGTERM as soon as its
 * own stdin (a pipe from this process) reaches end of file, which happens when this process ends, however
 * it ends. It prints anvil's pid first, then exits with anvil's status.
 */
const WATCHDOG = `exec 3<&0 </dev/null
"$@" & a=$!
echo "goods-ledger: node pid $a"
{ read -r _ <&3; kill -TERM $a 2>/dev/null; } &
w=$!
wait $a; s=$?
kill $w 2>/dev/null
exit $s`;

async function startAnvil(host: string, port: number, dataDir: string, blockTime: number, keepTransactions?: number): Promise<LocalChain> {
  const bin = anvilBinary();
  mkdirSync(dataDir, { recursive: true });
  const lock = lockDataDir(dataDir);
  const stateFile = join(dataDir, "anvil-state.json");
  const headFile = join(dataDir, "head.json");
  const logFile = join(dataDir, "anvil.log");
  const restoredBlock = savedBlock(stateFile);
  let lastSeenBlock: number | undefined;
  try {
    lastSeenBlock = (JSON.parse(readFileSync(headFile, "utf8")) as { block: number }).block;
  } catch {
    lastSeenBlock = undefined;
  }
  const args = [
    "--host", host,
    "--port", String(port),
    "--chain-id", "31337",
    "--state", stateFile,
    "--state-interval", String(STATE_INTERVAL_S),
    "--prune-history", String(HISTORY_BLOCKS),
    ...(blockTime > 0 ? ["--block-time", String(blockTime)] : []),
    // anvil holds every mined transaction with its receipt, logs and call trace in memory (and in each state
    // save): without a bound its memory and its saves grow with the history.
    ...(keepTransactions !== undefined ? ["--transaction-block-keeper", String(keepTransactions)] : []),
  ];
  // anvil logs every request: to a file, not a pipe (a pipe breaks when this process dies, and anvil would
  // fail writing to it before it saves its state).
  const log = openSync(logFile, "w");
  let child: ChildProcess;
  try {
    child = spawn("/bin/sh", ["-c", WATCHDOG, "goods-ledger-chain", bin, ...args], { stdio: ["pipe", log, log] });
  } finally {
    closeSync(log);
  }
  const closed = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  closed.then(() => lock.release(), () => lock.release());
  let nodePid: number | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      let text = "";
      try {
        text = readFileSync(logFile, "utf8");
      } catch {
        return;
      }
      nodePid ??= Number(/goods-ledger: node pid (\d+)/.exec(text)?.[1]) || undefined;
      const m = /Listening on ([\d.]+):(\d+)/.exec(text);
      if (m) {
        clearInterval(timer);
        resolve(`http://${m[1]}:${m[2]}`);
      }
    }, 25);
    child.once("error", (error) => {
      clearInterval(timer);
      reject(new CliError(`cannot start anvil: ${error.message}`, { cause: error }));
    });
    child.once("exit", (code) => {
      clearInterval(timer);
      const last = readFileSync(logFile, "utf8").trim().split("\n").filter((l) => !l.startsWith("goods-ledger:")).pop() ?? "";
      reject(new CliError(`anvil exited (code ${code}) before listening: ${last}`, { code: "chain-failed" }));
    });
  }).catch((error: unknown) => {
    lock.release();
    throw error;
  });
  lock.update({ nodePid, url });
  // Record the head as it grows, so a restart after a crash can tell how many blocks were lost.
  let recorded = restoredBlock ?? -1;
  const watcher = setInterval(() => {
    void fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' })
      .then((r) => r.json() as Promise<{ result?: string }>)
      .then(({ result }) => {
        const block = Number(result);
        if (Number.isFinite(block) && block > recorded) {
          recorded = block;
          writeFileSync(`${headFile}.tmp`, `${JSON.stringify({ block, at: new Date().toISOString() })}\n`);
          renameSync(`${headFile}.tmp`, headFile);
        }
      })
      .catch(() => undefined);
  }, 500);
  watcher.unref();
  void closed.then(() => clearInterval(watcher));
  const resumed =
    restoredBlock === undefined || lastSeenBlock === undefined
      ? undefined
      : { lastSeenBlock, restoredBlock, lostBlocks: Math.max(0, lastSeenBlock - restoredBlock) };
  return { url, engine: "anvil", stateFile, nodePid, resumed, closed, close: () => stopAnvil(child, closed, nodePid) };
}

/** Closes the watchdog's stdin (it stops anvil, which saves its state), then waits; SIGKILL after 10 s. */
async function stopAnvil(child: ChildProcess, closed: Promise<void>, nodePid: number | undefined): Promise<void> {
  child.stdin?.end();
  const timer = setTimeout(() => {
    if (nodePid !== undefined && alive(nodePid)) process.kill(nodePid, "SIGKILL");
    child.kill("SIGKILL");
  }, 10_000);
  await closed;
  clearTimeout(timer);
}
