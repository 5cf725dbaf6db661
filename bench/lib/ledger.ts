/**
 * A synthetic ledger written straight into a store through the Store interface, big enough to make queries cost
 * real time: every wallet first gets an issue against one of the lots; then transfers move a random part of the
 * sender's balance (balances never go negative); 20% of the traffic goes into or out of the hub wallets (agents,
 * merchants). Deterministic for a seed. Used by bench/trace.ts, bench/server.ts and the server's limit tests.
 */
import { encodeCheckpoint } from "../../src/indexer/checkpoint.js";
import type { Store } from "../../src/indexer/store/store.js";
import type { Address, BlockHeader, Hex, TransferRow } from "../../src/indexer/types.js";
import { rng } from "./args.js";

/** Size of a synthetic ledger. */
export interface SyntheticOptions {
  transfers: number;
  wallets: number;
  hubs: number;
  /** Lots issued against (default 20). */
  lots?: number;
  seed?: number;
  /** Transfers per block (default 10); blocks are 12 s apart. */
  perBlock?: number;
}

const hex = (n: number, bytes: number) => `0x${n.toString(16).padStart(bytes * 2, "0")}`;
/** The address of synthetic wallet `i` (wallets 0..hubs-1 are the hubs). */
export const syntheticWallet = (i: number) => hex(0x10_0000 + i, 20) as Address;
const ZERO = "0x0000000000000000000000000000000000000000" as Address;

/**
 * Writes the ledger into an empty store and records a deployment, so evidence packs can be built on it.
 * @returns the number of transfers written and the last block.
 */
export async function writeSyntheticLedger(store: Store, o: SyntheticOptions): Promise<{ transfers: number; tip: number }> {
  const random = rng(o.seed ?? 42);
  const perBlock = o.perBlock ?? 10;
  const balance = new Float64Array(o.wallets);
  const pick = () => Math.floor(random() * o.wallets);
  const hub = () => Math.floor(random() * o.hubs);
  const lots = Array.from({ length: o.lots ?? 20 }, (_, i) => hex(0xa0_0000 + i, 32) as Hex);
  const header = (n: number): BlockHeader => ({ number: n, hash: hex(n, 32) as Hex, parentHash: hex(n - 1, 32) as Hex, timestamp: 1_700_000_000 + n * 12 });
  let block = 1;
  let inBlock = 0;
  let batchStart = 1;
  let written = 0;
  let rows: TransferRow[] = [];
  const flush = async () => {
    await store.commit({ fromBlock: batchStart, toBlock: block, toHash: header(block).hash, headers: [header(block)], transfers: rows, events: [] });
    written += rows.length;
    rows = [];
    batchStart = block + 1;
  };
  const push = (from: number, to: number, amount: number, lot: number | null) => {
    if (inBlock === perBlock) {
      inBlock = 0;
      block++;
    }
    rows.push({
      checkpoint: encodeCheckpoint({ block, txIndex: inBlock, logIndex: inBlock }), block, txIndex: inBlock, logIndex: inBlock,
      txHash: hex(block * 16 + inBlock, 32) as Hex, timestamp: header(block).timestamp,
      from: from < 0 ? ZERO : syntheticWallet(from), to: syntheticWallet(to), amount: BigInt(amount), kind: lot === null ? "transfer" : "issue",
      lot: lot === null ? null : lots[lot]!, reference: null,
    });
    inBlock++;
  };
  for (let w = 0; w < o.wallets; w++) {
    const amount = 1_000_000 + Math.floor(random() * 1_000_000_000);
    balance[w] = amount;
    push(-1, w, amount, Math.floor(random() * lots.length));
  }
  for (let i = o.wallets; i < o.transfers; i++) {
    let from: number;
    let to: number;
    if (random() < 0.2) {
      // Hub traffic: a wallet pays into a hub, or a hub pays out.
      if (random() < 0.5) {
        from = pick();
        to = hub();
      } else {
        from = hub();
        to = pick();
      }
    } else {
      from = pick();
      to = pick();
    }
    if (from === to) to = (to + 1) % o.wallets;
    const amount = Math.max(1, Math.floor(balance[from]! * (0.05 + random() * 0.4)));
    if (balance[from]! < amount) continue;
    balance[from]! -= amount;
    balance[to]! += amount;
    push(from, to, amount, null);
    if (rows.length >= 50_000 && inBlock === perBlock) await flush();
  }
  if (rows.length > 0) await flush();
  await store.setMeta("deployment", JSON.stringify({ chainId: 31337, token: "0x00000000000000000000000000000000000000aa", reserveRegistry: "0x00000000000000000000000000000000000000bb", startBlock: 1 }));
  return { transfers: written, tip: block };
}
