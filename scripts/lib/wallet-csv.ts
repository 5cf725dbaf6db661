/**
 * The wallets CSV of `goods-ledger wallet import`: one registration per row.
 *
 * ```csv
 * address,role,tier,region,institution,kyc_expiry
 * 0x70997970C51812dc3A010C7d01b50e0d17dc79C8,individual,1,254,1,2027-12-31
 * ```
 *
 * `role` is individual, agent, merchant or institution; `kyc_expiry` is the first UTC day on which the
 * wallet may no longer move value (YYYY-MM-DD).
 */
import { readFileSync } from "node:fs";
import type { WalletRegistration } from "@goods-ledger/sdk";
import { WALLET_ROLES, type RegistrableRole } from "@goods-ledger/sdk";
import { parseCsv, type CsvShortRecord } from "./csv.js";
import { CliError } from "./errors.js";
import { formatDay, parseAddress, parseChoice, parseDay, parseInteger } from "./validate.js";

/** Parses a wallet role name (individual, agent, merchant, institution). */
export const parseWalletRole = parseChoice("role", WALLET_ROLES.filter((r): r is RegistrableRole => r !== "none"));
/** Parses a KYC tier (uint8). */
export const parseTier = parseInteger("tier", 0, 255);
/** Parses a region code (uint16). */
export const parseRegion = parseInteger("region", 0, 65_535);
/** Parses an institution id (uint16). */
export const parseInstitution = parseInteger("institution", 0, 65_535);

/** The columns the file must have. */
export const WALLET_CSV_COLUMNS = ["address", "role", "tier", "region", "institution", "kyc_expiry"] as const;

/** One valid row: the SDK's registration and its CSV line. */
export interface WalletRow extends WalletRegistration {
  line: number;
}

/** One bad row: its line, the field, and what is wrong. */
export interface RejectedRow {
  line: number;
  field: string;
  message: string;
}

/** Formats a rejected row as the one line the user sees. */
export function describeRejected(source: string, row: RejectedRow): string {
  return `${source} line ${row.line}, field ${row.field}: ${row.message}`;
}

/**
 * Reads and checks the wallets CSV: every field of every row, and duplicate addresses. Checks against the
 * chain (tiers configured, wallets not registered yet, expiry after today) come later.
 *
 * @param path - The CSV file.
 * @param today - The chain's current UTC day: `kyc_expiry` must be after it.
 * @returns The valid rows, and the problems of the others (each naming its line and field; a row may have several;
 * a row with the wrong number of fields is one problem, field "(row)").
 * @throws CliError when the file itself is unusable (missing columns, unterminated quote).
 */
export function readWalletCsv(path: string, today: number): { rows: WalletRow[]; rejected: RejectedRow[] } {
  const wrongLength: CsvShortRecord[] = [];
  const { header, records } = parseCsv(readFileSync(path, "utf8"), path, wrongLength);
  const missing = WALLET_CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new CliError(`${path}: the header lacks column(s) ${missing.join(", ")} (expected ${WALLET_CSV_COLUMNS.join(",")})`, { code: "invalid-input" });
  }
  const rows: WalletRow[] = [];
  const rejected: RejectedRow[] = wrongLength.map(({ line, fields, expected }) => ({
    line,
    field: "(row)",
    message: `has ${fields} field${fields === 1 ? "" : "s"}, the header has ${expected}`,
  }));
  const firstLineOf = new Map<string, number>();
  for (const { line, fields } of records) {
    const problems: RejectedRow[] = [];
    const field = <T>(name: (typeof WALLET_CSV_COLUMNS)[number], parse: (value: string) => T): T | undefined => {
      try {
        return parse(fields[name]!);
      } catch (error) {
        problems.push({ line, field: name, message: (error as Error).message });
        return undefined;
      }
    };
    const account = field("address", parseAddress);
    const role = field("role", parseWalletRole);
    const tier = field("tier", parseTier);
    const region = field("region", parseRegion);
    const institution = field("institution", parseInstitution);
    const kycExpiryDay = field("kyc_expiry", parseDay);
    if (account !== undefined) {
      const seen = firstLineOf.get(account);
      if (seen === undefined) firstLineOf.set(account, line);
      else problems.push({ line, field: "address", message: `${account} is already on line ${seen}` });
    }
    if (kycExpiryDay !== undefined && kycExpiryDay <= today) {
      problems.push({ line, field: "kyc_expiry", message: `${fields.kyc_expiry} is not after today (${formatDay(today)} on the chain)` });
    }
    if (problems.length > 0) rejected.push(...problems);
    else rows.push({ line, account: account!, role: role!, tier: tier!, region: region!, institution: institution!, kycExpiryDay: kycExpiryDay! });
  }
  return { rows, rejected };
}
