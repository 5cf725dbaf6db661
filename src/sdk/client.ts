import type { Account, Address, Chain, Client, Transport } from "viem";
import { createLedgerBaseClient } from "./baseClient.js";
import { ledgerActions, type LedgerActions } from "./decorator.js";
import type { NonceAllocator } from "./nonces.js";

/**
 * What the SDK needs from a deployment file (docs/DESIGN.md §6): the chain and the contracts. A whole
 * `deployments/<network>.json` fits.
 */
export type LedgerDeployment = {
  /** Chain id the contracts live on. */
  chainId: number;
  /** Contract addresses; `walletRegistry` is the token itself (DESIGN.md §1). */
  contracts: { token: Address; reserveRegistry: Address; walletRegistry?: Address | undefined };
  /** Token decimals; 6 when omitted. */
  decimals?: number | undefined;
  /** JSON-RPC endpoint, used when neither `transport` nor `rpcUrl` is given. */
  rpcUrl?: string | undefined;
  /** Network name, used as the chain's name. */
  network?: string | undefined;
};

/** The ledger's settings, carried by every {@link LedgerClient} as `client.ledger`. */
export type LedgerConfig = {
  /** Chain id. */
  chainId: number;
  /** GoodsToken (and wallet registry). */
  token: Address;
  /** ReserveRegistry. */
  reserveRegistry: Address;
  /** Token decimals. */
  decimals: number;
  /** Nonces of the client's local account, shared by its pipelines; undefined without a local account. */
  nonces: NonceAllocator | undefined;
};

/** The client every action takes: a viem client with a chain and `ledger` settings. */
export type LedgerBaseClient<account extends Account | undefined = Account | undefined> = Client<Transport, Chain, account> & {
  ledger: LedgerConfig;
};

/** A {@link LedgerBaseClient} decorated with every action, as `createLedgerClient` returns it. */
export type LedgerClient<account extends Account | undefined = Account | undefined> = LedgerBaseClient<account> & LedgerActions;

/** Parameters of {@link createLedgerClient}. */
export type CreateLedgerClientParameters<account extends Account | undefined = undefined> = {
  /** The deployment (addresses and chain id). */
  deployment: LedgerDeployment;
  /**
   * A viem transport: `http(url)`, `custom(eip1193Provider)`, `webSocket(url)`, or `fallback([http(a), http(b)])`
   * for several endpoints (e.g. each bank's node). With `fallback`, requests go to the first endpoint that
   * answers, and pipelined submission (`sendTransfers`) reads the account's nonce from every endpoint (the
   * highest wins) and looks each receipt up on every endpoint before its absence counts.
   */
  transport?: Transport | undefined;
  /** Shortcut for `http(rpcUrl, { batch: true })`; defaults to `deployment.rpcUrl`. */
  rpcUrl?: string | undefined;
  /** The account that signs: a local account (`privateKeyToAccount`) or a node-managed address. */
  account?: account | undefined;
  /** How often to poll for receipts and nonces, in ms. Default 1 000. */
  pollingInterval?: number | undefined;
};

/**
 * Creates a client for the ledger: a viem client bound to the deployment's chain and contracts, decorated
 * with every action (`client.transfer(…)`, `client.getWallet(…)`, …). Each action is also a standalone
 * function taking the client first, for tree-shaking.
 *
 * @param parameters - deployment, transport (or RPC URL) and account.
 * @returns the decorated client.
 * @throws {LedgerError} when the deployment lacks a chain id or a contract address, or no transport is given.
 * @example
 * ```ts
 * import { createLedgerClient } from "@goods-ledger/sdk";
 * import { privateKeyToAccount } from "viem/accounts";
 * const client = createLedgerClient({ deployment, rpcUrl: "http://127.0.0.1:8545", account: privateKeyToAccount(key) });
 * const { balance } = await client.getWallet({ account: client.account.address });
 * ```
 */
export function createLedgerClient<account extends Account | undefined = undefined>(
  parameters: CreateLedgerClientParameters<account>,
): LedgerClient<account> {
  const base = createLedgerBaseClient(parameters) as LedgerBaseClient;
  return base.extend(ledgerActions as (client: Client) => LedgerActions) as unknown as LedgerClient<account>;
}
