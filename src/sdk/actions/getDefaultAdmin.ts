import { zeroAddress, type Address } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readReserve, readToken, type ReadAt } from "../internal/contracts.js";
import type { DefaultAdminTarget } from "../internal/defaultAdmin.js";

/** Parameters of {@link getDefaultAdmin}. */
export type GetDefaultAdminParameters = ReadAt & DefaultAdminTarget;

/** A contract's admin, its pending transfer and its delay (AccessControlDefaultAdminRules). */
export type GetDefaultAdminReturnType = {
  /** The admin (`defaultAdmin()`, also `owner()`); the zero address once renounced. */
  admin: Address;
  /** The pending admin of a transfer in progress, or undefined. */
  pendingAdmin: Address | undefined;
  /** When the pending admin may accept (unix seconds), or undefined when no transfer is pending. */
  acceptableAt: bigint | undefined;
  /** The delay a transfer waits, seconds (`defaultAdminDelay()`). */
  delay: bigint;
  /** A scheduled change of the delay, or undefined (`pendingDefaultAdminDelay()`). */
  pendingDelay: { delay: bigint; effectiveAt: bigint } | undefined;
  /** The longest wait before an increase of the delay takes effect, seconds (`defaultAdminDelayIncreaseWait()`). */
  delayIncreaseWait: bigint;
};

/** Errors {@link getDefaultAdmin} can throw. */
export type GetDefaultAdminErrorType = ReadErrorType;

/**
 * Reads a contract's admin state, all at one block: the admin, a pending two-step transfer (who, and from when it
 * can be accepted), the delay, and a scheduled delay change.
 *
 * @param client - a ledger client.
 * @param parameters - the contract (the token by default) and optionally a block.
 * @returns the admin state.
 * @example
 * ```ts
 * const { admin, pendingAdmin, acceptableAt, delay } = await getDefaultAdmin(client, { contract: "reserveRegistry" });
 * ```
 */
export async function getDefaultAdmin(client: LedgerBaseClient, { contract = "token", ...at }: GetDefaultAdminParameters = {}): Promise<GetDefaultAdminReturnType> {
  const read = <const fn extends "defaultAdmin" | "pendingDefaultAdmin" | "defaultAdminDelay" | "pendingDefaultAdminDelay" | "defaultAdminDelayIncreaseWait">(fn: fn) =>
    contract === "token" ? readToken(client, fn, [] as never, at) : readReserve(client, fn, [] as never, at);
  const [admin, [pendingAdmin, schedule], delay, [newDelay, delaySchedule], wait] = await Promise.all([
    read("defaultAdmin") as Promise<Address>,
    read("pendingDefaultAdmin") as Promise<readonly [Address, number]>,
    read("defaultAdminDelay") as Promise<number>,
    read("pendingDefaultAdminDelay") as Promise<readonly [number, number]>,
    read("defaultAdminDelayIncreaseWait") as Promise<number>,
  ]);
  const pending = pendingAdmin !== zeroAddress && schedule !== 0;
  return {
    admin,
    pendingAdmin: pending ? pendingAdmin : undefined,
    acceptableAt: pending ? BigInt(schedule) : undefined,
    delay: BigInt(delay),
    pendingDelay: delaySchedule === 0 ? undefined : { delay: BigInt(newDelay), effectiveAt: BigInt(delaySchedule) },
    delayIncreaseWait: BigInt(wait),
  };
}
