import { decodeAbiParameters, toEventSelector } from "viem";
import type { Abi, AbiEvent, AbiParameter } from "viem";
import { goodsTokenAbi } from "@goods-ledger/sdk";
import { reserveRegistryAbi } from "@goods-ledger/sdk";
import { encodeCheckpoint } from "./checkpoint.js";
import { ZERO_ADDRESS as ZERO } from "./types.js";
import type { Address, Hex, JsonValue, LedgerEventRow, TransferKind, TransferRow } from "./types.js";

/** A log as `eth_getLogs` returns it. */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  removed?: boolean;
  /** Some nodes add the block's timestamp (hex). */
  blockTimestamp?: string;
}

/** keccak256("Transfer(address,address,uint256)"). */
export const TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
/** keccak256("Approval(address,address,uint256)"): allowances are not indexed. */
export const APPROVAL_TOPIC = "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b22ba3b8ba86cd58d7e1b6";

/** How to decode one event: its name, its indexed inputs (one topic each) and its data inputs. */
interface EventDecoder {
  name: string;
  indexed: readonly AbiParameter[];
  data: readonly AbiParameter[];
}

/**
 * Decoders for every event of the two ABIs except Transfer and Approval, by topic0, with the selectors
 * computed once here (viem's decodeEventLog hashes the event signature again on every call).
 */
function decoders(): Map<string, EventDecoder> {
  const map = new Map<string, EventDecoder>();
  for (const abi of [goodsTokenAbi, reserveRegistryAbi] as readonly Abi[]) {
    for (const item of abi) {
      if (item.type !== "event") continue;
      const topic = toEventSelector(item as AbiEvent);
      if (topic === TRANSFER_TOPIC || topic === APPROVAL_TOPIC) continue;
      const inputs = (item as AbiEvent).inputs;
      map.set(topic, { name: item.name, indexed: inputs.filter((i) => i.indexed), data: inputs.filter((i) => !i.indexed) });
    }
  }
  // Reserve coverage events, as fixed in INTERFACES.md (decoded even where the ABI at hand predates them).
  for (const event of COVERAGE_EVENTS) {
    const topic = toEventSelector(event);
    if (!map.has(topic)) map.set(topic, { name: event.name, indexed: [], data: event.inputs });
  }
  return map;
}

/** ReserveRegistry's coverage events: `ReserveShortfall` / `ReserveShortfallRecovered(uint256 validReserves, uint256 outstandingSupply)`. */
export const COVERAGE_EVENTS: readonly AbiEvent[] = (["ReserveShortfall", "ReserveShortfallRecovered"] as const).map((name) => ({
  type: "event", name, anonymous: false,
  inputs: [{ name: "validReserves", type: "uint256", indexed: false }, { name: "outstandingSupply", type: "uint256", indexed: false }],
}));

/** Whether an indexed parameter's topic holds its value (static types) rather than a hash of it. */
function topicHoldsValue(p: AbiParameter): boolean {
  return !(p.type === "string" || p.type === "bytes" || p.type.endsWith("]") || p.type.startsWith("tuple"));
}

/** Decodes one log's arguments by name. */
function decodeArgs(d: EventDecoder, topics: readonly string[], data: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (topics.length !== d.indexed.length + 1) throw new Error(`${d.name} log has ${topics.length - 1} indexed topics, the ABI ${d.indexed.length}`);
  d.indexed.forEach((p, i) => {
    const topic = topics[i + 1] as Hex;
    args[p.name!] = topicHoldsValue(p) ? decodeAbiParameters([p], topic)[0] : topic;
  });
  const values = d.data.length === 0 ? [] : decodeAbiParameters(d.data, data as Hex);
  d.data.forEach((p, i) => {
    args[p.name!] = values[i];
  });
  return args;
}

const DECODERS = decoders();

function jsonValue(v: unknown): JsonValue {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return v.startsWith("0x") ? v.toLowerCase() : v;
  if (typeof v === "number" || typeof v === "boolean" || v === null) return v;
  if (Array.isArray(v)) return v.map(jsonValue);
  if (typeof v === "object" && v !== undefined) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x)]));
  return String(v);
}

/** The decoded logs of a block range, before annotation. */
export interface DecodedLogs {
  transfers: TransferRow[];
  events: LedgerEventRow[];
}

/**
 * Decodes logs (in any order) into transfers and other events, in checkpoint order. Transfer logs are decoded
 * by hand (topics and data sliced, no ABI machinery) because they are nearly all the volume; the rest go
 * through viem's ABI parameter decoder with the SDK's ABIs. Approval logs are skipped.
 * @param logs - raw logs of the token and the reserve registry.
 * @param token - the token address (lower case), to tell the two contracts apart.
 * @param timestampOf - the timestamp of a block (sync fetched the headers).
 * @throws Error naming the log when a Transfer log is malformed (the node answered inconsistently).
 */
export function decodeLogs(logs: readonly RawLog[], token: Address, timestampOf: (block: number) => number): DecodedLogs {
  const transfers: TransferRow[] = [];
  const events: LedgerEventRow[] = [];
  let sorted = true;
  let last = "";
  for (const log of logs) {
    const topics = log.topics;
    const topic0 = topics[0];
    if (topic0 === APPROVAL_TOPIC) continue;
    const block = Number.parseInt(log.blockNumber, 16);
    const txIndex = Number.parseInt(log.transactionIndex, 16);
    const logIndex = Number.parseInt(log.logIndex, 16);
    const checkpoint = fastCheckpoint(block, txIndex, logIndex);
    if (checkpoint <= last) sorted = false;
    last = checkpoint;
    const txHash = log.transactionHash.toLowerCase() as Hex;
    const timestamp = log.blockTimestamp !== undefined ? Number.parseInt(log.blockTimestamp, 16) : timestampOf(block);
    const isToken = log.address.length === token.length && log.address.toLowerCase() === token;
    if (topic0 === TRANSFER_TOPIC && isToken) {
      if (topics.length !== 3 || log.data.length !== 66) throw new Error(`malformed Transfer log ${checkpoint} in ${log.transactionHash}`);
      const from = `0x${topics[1]!.slice(26).toLowerCase()}` as Address;
      const to = `0x${topics[2]!.slice(26).toLowerCase()}` as Address;
      const kind: TransferKind = from === ZERO ? "mint" : to === ZERO ? "burn" : "transfer";
      transfers.push({ checkpoint, block, txIndex, logIndex, txHash, timestamp, from, to, amount: BigInt(log.data), kind, lot: null, reference: null });
      continue;
    }
    const decoder = topic0 === undefined ? undefined : DECODERS.get(topic0);
    if (decoder === undefined) continue; // an event of neither ABI (e.g. from a newer contract version)
    const args = jsonValue(decodeArgs(decoder, topics, log.data)) as Record<string, JsonValue>;
    events.push({ checkpoint, block, txIndex, logIndex, txHash, timestamp, contract: isToken ? "token" : "reserve", name: decoder.name, args });
  }
  if (!sorted) {
    const byCheckpoint = (a: { checkpoint: string }, b: { checkpoint: string }) => (a.checkpoint < b.checkpoint ? -1 : a.checkpoint > b.checkpoint ? 1 : 0);
    transfers.sort(byCheckpoint);
    events.sort(byCheckpoint);
  }
  annotate(transfers, events);
  return { transfers, events };
}

const PAD = "0000000000000000";

/** {@link encodeCheckpoint} without its checks, for the values a node sends (checked once per range by sync). */
function fastCheckpoint(block: number, txIndex: number, logIndex: number): string {
  const b = String(block);
  const t = String(txIndex);
  const l = String(logIndex);
  if (b.length > 16 || t.length > 8 || l.length > 8 || Number.isNaN(block + txIndex + logIndex)) return encodeCheckpoint({ block, txIndex, logIndex }); // throws, naming the field
  return PAD.slice(b.length) + b + PAD.slice(8 + t.length) + t + PAD.slice(8 + l.length) + l;
}

/**
 * Which token events explain a Transfer of the same transaction, and how. A party is the name of the event
 * argument that must equal it, `ZERO` for the zero address, or null when the event does not say (then any
 * party matches); likewise for the amount.
 */
const EXPLAINS: Record<string, { from: string | null; to: string | null; amount: string | null; kind: TransferKind | null; lot: boolean; ref: string | null }> = {
  Issued: { from: "ZERO", to: null, amount: null, kind: "issue", lot: true, ref: "ref" },
  Redeemed: { from: "from", to: "ZERO", amount: "amount", kind: "redeem", lot: true, ref: "ref" },
  ForcedTransfer: { from: "from", to: "to", amount: "amount", kind: "seizure", lot: false, ref: null },
  WalletRecovered: { from: "lost", to: "replacement", amount: "amount", kind: "recovery", lot: false, ref: null },
  PaymentReferenced: { from: "from", to: "to", amount: "amount", kind: null, lot: false, ref: "ref" },
};

/**
 * Marks each transfer with what caused it: `Issued` names the lot of the mint before it in the same
 * transaction, `Redeemed` the lot of the burn, `ForcedTransfer` a seizure, `WalletRecovered` a recovery, and
 * `PaymentReferenced` adds a reference. The match is the nearest earlier transfer of the same transaction that
 * the event describes and no event of its sort explained yet.
 */
function annotate(transfers: TransferRow[], events: readonly LedgerEventRow[]): void {
  const relevant = events.filter((e) => e.contract === "token" && e.name in EXPLAINS);
  if (relevant.length === 0) return;
  const txs = new Set(relevant.map((e) => e.txHash));
  const byTx = new Map<string, TransferRow[]>();
  for (const t of transfers) {
    if (!txs.has(t.txHash)) continue;
    const list = byTx.get(t.txHash);
    if (list === undefined) byTx.set(t.txHash, [t]);
    else list.push(t);
  }
  const explained = new Set<TransferRow>();
  const referenced = new Set<TransferRow>();
  const value = (e: LedgerEventRow, field: string | null): string | null => (field === null ? null : field === "ZERO" ? ZERO : String(e.args[field]));
  for (const e of relevant) {
    const rule = EXPLAINS[e.name]!;
    const from = value(e, rule.from);
    const to = value(e, rule.to);
    const amount = value(e, rule.amount);
    const done = rule.kind === null ? referenced : explained;
    const candidates = (byTx.get(e.txHash) ?? []).filter(
      (t) => (from === null || t.from === from) && (to === null || t.to === to) && (amount === null || t.amount === BigInt(amount)) && !done.has(t),
    );
    const match = candidates.filter((t) => t.checkpoint < e.checkpoint).at(-1) ?? candidates[0];
    if (match === undefined) continue;
    done.add(match);
    if (rule.kind !== null) match.kind = rule.kind;
    if (rule.lot) match.lot = String(e.args.lot) as Hex;
    if (rule.ref !== null) match.reference = String(e.args[rule.ref]) as Hex;
  }
}
