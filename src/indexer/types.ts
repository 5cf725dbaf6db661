/**
 * The indexer's data model: what sync writes into a {@link Store} and what the trace engine reads.
 * Addresses and hashes are lower-case hex; amounts are token base units (6 decimals) as bigint.
 */

/** A 20-byte address, lower-case hex with 0x. */
export type Address = `0x${string}`;
/** Hex data (hashes, lot ids, references), lower-case with 0x. */
export type Hex = `0x${string}`;

/** The zero address: the counterpart of every mint and burn. */
export const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";

/**
 * What a value movement was, from the events around its ERC-20 `Transfer` log.
 * - `transfer`: an ordinary transfer (any path: transfer, transferFrom, EIP-3009, batch, with reference);
 * - `issue`: a mint against a goods lot (`lot` set);
 * - `redeem`: a burn against a goods lot (`lot` set);
 * - `seizure`: a compliance forced transfer;
 * - `recovery`: a lost-wallet recovery;
 * - `mint` / `burn`: a mint or burn that no issue or redemption event explains (should not happen; kept, not dropped).
 */
export type TransferKind = "transfer" | "issue" | "redeem" | "seizure" | "recovery" | "mint" | "burn";

/** Every transfer kind, in a fixed order (the model stores the index). */
export const TRANSFER_KINDS: readonly TransferKind[] = ["transfer", "issue", "redeem", "seizure", "recovery", "mint", "burn"];

/** Where an event sits in the chain. */
export interface EventPosition {
  /** Encoded checkpoint of (block, txIndex, logIndex); unique; the ordering key. */
  checkpoint: string;
  /** Block number. */
  block: number;
  /** Transaction index in the block. */
  txIndex: number;
  /** Log index in the block. */
  logIndex: number;
  /** Transaction hash. */
  txHash: Hex;
  /** Block timestamp, seconds since the epoch. */
  timestamp: number;
}

/** One value movement: an ERC-20 `Transfer` log, annotated with what caused it. */
export interface TransferRow extends EventPosition {
  /** Sender; the zero address for a mint. */
  from: Address;
  /** Recipient; the zero address for a burn. */
  to: Address;
  /** Amount in base units. */
  amount: bigint;
  /** What the movement was. */
  kind: TransferKind;
  /** The goods lot of an issue or redemption, else null. */
  lot: Hex | null;
  /** The 32-byte payment reference or issue/redeem reference, else null. */
  reference: Hex | null;
}

/** A JSON value, as stored in an event's arguments. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Any other decoded event of the token (registry included) or of the reserve registry. */
export interface LedgerEventRow extends EventPosition {
  /** Which deployed contract emitted it. */
  contract: "token" | "reserve";
  /** The Solidity event name. */
  name: string;
  /** Decoded arguments by name: integers as decimal strings, addresses and bytes as lower-case hex. */
  args: Record<string, JsonValue>;
}

/** A block header as far as sync needs it. */
export interface BlockHeader {
  /** Block number. */
  number: number;
  /** Block hash. */
  hash: Hex;
  /** Parent block hash. */
  parentHash: Hex;
  /** Timestamp, seconds. */
  timestamp: number;
}

/** The last block whose events are all in the store. */
export interface SyncPosition {
  /** Block number. */
  block: number;
  /** That block's hash when it was indexed. */
  hash: Hex;
}

/** One atomic unit of sync: every event of the blocks fromBlock..toBlock, plus the headers seen. */
export interface SyncBatch {
  /** First block covered (inclusive). */
  fromBlock: number;
  /** Last block covered (inclusive); becomes the store's position. */
  toBlock: number;
  /** Hash of `toBlock`. */
  toHash: Hex;
  /** Headers of blocks in the range that sync fetched (at least `toBlock`'s). */
  headers: BlockHeader[];
  /** Transfers in the range, in checkpoint order. */
  transfers: TransferRow[];
  /** Other events in the range, in checkpoint order. */
  events: LedgerEventRow[];
}

/** A wallet an analyst flagged: a taint source for exposure. */
export interface Flag {
  /** The wallet. */
  wallet: Address;
  /** Why (free text, e.g. a case number). */
  reason: string;
  /** When it was flagged (ISO-8601). */
  createdAt: string;
  /**
   * The block from which the flag counts as a taint source (docs/TRACE.md, rule F1). A store fills in its
   * position when a flag is set without one; flags set before this field existed read as null (from block 0).
   */
  block?: number | null;
}

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

/**
 * Whether a string is a 20-byte hex address (any case).
 * @example isAddress("0x0000000000000000000000000000000000000000") // true
 */
export function isAddress(value: string): boolean {
  return ADDRESS_RE.test(value);
}

/**
 * Normalizes an address to the store's form (lower case).
 * @throws TypeError naming the value when it is not a 20-byte hex address.
 * @example toAddress("0xAbC…") // "0xabc…"
 */
export function toAddress(value: string): Address {
  if (!isAddress(value)) throw new TypeError(`malformed address "${value}": expected 0x followed by 40 hex digits`);
  return value.toLowerCase() as Address;
}
