/**
 * A wallet's history read straight from the chain's logs (no indexer needed): every token movement in or
 * out, labelled with what it was (issue, redemption, payment with its reference, QR payment, seizure,
 * recovery, transfer) from the other events of the same transaction.
 */
import { getAddress, parseEventLogs, zeroAddress, type Address, type Hash, type Hex } from "viem";
import { getBlock, getLogs, getTransactionReceipt } from "viem/actions";
import { goodsTokenAbi } from "@goods-ledger/sdk";
import { formatAmount } from "@goods-ledger/sdk";
import type { LedgerClient } from "@goods-ledger/sdk";

/** What kind of movement an entry is. */
export type HistoryKind = "issue" | "redeem" | "transfer" | "payment" | "qr-payment" | "seizure" | "recovery";

/** One movement of tokens in or out of the wallet. */
export interface HistoryEntry {
  block: bigint;
  /** ISO time of the block. */
  time: string;
  tx: Hash;
  kind: HistoryKind;
  direction: "in" | "out";
  /** The other side (zero address for issue and redeem). */
  counterparty: Address;
  amount: string;
  /** The lot of an issue or redemption. */
  lot?: Hex;
  /** The payment reference, or an officer's reason code. */
  reference?: Hex;
}

const transferEvent = goodsTokenAbi.find((item) => item.type === "event" && item.name === "Transfer")!;

/**
 * The last `limit` movements of a wallet's tokens since `fromBlock`, oldest first.
 *
 * @param client - A ledger client.
 * @param account - The wallet.
 * @param fromBlock - The first block to read (the deployment's start block).
 * @param limit - How many entries, at most.
 */
export async function walletHistory(client: LedgerClient, account: Address, fromBlock: bigint, limit: number): Promise<HistoryEntry[]> {
  const address = client.ledger.token;
  const [outgoing, incoming] = await Promise.all([
    getLogs(client, { address, event: transferEvent, args: { from: account }, fromBlock, toBlock: "latest" }),
    getLogs(client, { address, event: transferEvent, args: { to: account }, fromBlock, toBlock: "latest" }),
  ]);
  const seen = new Set<string>();
  const transfers = [...outgoing, ...incoming]
    .filter((log) => {
      const key = `${log.transactionHash}:${log.logIndex}`;
      return !seen.has(key) && seen.add(key);
    })
    .sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex! - b.logIndex! : a.blockNumber! < b.blockNumber! ? -1 : 1))
    .slice(-limit);

  const txs = [...new Set(transfers.map((t) => t.transactionHash!))];
  const blocks = [...new Set(transfers.map((t) => t.blockNumber!))];
  const [receipts, headers] = await Promise.all([
    Promise.all(txs.map((hash) => getTransactionReceipt(client, { hash }))),
    Promise.all(blocks.map((blockNumber) => getBlock(client, { blockNumber }))),
  ]);
  const eventsOf = new Map(receipts.map((r) => [r.transactionHash, parseEventLogs({ abi: goodsTokenAbi, logs: r.logs.filter((l) => getAddress(l.address) === address) })]));
  const timeOf = new Map(headers.map((h) => [h.number, new Date(Number(h.timestamp) * 1000).toISOString()]));

  return transfers.map((log) => {
    const { from, to, value } = log.args as { from: Address; to: Address; value: bigint };
    const events = eventsOf.get(log.transactionHash!) ?? [];
    const find = <N extends (typeof events)[number]["eventName"]>(name: N) =>
      events.find((e) => e.eventName === name) as Extract<(typeof events)[number], { eventName: N }> | undefined;
    const entry: HistoryEntry = {
      block: log.blockNumber!,
      time: timeOf.get(log.blockNumber!)!,
      tx: log.transactionHash!,
      kind: "transfer",
      direction: from === account ? "out" : "in",
      counterparty: from === account ? to : from,
      amount: formatAmount(value, client.ledger.decimals),
    };
    const issued = find("Issued");
    const redeemed = find("Redeemed");
    const forced = find("ForcedTransfer");
    const recovered = find("WalletRecovered");
    const referenced = events.find((e) => e.eventName === "PaymentReferenced" && e.args.from === from && e.args.to === to && e.args.amount === value);
    if (from === zeroAddress && issued) Object.assign(entry, { kind: "issue", lot: issued.args.lot, reference: issued.args.ref });
    else if (to === zeroAddress && redeemed) Object.assign(entry, { kind: "redeem", lot: redeemed.args.lot, reference: redeemed.args.ref });
    else if (forced) Object.assign(entry, { kind: "seizure", reference: forced.args.reasonCode });
    else if (recovered) Object.assign(entry, { kind: "recovery", reference: recovered.args.reasonCode });
    else if (referenced?.eventName === "PaymentReferenced") {
      Object.assign(entry, { kind: find("AuthorizationUsed") ? "qr-payment" : "payment", reference: referenced.args.ref });
    }
    return entry;
  });
}
