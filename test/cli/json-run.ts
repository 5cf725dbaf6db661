// `--json` runs of the real binary for the governance, payout and pay tests: success parsed, failure checked to
// be one `error:` line on stderr matching the JSON document, and raw JSON-RPC calls to the sandbox's chain.
import { expect } from "chai";
import type { CliRun, CliSandbox } from "./helpers.js";

/** A failed run with its `--json` error document. */
export type FailedRun = CliRun & { error: { code: string; message: string } & Record<string, unknown> };

/**
 * Helpers bound to a sandbox.
 *
 * @param sandbox - The sandbox the commands run in (its chain must be started before `rpc` is called).
 * @returns `ok` (expects exit 0, returns the document), `fails` (expects a non-zero exit and one error line),
 *   `rpc` (one JSON-RPC call) and `blockNumber`.
 */
export function jsonRunner(sandbox: CliSandbox) {
  const ok = async <T = Record<string, any>>(...args: string[]): Promise<T> => {
    const run = await sandbox.run([...args, "--json"]);
    expect(run.code, `goods-ledger ${args.join(" ")}\n${run.stderr}`).to.equal(0);
    return run.json<T>();
  };
  const fails = async (...args: string[]): Promise<FailedRun> => {
    const run = await sandbox.run([...args, "--json"]);
    expect(run.code, `expected goods-ledger ${args.join(" ")} to fail\n${run.stdout}`).to.not.equal(0);
    const doc = run.json<{ ok: boolean; error: FailedRun["error"] }>();
    expect(doc.ok).to.equal(false);
    // One line on stderr says it (notes about dev keys aside), the same as the JSON document.
    expect(run.stderr.split("\n").filter((l) => l.startsWith("error:")), run.stderr).to.deep.equal([`error: ${doc.error.message}`]);
    return { ...run, error: doc.error };
  };
  const rpc = async (method: string, params: unknown[] = []): Promise<unknown> => {
    const response = await fetch(sandbox.env.GOODS_LEDGER_RPC_URL!, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    return ((await response.json()) as { result: unknown }).result;
  };
  const blockNumber = async (): Promise<bigint> => BigInt((await rpc("eth_blockNumber")) as string);
  return { ok, fails, rpc, blockNumber };
}
