/**
 * A served index for the server tests: a random ledger history (fixed seed) committed into a store, two
 * tokens (an analyst and an admin), and the server on a free port.
 */
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "../../src/indexer/store/store.js";
import { addToken, readTokens } from "../../src/server/auth.js";
import { startServer, type RunningServer, type ServerOptions } from "../../src/server/server.js";
import { commitHistory, historyArbitrary, type History } from "../trace/history.js";

/** What {@link serveHistory} returns. */
export interface Served {
  server: RunningServer;
  history: History;
  analyst: string;
  admin: string;
  /** The tokens file. */
  tokensFile: string;
  /** A wallet with the most outgoing transfers (a good trace start). */
  busiest: string;
  close(): Promise<void>;
}

/** The richest of a few histories drawn with a fixed seed. */
export function sampleHistory(): History {
  const candidates = fc.sample(historyArbitrary({ ops: 150 }), { seed: 20_261_121, numRuns: 30 });
  return candidates.reduce((a, b) => (b.transfers.length > a.transfers.length ? b : a));
}

/**
 * Commits a history into `store`, creates tokens and starts the server.
 * @param store - an empty store.
 * @param options - more server options; `storeSpec` is needed for a PostgreSQL store (the worker threads open it).
 */
export async function serveHistory(store: Store, options: Partial<ServerOptions> = {}): Promise<Served> {
  const history = sampleHistory();
  await commitHistory(store, history, [7, 19, 33]);
  await store.setMeta("deployment", JSON.stringify({ chainId: 31337, token: "0x00000000000000000000000000000000000000aa", reserveRegistry: "0x00000000000000000000000000000000000000bb", startBlock: 1 }));
  const dir = mkdtempSync(join(tmpdir(), "goods-ledger-serve-"));
  const file = join(dir, "tokens.json");
  const analyst = addToken(file, "ana", "analyst");
  const admin = addToken(file, "boss", "admin");
  const server = await startServer({ store, tokens: () => readTokens(file), code: { name: "goods-ledger", version: "test", commit: null }, ...options });
  const sent = new Map<string, number>();
  for (const t of history.transfers) if (t.kind === "transfer") sent.set(t.from, (sent.get(t.from) ?? 0) + 1);
  const busiest = [...sent].sort((a, b) => b[1] - a[1])[0]![0];
  return {
    server, history, analyst, admin, busiest, tokensFile: file,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
