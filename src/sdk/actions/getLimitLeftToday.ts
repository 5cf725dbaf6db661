import { maxUint64, type Address } from "viem";
import { getBlockNumber } from "viem/actions";
import { formatAmount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken, type ReadAt } from "../internal/contracts.js";
import { formatLimit, type Limit } from "../wallets.js";

/** Parameters of {@link getLimitLeftToday}. */
export type GetLimitLeftTodayParameters = ReadAt & {
  /** The wallet. */
  account: Address;
};

/** A wallet's sending room today, in token units; `null` means unlimited. */
export type GetLimitLeftTodayReturnType = {
  account: Address;
  /** The chain's UTC day the figures are for. */
  day: number;
  /** The wallet's tier. */
  tier: number;
  /** Outflow already counted today (0 when the stored outflow is from an earlier day). */
  spentToday: string;
  /** What is left of the daily outflow limit today. */
  leftToday: Limit;
  /** The tier's single-transfer limit. */
  maxTransfer: Limit;
  /** The balance. */
  balance: string;
  /**
   * The largest single transfer the sender-side rules allow now: the least of balance, `leftToday` and
   * `maxTransfer`, or 0 when the wallet is not active, is denylisted or its KYC has expired. The recipient's
   * rules and a pause are not included: use `checkTransfer` for a given payment.
   */
  sendable: string;
};

/** Errors {@link getLimitLeftToday} can throw. */
export type GetLimitLeftTodayErrorType = ReadErrorType;

/**
 * Computes how much a wallet may still send today, from its record, its tier and the chain's day, all read
 * at one block. It mirrors the contract's rule: the stored outflow counts only when it is from today.
 *
 * @param client - a ledger client.
 * @param parameters - the wallet.
 * @returns left today, single-transfer limit, balance and what is sendable now.
 * @example
 * ```ts
 * const { leftToday, sendable } = await getLimitLeftToday(client, { account }); // "380", "250"
 * ```
 */
export async function getLimitLeftToday(client: LedgerBaseClient, { account, ...at }: GetLimitLeftTodayParameters): Promise<GetLimitLeftTodayReturnType> {
  const blockNumber = at.blockNumber ?? (await getBlockNumber(client, { cacheTime: 0 }));
  const [wallet, today] = await Promise.all([
    readToken(client, "walletOf", [account], { blockNumber }),
    readToken(client, "currentDay", [], { blockNumber }),
  ]);
  const limits = await readToken(client, "tierLimits", [wallet.tier], { blockNumber });
  const day = Number(today);
  const { decimals } = client.ledger;
  const spent = wallet.spentDay === day ? wallet.spentToday : 0n;
  const left = wallet.status === 0 ? 0n : limits.dailyOutflow === maxUint64 ? maxUint64 : limits.dailyOutflow > spent ? limits.dailyOutflow - spent : 0n;
  const canSend = wallet.status === 1 && !wallet.denylisted && day < wallet.kycExpiryDay;
  const sendable = canSend ? [wallet.balance, left, limits.maxTransfer].reduce((a, b) => (a < b ? a : b)) : 0n;
  return {
    account,
    day,
    tier: wallet.tier,
    spentToday: formatAmount(spent, decimals),
    leftToday: formatLimit(left, decimals),
    maxTransfer: formatLimit(limits.maxTransfer, decimals),
    balance: formatAmount(wallet.balance, decimals),
    sendable: formatAmount(sendable, decimals),
  };
}
