/**
 * The one ordering of the ledger's history: an encoded checkpoint of (block number, transaction index,
 * log index), each written in decimal at a fixed width, so that comparing two encoded checkpoints as
 * strings compares the events they stand for. Ponder's `utils/checkpoint.ts` discipline: compare encoded
 * values, never ad-hoc tuples.
 *
 * Widths: block 16 digits, transaction index 8, log index 8 (32 characters in all).
 */

/** The parts of a checkpoint. */
export interface CheckpointParts {
  /** Block number. */
  block: number;
  /** Transaction index within the block. */
  txIndex: number;
  /** Log index within the block. */
  logIndex: number;
}

const BLOCK_DIGITS = 16;
const TX_DIGITS = 8;
const LOG_DIGITS = 8;
const MAX_BLOCK = Number.MAX_SAFE_INTEGER; // 16 digits
const MAX_TX = 10 ** TX_DIGITS - 1;
const MAX_LOG = 10 ** LOG_DIGITS - 1;

/** Length of every encoded checkpoint. */
export const CHECKPOINT_LENGTH = BLOCK_DIGITS + TX_DIGITS + LOG_DIGITS;

function field(value: number, digits: number, max: number, name: string): string {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new RangeError(`checkpoint: ${name} ${value} is not an integer in 0..${max}`);
  }
  return value.toString().padStart(digits, "0");
}

/**
 * Encodes a checkpoint.
 * @param parts - block number, transaction index and log index (non-negative integers).
 * @returns a 32-character decimal string; string order equals (block, txIndex, logIndex) order.
 * @example encodeCheckpoint({ block: 7, txIndex: 0, logIndex: 2 }) // "0000000000000007" + "00000000" + "00000002"
 */
export function encodeCheckpoint(parts: CheckpointParts): string {
  return (
    field(parts.block, BLOCK_DIGITS, MAX_BLOCK, "block") +
    field(parts.txIndex, TX_DIGITS, MAX_TX, "txIndex") +
    field(parts.logIndex, LOG_DIGITS, MAX_LOG, "logIndex")
  );
}

/**
 * Decodes an encoded checkpoint.
 * @param checkpoint - a string made by {@link encodeCheckpoint}.
 * @returns its parts.
 * @throws RangeError when the string is not a well-formed checkpoint.
 * @example decodeCheckpoint(encodeCheckpoint({ block: 7, txIndex: 0, logIndex: 2 })).block // 7
 */
export function decodeCheckpoint(checkpoint: string): CheckpointParts {
  if (!isCheckpoint(checkpoint)) throw new RangeError(`checkpoint: "${checkpoint}" is not ${CHECKPOINT_LENGTH} decimal digits`);
  return {
    block: Number(checkpoint.slice(0, BLOCK_DIGITS)),
    txIndex: Number(checkpoint.slice(BLOCK_DIGITS, BLOCK_DIGITS + TX_DIGITS)),
    logIndex: Number(checkpoint.slice(BLOCK_DIGITS + TX_DIGITS)),
  };
}

/**
 * Whether a string is a well-formed encoded checkpoint.
 * @param value - any string.
 * @returns true for exactly {@link CHECKPOINT_LENGTH} decimal digits.
 * @example isCheckpoint("12") // false
 */
export function isCheckpoint(value: string): boolean {
  return value.length === CHECKPOINT_LENGTH && /^[0-9]+$/.test(value);
}

/**
 * The smallest checkpoint in a block: every event of `block` sorts at or after it.
 * @param block - block number.
 * @returns the encoded checkpoint (block, 0, 0).
 * @example blockStart(5) < encodeCheckpoint({ block: 5, txIndex: 0, logIndex: 1 }) // true
 */
export function blockStart(block: number): string {
  return encodeCheckpoint({ block, txIndex: 0, logIndex: 0 });
}

/**
 * The largest checkpoint in a block: every event of `block` sorts at or before it.
 * @param block - block number.
 * @returns the encoded checkpoint (block, max, max).
 * @example blockEnd(5) < blockStart(6) // true
 */
export function blockEnd(block: number): string {
  return encodeCheckpoint({ block, txIndex: MAX_TX, logIndex: MAX_LOG });
}

/** The largest encoded checkpoint: every event sorts before or at it. */
export const MAX_CHECKPOINT = blockEnd(MAX_BLOCK);

/**
 * Compares two encoded checkpoints.
 * @returns negative, zero or positive, as for `Array.prototype.sort`.
 * @example [b, a].sort(compareCheckpoints)
 */
export function compareCheckpoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
