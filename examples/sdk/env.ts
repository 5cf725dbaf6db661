/**
 * Shared by the SDK examples: the deployment file and the keys, from the environment.
 *
 *   GOODS_LEDGER_DEPLOYMENT   path of the deployment file (default deployments/localhost.json)
 *   GOODS_LEDGER_RPC_URL      overrides the file's rpcUrl
 *   GOODS_LEDGER_KEY_<NAME>   private key of a role holder (REGISTRAR, COMPLIANCE, ISSUER, CUSTODIAN) or of
 *                             the example's customer (ALICE) and shop (SHOP)
 *
 * On a local chain (chain id 31337) a missing key falls back to Hardhat's public development accounts, so the
 * examples run against `goods-ledger chain` + `goods-ledger deploy` with no setup. Keys never go on a command line.
 */
import { readFileSync } from "node:fs";
import { getAddress, isAddressEqual, type Address, type Hex, type LocalAccount } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { createLedgerClient, type LedgerClient, type LedgerDeployment } from "@goods-ledger/sdk";

type Deployment = LedgerDeployment & { rpcUrl: string; roles: Record<string, Address> };

/** The deployment the examples run against. */
export const deployment: Deployment = (() => {
  const path = process.env.GOODS_LEDGER_DEPLOYMENT ?? "deployments/localhost.json";
  const file = JSON.parse(readFileSync(path, "utf8")) as Deployment;
  return { ...file, rpcUrl: process.env.GOODS_LEDGER_RPC_URL ?? file.rpcUrl };
})();

const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/** Development accounts the examples use for their customer and shop on a local chain. */
const DEV_INDEX: Record<string, number> = { ALICE: 15, SHOP: 16 };

/**
 * The account for a role holder or example participant.
 *
 * @param name - REGISTRAR, COMPLIANCE, ISSUER, CUSTODIAN, ALICE or SHOP.
 * @returns the local account.
 */
export function account(name: string): LocalAccount {
  const key = process.env[`GOODS_LEDGER_KEY_${name}`];
  if (key) return privateKeyToAccount(key as Hex);
  if (deployment.chainId !== 31337) throw new Error(`set GOODS_LEDGER_KEY_${name} (no development keys outside chain 31337)`);
  const holder = deployment.roles[name.toLowerCase()];
  if (holder === undefined) return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: DEV_INDEX[name] ?? 19 });
  for (let addressIndex = 0; addressIndex < 20; addressIndex++) {
    const candidate = mnemonicToAccount(DEV_MNEMONIC, { addressIndex });
    if (isAddressEqual(candidate.address, getAddress(holder))) return candidate;
  }
  throw new Error(`the ${name.toLowerCase()} role holder is not a development account: set GOODS_LEDGER_KEY_${name}`);
}

/**
 * A ledger client signing as `name`.
 *
 * @param name - see {@link account}.
 * @returns the client.
 */
export function clientAs(name: string): LedgerClient<LocalAccount> {
  return createLedgerClient({ deployment, account: account(name), pollingInterval: 200 });
}
