/**
 * What the till and the wallet share: the deployment they talk to, the test key they use, and how an error is
 * shown. Test keys only: both pages derive their account from Hardhat's public test mnemonic, and refuse any
 * chain but a local Hardhat one (chain id 31337).
 */
import { LedgerError, type LedgerDeployment } from "@goods-ledger/sdk";
import type { HDAccount } from "viem";
import { mnemonicToAccount } from "viem/accounts";

/** Hardhat's public test mnemonic: every key it gives is known to the world. Local chains only. */
export const TEST_MNEMONIC = "test test test test test test test test test test test junk";
/** The only chain the pages run on: Hardhat's local chain. */
export const LOCAL_CHAIN_ID = 31337;

/** The page's settings, from its URL: `?deployment=<url>&account=<index>`. */
export type PageLedger = { deployment: LedgerDeployment & { rpcUrl: string }; account: HDAccount; accountIndex: number };

/**
 * Loads the deployment (`deployment.json` next to the page, or `?deployment=<url>`) and the test account
 * (`?account=<index>` of the test mnemonic, `defaultIndex` when absent).
 *
 * @param defaultIndex - the test account used when the URL names none.
 * @returns the deployment, with its RPC URL made absolute, and the account.
 * @throws Error when the deployment is not on the local chain: test keys never go near a real one.
 */
export async function loadPageLedger(defaultIndex: number): Promise<PageLedger> {
  const query = new URLSearchParams(location.search);
  const deploymentUrl = new URL(query.get("deployment") ?? "deployment.json", location.href);
  const response = await fetch(deploymentUrl);
  if (!response.ok) throw new Error(`no deployment at ${deploymentUrl} (HTTP ${response.status}): copy deployments/<network>.json there`);
  const deployment = (await response.json()) as LedgerDeployment & { rpcUrl?: string };
  if (deployment.chainId !== LOCAL_CHAIN_ID) {
    throw new Error(`chain ${deployment.chainId} is not the local chain ${LOCAL_CHAIN_ID}: this page signs with public test keys and refuses any other chain`);
  }
  const rpcUrl = new URL(query.get("rpc") ?? deployment.rpcUrl ?? "http://127.0.0.1:8545", location.href).href;
  const accountIndex = Number(query.get("account") ?? defaultIndex);
  if (!Number.isSafeInteger(accountIndex) || accountIndex < 0) throw new Error(`?account=${query.get("account")} is not an account index`);
  return { deployment: { ...deployment, rpcUrl }, account: mnemonicToAccount(TEST_MNEMONIC, { addressIndex: accountIndex }), accountIndex };
}

/**
 * One line for the screen: the SDK's named error and its short message (`AuthorizationUsedError: …`).
 *
 * @param error - what was thrown.
 * @returns the line.
 */
export function errorLine(error: unknown): string {
  if (error instanceof LedgerError) return `${error.name}: ${error.shortMessage}`;
  if (error instanceof Error) return `${error.name}: ${error.message.split("\n")[0]}`;
  return String(error);
}

/**
 * Shortens an address or hash for display: `0x1234…abcd`.
 *
 * @param hex - the address or hash.
 * @returns the short form.
 */
export function short(hex: string): string {
  return `${hex.slice(0, 6)}…${hex.slice(-4)}`;
}

/**
 * Fills an element's text, found by id.
 *
 * @param id - the element's id.
 * @param text - the text.
 * @returns the element.
 */
export function show(id: string, text: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`no #${id} on the page`);
  element.textContent = text;
  return element;
}
