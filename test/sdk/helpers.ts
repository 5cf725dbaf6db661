/**
 * Shared setup of the SDK tests: SDK clients over the in-process Hardhat network (viem `custom(provider)`),
 * bound to the ledger deployed by test/fixtures.ts, one per role holder.
 */
import { custom, type Address, type Hex } from "viem";
import type { NetworkConnection } from "hardhat/types/network";
import { createLedgerClient, type LedgerClient, type LedgerDeployment } from "@goods-ledger/sdk";
import { ledgerFixtures, type FundedLedger } from "../fixtures.js";
import { devAccount } from "./support/accounts.js";

export { devAccount, devAccounts, HARDHAT_MNEMONIC } from "./support/accounts.js";

/** A funded ledger (test/fixtures.ts) with an SDK client per participant. */
export type SdkLedger = FundedLedger & {
  deployment: LedgerDeployment;
  lotA: Hex;
  lotB: Hex;
  /** A client for any address (local account), or without an account. */
  clientFor: (address?: Address | string) => LedgerClient;
  reader: LedgerClient;
  /**
   * A client (with the address's local account, or none) whose transport counts every JSON-RPC request it
   * passes on, for tests that claim an action fails "before any request".
   */
  countingClientFor: (address?: Address | string) => { client: LedgerClient; requests: () => string[] };
  /** A client signing as a fixture signer. */
  as: (signer: { address: string }) => LedgerClient;
  /** The funded individuals, the merchant, and an unregistered address (others[0]). */
  addresses: { alice: Address; bob: Address; merchant: Address; stranger: Address };
};

/**
 * Returns a function that loads the funded-ledger fixture (a snapshot, so each test starts from the same
 * state) and fresh SDK clients (their nonce caches must not outlive a snapshot revert).
 *
 * @param connection - a connection from `network.create()`.
 * @returns the loader.
 */
export function sdkLedgerLoader(connection: NetworkConnection): () => Promise<SdkLedger> {
  const { fundedLedgerFixture } = ledgerFixtures(connection);
  return async () => {
    const ledger = await connection.networkHelpers.loadFixture(fundedLedgerFixture);
    const deployment: LedgerDeployment = {
      chainId: 31337,
      contracts: { token: (await ledger.token.getAddress()) as Address, reserveRegistry: (await ledger.reserveRegistry.getAddress()) as Address },
      decimals: 6,
    };
    // In-process: no transport failures to retry, and viem would retry a revert (JSON-RPC -32603) three times.
    const transport = custom(connection.provider, { retryCount: 0 });
    const clientFor = (address?: Address | string) =>
      createLedgerClient({ deployment, transport, pollingInterval: 20, ...(address ? { account: devAccount(address) } : {}) }) as LedgerClient;
    const addresses = {
      alice: ledger.alice.address as Address,
      bob: ledger.bob.address as Address,
      merchant: ledger.merchant.address as Address,
      stranger: ledger.others[0]!.address as Address,
    };
    const countingClientFor = (address?: Address | string) => {
      const methods: string[] = [];
      const counting = custom(
        { request: (args: { method: string; params?: unknown }) => (methods.push(args.method), connection.provider.request(args as never)) },
        { retryCount: 0 },
      );
      const client = createLedgerClient({ deployment, transport: counting, pollingInterval: 20, ...(address ? { account: devAccount(address) } : {}) }) as LedgerClient;
      return { client, requests: () => [...methods] };
    };
    return { ...ledger, lotA: ledger.lotA as Hex, lotB: ledger.lotB as Hex, deployment, clientFor, countingClientFor, reader: clientFor(), as: (signer) => clientFor(signer.address), addresses };
  };
}

/**
 * Awaits a promise that must reject, and returns the rejection.
 *
 * @param promise - the call.
 * @returns what it threw.
 */
export async function rejectionOf(promise: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but the call succeeded");
}
