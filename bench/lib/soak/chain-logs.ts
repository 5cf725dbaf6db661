/**
 * The soak's record of the chain's own logs, read while the chain still holds them.
 *
 * The soak's chain keeps the transactions, receipts and logs of only its last blocks (`goods-ledger chain
 * --keep-transactions`, anvil's `--transaction-block-keeper`), so that its memory stays bounded; older blocks keep
 * their headers only. The end checks compare the index with every Transfer and PaymentReferenced log the token
 * emitted, so this reader takes them block by block as they are mined (straight from the node, not through the
 * proxy that the outage cuts), with each block's hash. At the end {@link ChainLogs.verify} reads every header again:
 * a block whose hash changed since (a restart that lost blocks and mined others at their numbers) is named, and
 * the check fails, so a log record can never stand for a block the chain no longer has.
 */
import { toEventSelector } from "viem";
import { hexToNumber, numberToHex, type JsonRpc } from "../../../src/indexer/rpc.js";

export const TRANSFER_TOPIC = toEventSelector("Transfer(address,address,uint256)");
export const REFERENCED_TOPIC = toEventSelector("PaymentReferenced(address,address,uint256,bytes32)");

interface RawLog {
  blockNumber: string;
  blockHash: string;
  logIndex: string;
  transactionHash: string;
  topics: string[];
}

/** Every Transfer and PaymentReferenced log of one token, from `fromBlock` on, as the chain mined them. */
export class ChainLogs {
  /** `block:logIndex:txHash` of every Transfer log, in chain order. */
  readonly transfers: string[] = [];
  /** The payment reference and block of every PaymentReferenced log. */
  readonly references: { block: number; reference: string }[] = [];
  /** Each block's hash when its logs were read. */
  readonly hashes = new Map<number, string>();
  /** The next block to read. */
  next: number;
  /** Read failures (the node restarting or busy): retried on the next poll. */
  failures = 0;
  #stopped = false;
  #loop: Promise<void> | null = null;

  constructor(readonly rpc: JsonRpc, readonly token: string, fromBlock: number) {
    this.next = fromBlock;
  }

  /** Reads every block mined since the last poll (up to 200 at a time). */
  async poll(): Promise<void> {
    const head = hexToNumber(await this.rpc.call<string>("eth_blockNumber"));
    while (this.next <= head) {
      const to = Math.min(head, this.next + 199);
      const numbers = Array.from({ length: to - this.next + 1 }, (_, i) => this.next + i);
      const [logs, ...blocks] = await this.rpc.batch<unknown>([
        { method: "eth_getLogs", params: [{ fromBlock: numberToHex(this.next), toBlock: numberToHex(to), address: this.token, topics: [[TRANSFER_TOPIC, REFERENCED_TOPIC]] }] },
        ...numbers.map((n) => ({ method: "eth_getBlockByNumber", params: [numberToHex(n), false] })),
      ]);
      const headers = blocks as ({ hash: string } | null)[];
      if (headers.some((b) => b === null)) throw new Error(`blocks ${this.next}–${to}: a header is missing`);
      const hashAt = new Map(numbers.map((n, i) => [n, headers[i]!.hash.toLowerCase()]));
      for (const l of logs as RawLog[]) {
        const block = hexToNumber(l.blockNumber);
        // A log of another block than the header read beside it (the chain changed between the two): read again.
        if (hashAt.get(block) !== l.blockHash.toLowerCase()) throw new Error(`block ${block} changed while it was read`);
      }
      for (const l of logs as RawLog[]) {
        const block = hexToNumber(l.blockNumber);
        if (l.topics[0] === TRANSFER_TOPIC) this.transfers.push(`${block}:${hexToNumber(l.logIndex)}:${l.transactionHash.toLowerCase()}`);
        else this.references.push({ block, reference: l.topics[3]!.toLowerCase() });
      }
      for (const [n, h] of hashAt) this.hashes.set(n, h);
      this.next = to + 1;
    }
  }

  /** Polls every `everyMs` until {@link stop}. */
  start(everyMs = 1_000): void {
    this.#loop = (async () => {
      while (!this.#stopped) {
        try {
          await this.poll();
        } catch {
          this.failures++;
        }
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
  }

  /** Reads up to `block` (retrying for up to `timeoutMs`), then stops. */
  async finish(block: number, timeoutMs = 60_000): Promise<void> {
    await this.stop();
    const end = Date.now() + timeoutMs;
    while (this.next <= block) {
      try {
        await this.poll();
      } catch (error) {
        if (Date.now() > end) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** The blocks up to `block` whose hash on the chain now differs from the one read with their logs. */
  async verify(block: number): Promise<number[]> {
    const changed: number[] = [];
    const numbers = [...this.hashes.keys()].filter((n) => n <= block).sort((a, b) => a - b);
    for (let i = 0; i < numbers.length; i += 500) {
      const chunk = numbers.slice(i, i + 500);
      const headers = await this.rpc.batch<{ hash: string } | null>(chunk.map((n) => ({ method: "eth_getBlockByNumber", params: [numberToHex(n), false] })));
      chunk.forEach((n, k) => {
        if (headers[k]?.hash.toLowerCase() !== this.hashes.get(n)) changed.push(n);
      });
    }
    return changed;
  }
}
