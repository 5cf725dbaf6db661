// Runs the real `goods-ledger` binary in tests: a chain of its own on a free port, and commands against it,
// each with a private deployments folder and keystore so nothing touches the developer's files.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The `goods-ledger` program. */
export const bin = fileURLToPath(new URL("../../bin/goods-ledger.js", import.meta.url));

/** What one run of the binary printed. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document `--json` promises. */
  json<T = Record<string, unknown>>(): T;
}

/** A sandbox: its own folders and environment for every command. */
export class CliSandbox {
  readonly dir = mkdtempSync(join(tmpdir(), "goods-ledger-cli-"));
  readonly env: Record<string, string> = {
    GOODS_LEDGER_DEPLOYMENTS: join(this.dir, "deployments"),
    GOODS_LEDGER_KEYSTORE: join(this.dir, "keystore"),
  };
  #chain: ChildProcess | undefined;

  /**
   * Runs `goods-ledger <args>` with Node 22 (this process's), and resolves when it exits.
   *
   * @param args - The arguments.
   * @param options - Extra environment and text for stdin.
   */
  run(args: string[], options: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], {
        cwd: options.cwd,
        env: { ...process.env, ...this.env, ...options.env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) =>
        resolve({
          code: code ?? -1,
          stdout,
          stderr,
          json: <T>() => {
            try {
              return JSON.parse(stdout) as T;
            } catch {
              throw new Error(`stdout of goods-ledger ${args.join(" ")} is not one JSON document:\n${stdout}\nstderr:\n${stderr}`);
            }
          },
        }),
      );
      child.stdin.end(options.input ?? "");
    });
  }

  /**
   * Starts `goods-ledger chain --port 0 --json [extra]` and resolves with its URL once it listens.
   * Sets GOODS_LEDGER_RPC_URL for later commands. A chain this sandbox started before is stopped first.
   */
  async startChain(extra: string[] = [], options: { cwd?: string } = {}): Promise<string> {
    // A chain left running by a test that failed before stopping it would otherwise be orphaned here, and its pipes
    // would keep the test process alive after the run.
    await this.stopChain();
    const child = spawn(process.execPath, [bin, "chain", "--port", "0", "--json", ...extra], {
      cwd: options.cwd,
      env: { ...process.env, ...this.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#chain = child;
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      let err = "";
      child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /"url": "([^"]+)"/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`goods-ledger chain exited with ${code}: ${err}`)));
    });
    this.env.GOODS_LEDGER_RPC_URL = url;
    return url;
  }

  /** Stops the chain this sandbox started (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
  async stopChain(): Promise<void> {
    const child = this.#chain;
    this.#chain = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the chain and deletes the sandbox's folders. */
  async dispose(): Promise<void> {
    await this.stopChain();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
