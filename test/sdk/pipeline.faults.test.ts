/**
 * The pipeline through a misbehaving network: a loopback JSON-RPC proxy (support/rpcProxy.ts) in front of the
 * in-process chain loses sends, answers "nonce too low", drops the answer after forwarding a send, withholds
 * and delays receipts, and puts a lagging node behind a balancer (or behind a second endpoint of a `fallback`
 * transport). Every transfer goes to its own recipient with its own amount, so the chain itself shows whether
 * a transfer was paid zero, one or two times.
 *
 * Faults are drawn from GOODS_LEDGER_SEED (test/support/seed.ts) and each call's content, so a failure replays
 * with the seed it prints. About 20 s for 1,600 transfers on an idle two-core machine.
 */
import { expect } from "chai";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { network } from "hardhat";
import { fallback, formatUnits, http, keccak256, toHex, type Address, type Transport } from "viem";
import { createLedgerClient, parseAmount, type LedgerClient, type TransferOutcome } from "@goods-ledger/sdk";
import { SEED } from "../support/seed.js";
import { devAccount, sdkLedgerLoader, type SdkLedger } from "./helpers.js";
import { startRpcProxy, type Faults, type RpcProxy } from "./support/rpcProxy.js";

const connection = await network.create();
const provider = connection.provider;
const load = sdkLedgerLoader(connection);

/**
 * Rates seen by every endpoint: about one send in sixteen goes wrong, one receipt lookup in five and one log
 * query in three come back empty (so most transfers are settled from receipts, not from the logs' fast path).
 */
const FAULTS: Faults = { lostSend: 0.02, falseNonceTooLow: 0.02, dropAfterSend: 0.02, withholdReceipt: 0.2, withholdLogs: 0.35, delay: 0.05, maxDelayMs: 25 };

const batched = (url: string) => http(url, { batch: { batchSize: 100, wait: 0 }, retryCount: 0 });

describe(`sdk pipeline under injected faults (seed ${SEED}: reproduce with GOODS_LEDGER_SEED=${SEED})`, function () {
  let l: SdkLedger;
  const proxies: RpcProxy[] = [];
  beforeEach(async function () {
    l = await load();
  });
  afterEach(async function () {
    await Promise.all(proxies.splice(0).map((p) => p.stop()));
  });

  /** `n` fresh addresses, registered (tier-1 individuals) straight on the chain, not through the proxy. */
  async function freshRecipients(n: number, label: string): Promise<Address[]> {
    const recipients = Array.from({ length: n }, (_, i) => `0x${keccak256(toHex(`${label}-${SEED}-${i}`)).slice(26)}` as Address);
    const registrar = l.clientFor(l.registrar.address);
    for (let i = 0; i < n; i += 200) {
      const wallets = recipients.slice(i, i + 200).map((account) => ({ account, role: "individual" as const, tier: 1, region: 1, institution: 1, kycExpiryDay: Number(l.kycExpiryDay) }));
      await registrar.waitForTransaction({ hash: await registrar.registerWallets({ wallets }) });
    }
    return recipients;
  }

  /**
   * Sends `n` transfers (transfer i: `i + 1` thousandths of a token to recipient i) from the issuer through
   * `transport`, then checks the chain: every transfer settled (paid, or proven never to execute), each paid
   * recipient holding exactly its amount and every other nothing, the issuer's nonce advanced by exactly the
   * number paid, and exactly `n` distinct transactions ever sent.
   */
  async function payThrough(transport: Transport, recipients: Address[], seen: RpcProxy[]): Promise<TransferOutcome[]> {
    const issuer = l.issuer.address as Address;
    const count = async () => Number(await provider.request({ method: "eth_getTransactionCount", params: [issuer, "latest"] }));
    const nonceBefore = await count();
    const client = createLedgerClient({ deployment: l.deployment, transport, account: devAccount(issuer), pollingInterval: 20 }) as LedgerClient;
    const transfers = recipients.map((to, i) => ({ to, amount: `${(i + 1) / 1000}` }));
    const outcomes = await client.sendTransfers({ transfers, stallTimeout: 100, timeout: 60_000 });

    const statuses = outcomes.reduce<Record<string, number>>((m, o) => ({ ...m, [o.status]: (m[o.status] ?? 0) + 1 }), {});
    const injected = seen.map((p) => p.stats.injected);
    const context = `seed ${SEED}; outcomes ${JSON.stringify(statuses)}; injected ${JSON.stringify(injected)}`;
    const hashes = new Set(outcomes.map((o) => o.hash));
    // Settled, every one: paid, or proven never to execute. The only `rejected` a healthy key can see here: the
    // run's first nonce read from the lagging node, so a transfer got a nonce the issuer had used before the run.
    for (const o of outcomes) {
      if (o.status === "success") continue;
      expect(o.status, `transfer ${o.index}: ${context}`).to.equal("rejected");
      if (o.status !== "rejected") continue;
      expect(o.nonce, `transfer ${o.index}: ${context}`).to.be.lessThan(nonceBefore);
      expect(hashes.has(o.error.usedBy), `transfer ${o.index}: ${context}`).to.equal(false);
    }
    const paid = outcomes.filter((o) => o.status === "success");
    // The chain: the issuer's nonce moved once per paid transfer, no more…
    expect((await count()) - nonceBefore, context).to.equal(paid.length);
    // …and every recipient holds exactly the one amount sent to it if it was paid (twice would show as double),
    // nothing otherwise.
    const balances = await Promise.all(recipients.map((account) => l.reader.getBalance({ account })));
    const wrong = outcomes.flatMap((o, i) => {
      const expected = o.status === "success" ? parseAmount(transfers[i]!.amount, 6) : 0n;
      return parseAmount(balances[i]!, 6) === expected ? [] : [`${i} (${o.status}): ${balances[i]} instead of ${formatUnits(expected, 6)}`];
    });
    expect(wrong, context).to.deep.equal([]);
    // Never re-signed: all the sends through every endpoint carry exactly n distinct transactions, the ones reported.
    const distinct = new Set(seen.flatMap((p) => p.stats.sends.map((raw) => keccak256(raw))));
    expect(distinct.size, context).to.equal(recipients.length);
    expect(outcomes.every((o) => distinct.has(o.hash)), context).to.equal(true);
    return outcomes;
  }

  /** Each kind of fault did happen (a rate of zero would make this test prove nothing). */
  function expectFaultsInjected(proxies: RpcProxy[]) {
    for (const kind of ["lostSend", "falseNonceTooLow", "dropAfterSend", "withholdReceipt", "withholdLogs", "delay", "lagged"] as const) {
      expect(proxies.reduce((sum, p) => sum + p.stats.injected[kind], 0), `${kind} at seed ${SEED}`).to.be.greaterThan(0);
    }
  }

  it("one URL, a balancer over a node and a lagging copy (8 blocks behind): 1,000 transfers, each paid exactly once", async function () {
    const recipients = await freshRecipients(1_000, "balancer");
    const proxy = await startRpcProxy(provider, { seed: SEED, name: "balancer", views: [{ lag: 0 }, { lag: 8 }], faults: FAULTS });
    proxies.push(proxy);
    await payThrough(batched(proxy.url), recipients, [proxy]);
    expectFaultsInjected([proxy]);
    expect(proxy.stats.sends.length).to.be.greaterThan(1_000); // some were re-broadcast (byte for byte)
  });

  it("a fallback transport over two endpoints, the second 12 blocks behind: 600 transfers, each paid exactly once", async function () {
    const recipients = await freshRecipients(600, "fallback");
    const fresh = await startRpcProxy(provider, { seed: SEED, name: "fresh", faults: FAULTS });
    const lagging = await startRpcProxy(provider, { seed: SEED, name: "lagging", views: [{ lag: 12 }], faults: FAULTS });
    proxies.push(fresh, lagging);
    await payThrough(fallback([batched(fresh.url), batched(lagging.url)]), recipients, [fresh, lagging]);
    expectFaultsInjected([fresh, lagging]);
    // The lagging endpoint was asked too: for the nonce (the maximum over endpoints) and for receipts.
    expect(lagging.stats.calls.eth_getTransactionCount ?? 0).to.be.greaterThan(0);
    expect(lagging.stats.calls.eth_getTransactionReceipt ?? 0).to.be.greaterThan(0);
  });

  it("a fallback transport whose first endpoint is far behind: the nonce comes from the highest endpoint, receipts from the one that has them", async function () {
    const recipients = await freshRecipients(60, "behind");
    // The first endpoint answers everything (so viem's fallback never moves on), from a chain 100,000 blocks old.
    const behind = await startRpcProxy(provider, { seed: SEED, name: "behind", views: [{ lag: 100_000 }] });
    const current = await startRpcProxy(provider, { seed: SEED, name: "current" });
    proxies.push(behind, current);
    const outcomes = await payThrough(fallback([batched(behind.url), batched(current.url)]), recipients, [behind, current]);
    expect(outcomes.map((o) => o.nonce)).to.deep.equal(outcomes.map((_, i) => outcomes[0]!.nonce + i));
    expect(outcomes[0]!.nonce).to.be.greaterThan(0); // not the stale endpoint's count (0)
    expect(current.stats.calls.eth_getTransactionReceipt ?? 0).to.be.greaterThan(0);
  });

  it("a fallback endpoint that never answers holds nothing up for good: it is passed over, and every transfer is paid once", async function () {
    const recipients = await freshRecipients(30, "hanging");
    const current = await startRpcProxy(provider, { seed: SEED, name: "current" });
    const hanging = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    proxies.push(current, { url: "", stats: current.stats, stop: () => new Promise((resolve) => (hanging.closeAllConnections(), hanging.close(() => resolve()))) });
    const hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    await payThrough(fallback([batched(current.url), http(hangingUrl, { retryCount: 0, timeout: 60_000 })]), recipients, [current]);
  });
});
