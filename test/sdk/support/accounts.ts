/** Hardhat's development accounts as viem local accounts, so tests sign locally as an app would. */
import type { HDAccount } from "viem";
import { mnemonicToAccount } from "viem/accounts";

/** Hardhat's default accounts mnemonic (the same keys `hardhat node` prints). */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** The first 20 Hardhat accounts. */
export const devAccounts: HDAccount[] = Array.from({ length: 20 }, (_, i) => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: i }));

/**
 * The local account of a Hardhat dev address.
 *
 * @param address - one of the first 20 Hardhat accounts.
 * @returns its local account.
 */
export function devAccount(address: string): HDAccount {
  const found = devAccounts.find((a) => a.address.toLowerCase() === address.toLowerCase());
  if (!found) throw new Error(`${address} is not one of the first 20 Hardhat accounts`);
  return found;
}
