/**
 * Input validation for the CLI. Each parser takes the raw string and returns the typed value, or throws
 * commander's `InvalidArgumentError` with one sentence naming what is wrong. Used as commander argument
 * parsers (commander then names the option or argument) and by the CSV import (which names line and field).
 */
import { InvalidArgumentError } from "commander";
import { statSync } from "node:fs";
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";
import { TOKEN_DECIMALS, parseAmount } from "@goods-ledger/sdk";
import { toBytes32 } from "@goods-ledger/sdk";
import type { LedgerError } from "@goods-ledger/sdk";
import { lotId } from "@goods-ledger/sdk";
import { dayNumber } from "@goods-ledger/sdk";

/**
 * Parses a 20-byte hex address; mixed case must be a valid EIP-55 checksum.
 *
 * @param value - The raw input.
 * @returns The checksummed address.
 * @example parseAddress("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")
 */
export function parseAddress(value: string): Address {
  const v = value.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new InvalidArgumentError(`"${value}" is not an address (0x and 40 hex digits)`);
  if (!isAddress(v, { strict: true }) && v !== v.toLowerCase() && v.slice(2) !== v.slice(2).toUpperCase()) {
    throw new InvalidArgumentError(`"${value}" has a wrong EIP-55 checksum (mixed case that does not match)`);
  }
  if (/^0x0{40}$/.test(v)) throw new InvalidArgumentError("the zero address is not a wallet");
  return getAddress(v.toLowerCase());
}

/**
 * Parses an integer within bounds.
 *
 * @param what - What the number is, for the message (e.g. "tier").
 * @param min - The smallest allowed value.
 * @param max - The largest allowed value.
 * @returns A parser for commander.
 * @example parseInteger("tier", 0, 255)("2") // 2
 */
export function parseInteger(what: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const v = value.trim();
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${what} "${value}" is not a whole number`);
    const n = Number(v);
    if (n < min || n > max) throw new InvalidArgumentError(`${what} ${n} is out of range (${min}–${max})`);
    return n;
  };
}

/**
 * Parses a lot id: 32 bytes of hex, or a label (e.g. a warehouse receipt number) that the SDK turns into
 * `keccak256(label)`, as the fixtures and the indexer do.
 *
 * @param value - The raw input.
 * @returns The 32-byte lot id.
 * @example parseLotId("WR-2026-0001")
 */
export function parseLotId(value: string): Hex {
  if (value.startsWith("0x")) {
    if (!isHex(value) || value.length !== 66) throw new InvalidArgumentError(`"${value}" is not a lot id (0x and 64 hex digits, or a label)`);
    if (/^0x0{64}$/.test(value)) throw new InvalidArgumentError("the zero lot id is not a lot");
    return value.toLowerCase() as Hex;
  }
  if (!/^[\x21-\x7e]{1,64}$/.test(value)) throw new InvalidArgumentError(`lot label "${value}" must be 1–64 printable ASCII characters without spaces`);
  return lotId(value);
}

/**
 * A parser for a short code stored as `bytes32` (reason code, goods class, unit, location, reference):
 * at most 31 bytes of text, or 32 bytes of hex.
 *
 * @param what - What the code is, for the message.
 * @returns A parser for commander; it returns the input, which the SDK encodes.
 * @example parseCode("reason code")("SANCTIONS_HIT")
 */
export function parseCode(what: string): (value: string) => string {
  return (value) => {
    if (value.trim() === "") throw new InvalidArgumentError(`${what} must not be empty`);
    try {
      toBytes32(value, what);
    } catch (error) {
      throw new InvalidArgumentError((error as LedgerError).shortMessage);
    }
    return value;
  };
}

/**
 * Parses a positive amount in token units ("12.50"), with the SDK's rules (no sign, at most 6 decimals).
 *
 * @param value - The raw input.
 * @returns The same decimal string, for the SDK.
 * @example parseAmountArg("12.50")
 */
export function parseAmountArg(value: string): string {
  let units: bigint;
  // The rule is "more than 0": the SDK's own message for a negative amount ("zero or more") would contradict it.
  if (/^\s*-/.test(value)) throw new InvalidArgumentError(`amount ${value.trim()} is negative: amounts must be more than 0`);
  try {
    units = parseAmount(value, TOKEN_DECIMALS);
  } catch (error) {
    throw new InvalidArgumentError((error as LedgerError).shortMessage);
  }
  if (units === 0n) throw new InvalidArgumentError(`amount ${value.trim()} is zero: amounts must be more than 0`);
  return value;
}

/**
 * Parses a JSON-RPC URL (http, https, ws or wss).
 *
 * @param value - The raw input.
 * @returns The URL as given.
 * @example parseRpcUrl("http://127.0.0.1:8545")
 */
export function parseRpcUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL (e.g. http://127.0.0.1:8545)`);
  }
  if (!["http:", "https:", "ws:", "wss:"].includes(url.protocol)) {
    throw new InvalidArgumentError(`"${value}" must be an http(s) or ws(s) URL, not ${url.protocol.slice(0, -1)}`);
  }
  return value;
}

/**
 * Parses a document URI of any scheme (https, ipfs, …).
 *
 * @param value - The raw input.
 * @returns The URI as given.
 * @example parseUri("ipfs://bafy…")
 */
export function parseUri(value: string): string {
  if (!URL.canParse(value)) throw new InvalidArgumentError(`"${value}" is not a URI (e.g. https://… or ipfs://…)`);
  return value;
}

/**
 * Checks that a path names an existing, readable regular file.
 *
 * @param value - The path.
 * @returns The path.
 * @example parseExistingFile("wallets.csv")
 */
export function parseExistingFile(value: string): string {
  let stats;
  try {
    stats = statSync(value);
  } catch {
    throw new InvalidArgumentError(`file "${value}" does not exist`);
  }
  if (!stats.isFile()) throw new InvalidArgumentError(`"${value}" is not a file`);
  return value;
}

/**
 * Parses a calendar date (YYYY-MM-DD, UTC) into a UTC day number (days since 1970-01-01), the unit the
 * registry uses for KYC expiry (the SDK's `dayNumber`).
 *
 * @param value - The raw input.
 * @returns The UTC day number.
 * @example parseDay("2027-12-31") // 21914
 */
export function parseDay(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).getUTCDate() !== Number(m[3])) {
    throw new InvalidArgumentError(`"${value}" is not a date (YYYY-MM-DD)`);
  }
  return dayNumber(new Date(ms));
}

/** Formats a UTC day number as YYYY-MM-DD. */
export function formatDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A parser for one of a fixed set of words.
 *
 * @param what - What the word is, for the message.
 * @param choices - The accepted words.
 * @returns A parser for commander.
 * @example parseChoice("role", ["individual", "agent"])("agent")
 */
export function parseChoice<T extends string>(what: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${what} "${value}" is not one of: ${choices.join(", ")}`);
    }
    return value as T;
  };
}
