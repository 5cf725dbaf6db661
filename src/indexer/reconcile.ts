import type { JsonRpc } from "./rpc.js";
import { numberToHex } from "./rpc.js";
import type { Store } from "./store/store.js";
import type { Address } from "./types.js";

/** One wallet whose indexed balance differs from the chain's. */
export interface BalanceDifference {
  wallet: Address;
  indexed: bigint;
  chain: bigint;
}

/** The answer of {@link reconcile}. */
export interface ReconcileReport {
  /** The block both sides were read at. */
  block: number;
  /** Wallets compared (every wallet that ever held tokens up to the block). */
  wallets: number;
  /** Wallets whose balances differ (empty when the index is right). */
  differences: BalanceDifference[];
  totalSupply: { indexed: bigint; chain: bigint };
  /** No difference at all. */
  ok: boolean;
}

const BALANCE_OF = "0x70a08231";
const TOTAL_SUPPLY = "0x18160ddd";

/**
 * Reconciles the index against the chain at a block: every wallet's indexed balance (summed from its transfers)
 * against `balanceOf`, and the indexed total (mints minus burns) against `totalSupply`, both read with
 * `eth_call` at that block.
 * @param options.block - default: the store's position.
 * @throws RangeError when the store is empty or the block is above its position.
 */
export async function reconcile(store: Store, rpc: JsonRpc, token: string, options: { block?: number } = {}): Promise<ReconcileReport> {
  const position = await store.position();
  if (position === null) throw new RangeError("nothing to reconcile: the store is empty");
  const block = options.block ?? position.block;
  if (block > position.block) throw new RangeError(`cannot reconcile at block ${block}: the store is at ${position.block}`);
  const tag = numberToHex(block);
  const indexed = await store.balances(block);
  const wallets = [...indexed.keys()];
  const differences: BalanceDifference[] = [];
  for (let i = 0; i < wallets.length; i += 500) {
    const chunk = wallets.slice(i, i + 500);
    const results = await rpc.batch<string>(chunk.map((w) => ({ method: "eth_call", params: [{ to: token, data: BALANCE_OF + w.slice(2).padStart(64, "0") }, tag] })));
    results.forEach((r, k) => {
      const chain = BigInt(r);
      const mine = indexed.get(chunk[k]!)!;
      if (chain !== mine) differences.push({ wallet: chunk[k]!, indexed: mine, chain });
    });
  }
  const chainSupply = BigInt(await rpc.call<string>("eth_call", [{ to: token, data: TOTAL_SUPPLY }, tag]));
  let indexedSupply = 0n;
  for (const v of indexed.values()) indexedSupply += v;
  return {
    block,
    wallets: wallets.length,
    differences,
    totalSupply: { indexed: indexedSupply, chain: chainSupply },
    ok: differences.length === 0 && indexedSupply === chainSupply,
  };
}
