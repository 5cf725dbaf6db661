import { JsonRpc, numberToHex } from "./rpc.js";
import type { Store } from "./store/store.js";
import { indexedDeployment } from "./sync.js";

/**
 * Makes sure the store holds the header (hence the timestamp) of `block`: sync stores the header of every
 * block that holds an event; for any other block at or below the position this fetches it from the node and
 * stores it, so that an as-of query reads the block's own time, never a neighbour's (docs/TRACE.md, rule T1).
 * @param store - the index.
 * @param rpcUrl - the node's JSON-RPC URL.
 * @param block - a block at or below the store's position.
 * @returns `stored` when the store already had it, `fetched` when it was fetched now, or the reason it could
 *   not be known (no position, above the position, the node does not have it or cannot be reached).
 */
export async function ensureBlockHeader(store: Store, rpcUrl: string, block: number): Promise<"stored" | "fetched" | { unknown: string }> {
  const [have] = await store.headers(block, block);
  if (have !== undefined) return "stored";
  const position = await store.position();
  if (position === null || block > position.block) return { unknown: `block ${block} is above the indexed position ${position?.block ?? "(empty)"}` };
  let raw: { number: string; hash: string; parentHash: string; timestamp: string } | null;
  try {
    const rpc = new JsonRpc(rpcUrl, { timeoutMs: 10_000 });
    // Only the indexed chain's own header will do: a node of another chain has another block N.
    const deployment = await indexedDeployment(store);
    if (deployment !== null) {
      const chainId = Number.parseInt(await rpc.call<string>("eth_chainId"), 16);
      if (chainId !== deployment.chainId) return { unknown: `the node at ${rpcUrl} is chain ${chainId}, the index is of chain ${deployment.chainId}` };
    }
    raw = await rpc.call("eth_getBlockByNumber", [numberToHex(block), false]);
  } catch (error) {
    return { unknown: `the header of block ${block} is not stored and the node could not be asked: ${(error as Error).message}` };
  }
  if (raw === null) return { unknown: `the node at ${rpcUrl} does not have block ${block}` };
  await store.saveHeaders([{ number: block, hash: raw.hash.toLowerCase() as `0x${string}`, parentHash: raw.parentHash.toLowerCase() as `0x${string}`, timestamp: Number.parseInt(raw.timestamp, 16) }]);
  return "fetched";
}
