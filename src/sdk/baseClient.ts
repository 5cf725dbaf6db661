import { createClient, defineChain, getAddress, http, isAddress, type Account, type Chain } from "viem";
import { TOKEN_DECIMALS } from "./amounts.js";
import type { CreateLedgerClientParameters, LedgerBaseClient, LedgerConfig, LedgerDeployment } from "./client.js";
import { readTransactionCount } from "./endpoints.js";
import { LedgerError } from "./errors/base.js";
import { NonceAllocator } from "./nonces.js";

/**
 * Creates the ledger client without its action methods: the client every standalone action takes
 * (`getBalance(client, …)`). A program that uses a few actions imports only those, and not the decorator that
 * imports them all (`createLedgerClient` is this plus every action as a method).
 *
 * @param parameters - deployment, transport (or RPC URL) and account, as for `createLedgerClient`.
 * @returns the client, with `client.ledger` set.
 * @throws {LedgerError} when the deployment lacks a chain id or a contract address, or no transport is given.
 * @example
 * ```ts
 * import { createLedgerBaseClient, getBalance } from "goods-ledger/sdk";
 * const client = createLedgerBaseClient({ deployment, rpcUrl: "http://127.0.0.1:8545" });
 * const balance = await getBalance(client, { account: "0x…" }); // "120.5"
 * ```
 */
export function createLedgerBaseClient<account extends Account | undefined = undefined>(
  parameters: CreateLedgerClientParameters<account>,
): LedgerBaseClient<account> {
  const { deployment } = parameters;
  if (!Number.isSafeInteger(deployment?.chainId) || deployment.chainId <= 0) throw new LedgerError("deployment.chainId must be a positive integer");
  for (const name of ["token", "reserveRegistry"] as const) {
    const address = deployment.contracts?.[name];
    if (typeof address !== "string" || !isAddress(address, { strict: false })) throw new LedgerError(`deployment.contracts.${name} must be an address`);
  }
  const url = parameters.rpcUrl ?? deployment.rpcUrl;
  const transport = parameters.transport ?? (url ? http(url, { batch: { batchSize: 100, wait: 0 } }) : undefined);
  if (!transport) throw new LedgerError("createLedgerClient needs a transport, an rpcUrl, or a deployment with rpcUrl");
  const chain = ledgerChain(deployment, url);
  const base = createClient({
    chain,
    transport,
    account: parameters.account,
    pollingInterval: parameters.pollingInterval ?? 1_000,
    name: "Goods Ledger Client",
    type: "ledgerClient",
  });
  const account = base.account as Account | undefined;
  const ledger: LedgerConfig = {
    chainId: deployment.chainId,
    token: getAddress(deployment.contracts.token),
    reserveRegistry: getAddress(deployment.contracts.reserveRegistry),
    decimals: deployment.decimals ?? TOKEN_DECIMALS,
    nonces:
      account?.type === "local"
        ? new NonceAllocator(() => readTransactionCount(base, account.address, "pending"))
        : undefined,
  };
  return base.extend(() => ({ ledger })) as unknown as LedgerBaseClient<account>;
}


function ledgerChain(deployment: LedgerDeployment, url: string | undefined): Chain {
  return defineChain({
    id: deployment.chainId,
    name: deployment.network ?? `ledger-${deployment.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: url ? [url] : [] } },
  });
}
