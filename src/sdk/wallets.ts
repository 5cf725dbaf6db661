import { maxUint64, zeroHash, type Address, type Hex } from "viem";
import { formatAmount, toBaseUnits, type Amount } from "./amounts.js";

/** Wallet statuses, indexed by their on-chain value (IWalletRegistry.WalletStatus). */
export const WALLET_STATUSES = ["unregistered", "active", "frozen", "closed"] as const;
/** A wallet's status. */
export type WalletStatus = (typeof WALLET_STATUSES)[number];

/** Wallet roles, indexed by their on-chain value (IWalletRegistry.WalletRole); 0 is never registered. */
export const WALLET_ROLES = ["none", "individual", "agent", "merchant", "institution"] as const;
/** A wallet's role. */
export type WalletRole = (typeof WALLET_ROLES)[number];
/** A role that can be registered. */
export type RegistrableRole = Exclude<WalletRole, "none">;

/** A wallet's registry record, with amounts as decimal strings in token units. */
export type WalletRecord = {
  /** The wallet. */
  account: Address;
  /** Lifecycle status. */
  status: WalletStatus;
  /** Kind of party. */
  role: WalletRole;
  /** KYC tier. */
  tier: number;
  /** On compliance's denylist (independent of status). */
  denylisted: boolean;
  /** Region code. */
  region: number;
  /** Institution id of the registering bank. */
  institution: number;
  /** First UTC day on which the wallet may no longer move value. */
  kycExpiryDay: number;
  /** The UTC day `spentToday` refers to. */
  spentDay: number;
  /** Outflow on `spentDay`, as stored (it counts only when `spentDay` is today). */
  spentToday: string;
  /** Balance. */
  balance: string;
  /** Linked alias commitment, if any. */
  aliasCommitment: Hex | undefined;
};

/** The raw tuple `walletOf` returns. */
export type RawWallet = {
  status: number;
  role: number;
  tier: number;
  denylisted: boolean;
  region: number;
  institution: number;
  kycExpiryDay: number;
  spentDay: number;
  spentToday: bigint;
  balance: bigint;
  aliasCommitment: Hex;
};

/**
 * Turns the contract's wallet struct into a {@link WalletRecord}.
 *
 * @param account - the wallet.
 * @param raw - what `walletOf` returned.
 * @param decimals - token decimals.
 * @returns the record.
 * @example
 * ```ts
 * toWalletRecord(account, await readToken(client, "walletOf", [account]), 6);
 * ```
 */
export function toWalletRecord(account: Address, raw: RawWallet, decimals: number): WalletRecord {
  return {
    account,
    status: WALLET_STATUSES[raw.status] ?? "unregistered",
    role: WALLET_ROLES[raw.role] ?? "none",
    tier: raw.tier,
    denylisted: raw.denylisted,
    region: raw.region,
    institution: raw.institution,
    kycExpiryDay: raw.kycExpiryDay,
    spentDay: raw.spentDay,
    spentToday: formatAmount(raw.spentToday, decimals),
    balance: formatAmount(raw.balance, decimals),
    aliasCommitment: raw.aliasCommitment === zeroHash ? undefined : raw.aliasCommitment,
  };
}

/**
 * The on-chain value of a role name.
 *
 * @param role - e.g. `"merchant"`.
 * @returns the WalletRole value (1..4).
 * @example
 * ```ts
 * roleValue("merchant"); // 3
 * ```
 */
export function roleValue(role: RegistrableRole): number {
  return WALLET_ROLES.indexOf(role);
}

/** A tier limit in token units as a decimal string, or `null` for unlimited (`type(uint64).max` on chain). */
export type Limit = string | null;

/**
 * Formats a uint64 limit: `null` for unlimited.
 *
 * @param units - the limit in base units.
 * @param decimals - token decimals.
 * @returns the limit, or null.
 * @example
 * ```ts
 * formatLimit(maxUint64, 6); // null
 * ```
 */
export function formatLimit(units: bigint, decimals: number): Limit {
  return units >= maxUint64 ? null : formatAmount(units, decimals);
}

/**
 * Parses a limit: `null` means unlimited.
 *
 * @param limit - an amount, or null.
 * @param decimals - token decimals.
 * @returns base units (uint64).
 * @example
 * ```ts
 * parseLimit("500", 6); // 500_000_000n
 * ```
 */
export function parseLimit(limit: Amount | null, decimals: number): bigint {
  // type(uint64).max is the "unlimited" sentinel: a finite limit stops one below it, or it would silently
  // become unlimited.
  return limit === null ? maxUint64 : toBaseUnits(limit, decimals, { max: maxUint64 - 1n });
}

/**
 * The UTC day number of a date (days since 1970-01-01), the unit of KYC expiry and daily limits.
 *
 * @param date - a date.
 * @returns the day number.
 * @example
 * ```ts
 * dayNumber(new Date("2027-01-01")); // 20819
 * ```
 */
export function dayNumber(date: Date): number {
  return Math.floor(date.getTime() / 86_400_000);
}
