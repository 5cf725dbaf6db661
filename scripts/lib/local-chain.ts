/**
 * The embedded local chain (chain id 31337) on 127.0.0.1.
 *
 * - By default, Hardhat's EDR node runs inside this process: reliable under pipelined load (TOOLCHAIN.md),
 *   automine, state in memory only. Nothing is left running when this process ends.
 * - With a data directory, anvil (npm `@foundry-rs/anvil-linux-amd64`) runs as a child with `--state`, so
 *   blocks, logs and contracts survive a restart and the deployment file stays valid. It gets
 *   `--prune-history` (else it writes a snapshot per block to ~/.foundry/anvil/tmp and never deletes it)
 *   and interval mining (automine stalls when one sender's transactions arrive faster than it mines).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CliError } from "./errors.js";
import { createHre } from "./hardhat.js";

/** A running local chain. */
export interface LocalChain {
  /** The JSON-RPC URL, e.g. http://127.0.0.1:8545. */
  url: string;
  /** "hardhat" (in-process EDR, in memory) or "anvil" (child process, persistent). */
  engine: "hardhat" | "anvil";
  /** The state file when persistent. */
  stateFile?: string;
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
    : startAnvil(host, options.port, options.dataDir, options.blockTime ?? 1);
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

async function startAnvil(host: string, port: number, dataDir: string, blockTime: number): Promise<LocalChain> {
  const bin = anvilBinary();
  mkdirSync(dataDir, { recursive: true });
  const stateFile = join(dataDir, "anvil-state.json");
  const args = [
    "--host", host,
    "--port", String(port),
    "--chain-id", "31337",
    "--state", stateFile,
    "--state-interval", "2",
    "--prune-history",
    ...(blockTime > 0 ? ["--block-time", String(blockTime)] : []),
  ];
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  const closed = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let log = "";
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = /Listening on ([\d.]+):(\d+)/.exec(log);
      if (m) {
        child.stdout!.off("data", onData);
        child.stdout!.resume();
        resolve(`http://${m[1]}:${m[2]}`);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.once("error", (error) => reject(new CliError(`cannot start anvil: ${error.message}`, { cause: error })));
    child.once("exit", (code) =>
      reject(new CliError(`anvil exited (code ${code}) before listening: ${log.trim().split("\n").pop() ?? ""}`, { code: "chain-failed" })),
    );
  });
  return { url, engine: "anvil", stateFile, closed, close: () => stopChild(child, closed) };
}

async function stopChild(child: ChildProcess, closed: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await closed;
  clearTimeout(timer);
}
