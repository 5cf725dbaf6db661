import { isAddress, isHex, type Address, type Hex } from "viem";
import { LedgerError } from "../errors/base.js";

// The selectors of transfer(address,uint256) and transferWithReference(address,uint256,bytes32), written out (not
// hashed at start-up); test/cli/startup.test.ts checks them against toFunctionSelector.
const TRANSFER = "0xa9059cbb";
const TRANSFER_WITH_REFERENCE = "0xe2233eb8";

const word = (hex: string) => hex.padStart(64, "0");

/**
 * ABI-encodes `transfer(to, value)` or, with a reference, `transferWithReference(to, value, reference)`, by
 * hand: a pipeline encodes thousands, and viem's generic encoder costs more than the rest of their preparation.
 * test/sdk/pipeline.test.ts checks it against viem's `encodeFunctionData`.
 *
 * @param to - the recipient.
 * @param value - the amount in base units (0 ≤ value < 2^256, checked by the caller).
 * @param reference - an optional 32-byte reference.
 * @param label - names the transfer in errors (e.g. "transfer 3").
 * @returns the calldata.
 * @throws {LedgerError} when `to` is not an address or `reference` not 32 bytes of hex.
 * @example
 * ```ts
 * encodeTransferCall(shop, 12_500_000n, undefined, "transfer 0");
 * ```
 */
export function encodeTransferCall(to: Address, value: bigint, reference: Hex | undefined, label: string): Hex {
  if (!isAddress(to, { strict: false })) throw new LedgerError(`${label}: recipient ${to} is not an address`);
  const head = `${word(to.slice(2).toLowerCase())}${word(value.toString(16))}`;
  if (reference === undefined) return `${TRANSFER}${head}`;
  if (!isHex(reference) || reference.length !== 66) throw new LedgerError(`${label}: reference must be 32 bytes of hex`);
  return `${TRANSFER_WITH_REFERENCE}${head}${reference.slice(2).toLowerCase()}`;
}
