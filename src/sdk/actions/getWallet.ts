import type { Address } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken, type ReadAt } from "../internal/contracts.js";
import { toWalletRecord, type WalletRecord } from "../wallets.js";

/** Parameters of {@link getWallet}. */
export type GetWalletParameters = ReadAt & {
  /** The wallet. */
  account: Address;
};

/** The wallet's record (an unregistered address has status `"unregistered"`). */
export type GetWalletReturnType = WalletRecord;

/** Errors {@link getWallet} can throw. */
export type GetWalletErrorType = ReadErrorType;

/**
 * Reads a wallet's registry record: status, role, tier, region, institution, KYC expiry, denylist flag,
 * today's outflow, balance and alias commitment.
 *
 * @param client - a ledger client.
 * @param parameters - the wallet, and optionally a block.
 * @returns the record.
 * @example
 * ```ts
 * const { status, role, tier } = await getWallet(client, { account });
 * ```
 */
export async function getWallet(client: LedgerBaseClient, { account, ...at }: GetWalletParameters): Promise<GetWalletReturnType> {
  return toWalletRecord(account, await readToken(client, "walletOf", [account], at), client.ledger.decimals);
}
