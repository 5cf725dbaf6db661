/**
 * Long-running children of the soak, each the leader of its own process group (spawned detached), so a kill
 * reaches everything it started (the chain's anvil too), and nothing outlives the soak.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readdirSync, readFileSync, type WriteStream } from "node:fs";

/** One incarnation of a managed process. */
export interface Incarnation {
  pid: number;
  startedAt: number;
  endedAt: number | null;
  /** How it ended: a signal we sent, or an exit of its own. */
  ended: string | null;
}

/** A child process the soak starts, kills and restarts. */
export class Managed {
  readonly incarnations: Incarnation[] = [];
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  readonly #log: WriteStream;
  /** Set while the soak means it to run: an exit then is a crash. */
  expected = false;
  crashes = 0;

  constructor(readonly name: string, readonly command: string, readonly args: readonly string[], logFile: string, readonly env: NodeJS.ProcessEnv = process.env) {
    this.#log = createWriteStream(logFile, { flags: "a" });
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /**
   * Starts it and resolves when `ready(stdout so far)` returns a value (polled on each chunk of output), or
   * rejects when it exits first or `timeoutMs` passes.
   */
  start<T>(ready: (stdout: string) => T | null, timeoutMs = 120_000): Promise<T> {
    const child = spawn(this.command, this.args, { detached: true, stdio: ["ignore", "pipe", "pipe"], env: this.env });
    this.#child = child;
    const inc: Incarnation = { pid: child.pid!, startedAt: Date.now(), endedAt: null, ended: null };
    this.incarnations.push(inc);
    this.expected = true;
    this.#log.write(`\n=== ${new Date().toISOString()} start ${this.name} pid ${child.pid}: ${this.command} ${this.args.join(" ")}\n`);
    let out = "";
    child.stderr!.on("data", (d: Buffer) => this.#log.write(d));
    this.#exited = new Promise<void>((resolve) => {
      child.on("exit", (code, signal) => {
        inc.endedAt = Date.now();
        inc.ended ??= signal !== null ? `signal ${signal}` : `exit ${code}`;
        this.#log.write(`=== ${new Date().toISOString()} ${this.name} pid ${child.pid} ended: ${inc.ended}\n`);
        if (this.expected && this.#child === child) this.crashes++;
        resolve();
      });
    });
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        if (!done) reject(new Error(`${this.name} not ready within ${timeoutMs} ms`));
        done = true;
      }, timeoutMs);
      child.stdout!.on("data", (d: Buffer) => {
        this.#log.write(d);
        if (done) return;
        out += d.toString();
        const v = ready(out);
        if (v !== null) {
          done = true;
          clearTimeout(timer);
          resolve(v);
        }
      });
      void this.#exited.then(() => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        reject(new Error(`${this.name} exited before it was ready (${inc.ended}); see its log`));
      });
    });
  }

  /**
   * SIGKILL goes to the whole process group at once (a crash of everything it started). Any other signal goes to
   * the leader alone, which stops its own children in order (the chain lets anvil save its state: a signal to
   * the whole group would cut that short); after `graceMs` whatever is left of the group is killed.
   */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 30_000): Promise<void> {
    const child = this.#child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    this.expected = false;
    this.incarnations.at(-1)!.ended = signal === "SIGKILL" ? "SIGKILL (chaos)" : `stopped (${signal})`;
    const pgid = child.pid!;
    if (signal === "SIGKILL") killGroup(pgid, signal);
    else child.kill(signal);
    const deadline = Date.now() + graceMs;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    while (groupPids(pgid).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    killGroup(pgid, "SIGKILL");
    await this.#exited;
  }

  /** Resident memory of every process in its group, in bytes (0 when not running). */
  rss(): number {
    const pid = this.#child?.pid;
    if (pid === undefined || this.#child!.exitCode !== null || this.#child!.signalCode !== null) return 0;
    return groupRss(pid);
  }

  closeLog(): void {
    this.#log.end();
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** The pids of a process group (Linux /proc). */
export function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so split after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

/** Resident memory of a process group, in bytes. */
export function groupRss(pgid: number): number {
  let total = 0;
  for (const pid of groupPids(pgid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m !== null) total += Number(m[1]) * 1024;
    } catch {
      // ended meanwhile
    }
  }
  return total;
}
