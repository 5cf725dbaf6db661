import { expect } from "chai";
import { network } from "hardhat";
import { custom, encodeFunctionData, keccak256, type Address, type Hex } from "viem";
// A white-box test of an internal the package does not export: it and the error class it throws come from the
// workspace's sources (a module instance apart from the package's built one).
import { encodeTransferCall } from "../../src/sdk/internal/calldata.js";
import { LedgerError as SourceLedgerError } from "../../src/sdk/errors/base.js";
import {
  AmountTooManyDecimalsError,
  BalanceLimitExceededError,
  createLedgerClient,
  goodsTokenAbi,
  LedgerError,
  LocalAccountRequiredError,
  AccountRequiredError,
  parseAmount,
  TRANSFER_GAS_LIMIT,
  TransferRejectedError,
  TransferUnknownError,
  WalletNotRegisteredError,
  type LedgerClient,
  type TransferOutcome,
} from "@goods-ledger/sdk";
import { devAccount, rejectionOf, sdkLedgerLoader, type SdkLedger } from "./helpers.js";

const connection = await network.create();
const provider = connection.provider;
const load = sdkLedgerLoader(connection);

type Request = { method: string; params?: unknown };
/** Decides what happens to one raw transaction: forward it (default), or answer in its place. */
type SendHook = (raw: Hex, index: number, forward: () => Promise<unknown>) => Promise<unknown>;

/**
 * A client of the issuer's institution wallet (tier 3, unlimited) whose transport lets a test interfere with
 * `eth_sendRawTransaction`: drop it, reject it, or act before forwarding it. `index` counts sends.
 */
function issuerClient(l: SdkLedger, hook?: SendHook): { client: LedgerClient; sent: Hex[] } {
  const sent: Hex[] = [];
  const transport = custom(
    {
      request: async ({ method, params }: Request) => {
        const forward = () => provider.request({ method, params } as never);
        if (method !== "eth_sendRawTransaction" || !hook) return forward();
        const raw = (params as [Hex])[0];
        sent.push(raw);
        return hook(raw, sent.length - 1, forward);
      },
    },
    { retryCount: 0 },
  );
  const client = createLedgerClient({ deployment: l.deployment, transport, account: devAccount(l.issuer.address), pollingInterval: 20 }) as LedgerClient;
  return { client, sent };
}

describe("sdk pipelined sendTransfers (in-process Hardhat network)", function () {
  let l: SdkLedger;
  let recipients: Address[];
  beforeEach(async function () {
    l = await load();
    recipients = [l.alice, l.bob, l.merchant].map((s) => s.address as Address);
  });

  /** n transfers of 1, 2, 3 … base-unit-distinct amounts, round-robin over the registered recipients. */
  const payouts = (n: number) => Array.from({ length: n }, (_, i) => ({ to: recipients[i % recipients.length]!, amount: `${i + 1}.000001` }));

  /** Each recipient must have received exactly its transfers that succeeded: nothing lost, nothing doubled. */
  async function expectPaidExactly(outcomes: TransferOutcome[], before: string[]) {
    const expected = recipients.map((r, k) =>
      outcomes.filter((o) => o.to === r && o.status === "success").reduce((sum, o) => sum + parseAmount(o.amount, 6), parseAmount(before[k]!, 6)),
    );
    const actual = await Promise.all(recipients.map(async (account) => parseAmount(await l.reader.getBalance({ account }), 6)));
    expect(actual).to.deep.equal(expected);
  }
  const balances = () => Promise.all(recipients.map((account) => l.reader.getBalance({ account })));

  it("sends 150 transfers without waiting for receipts: consecutive nonces, every outcome success, balances exact", async function () {
    const before = await balances();
    const { client } = issuerClient(l);
    const start = await client.request({ method: "eth_getTransactionCount", params: [l.issuer.address as Address, "latest"] });
    const outcomes = await client.sendTransfers({ transfers: payouts(150), batchSize: 40 });
    expect(outcomes).to.have.length(150);
    expect(outcomes.every((o) => o.status === "success")).to.equal(true);
    expect(outcomes.map((o) => o.nonce)).to.deep.equal(outcomes.map((_, i) => Number(start) + i));
    expect(outcomes.map((o) => o.amount).slice(0, 2)).to.deep.equal(["1.000001", "2.000001"]);
    await expectPaidExactly(outcomes, before);
  });

  it("prefills a gas limit with room: no transfer uses more than two thirds of it", async function () {
    const fresh = l.others.slice(0, 3).map((s) => s.address as Address);
    const registrar = l.clientFor(l.registrar.address);
    await registrar.waitForTransaction({
      hash: await registrar.registerWallets({ wallets: fresh.map((account) => ({ account, role: "individual", tier: 1, region: 1, institution: 1, kycExpiryDay: Number(l.kycExpiryDay) })) }),
    });
    const { client } = issuerClient(l);
    const reference = keccak256("0x42");
    // Fresh recipients (zero balance: the costliest store) with a reference (an extra event).
    const outcomes = await client.sendTransfers({ transfers: fresh.map((to) => ({ to, amount: "1", reference })) });
    const receipts = await Promise.all(outcomes.map((o) => client.waitForTransaction({ hash: o.hash })));
    const most = receipts.reduce((max, r) => (r.gasUsed > max ? r.gasUsed : max), 0n);
    expect(most).to.be.greaterThan(40_000n);
    expect(most * 3n).to.be.lessThanOrEqual(TRANSFER_GAS_LIMIT * 2n);
  });

  it("reports each failure with its named rule, and the rest go through", async function () {
    const before = await balances();
    const { client } = issuerClient(l);
    const transfers = payouts(12);
    transfers[3] = { to: l.others[0]!.address as Address, amount: "5" }; // not registered
    transfers[7] = { to: recipients[0]!, amount: "250000" }; // alice (tier 1) over her maximum balance
    const outcomes = await client.sendTransfers({ transfers });
    expect(outcomes.map((o) => o.status)).to.deep.equal(transfers.map((_, i) => (i === 3 || i === 7 ? "reverted" : "success")));
    const [unregistered, overLimit] = [outcomes[3]!, outcomes[7]!];
    if (unregistered.status !== "reverted" || overLimit.status !== "reverted") throw new Error("unreachable");
    expect(unregistered.error).to.be.instanceOf(WalletNotRegisteredError);
    expect(overLimit.error).to.be.instanceOf(BalanceLimitExceededError);
    expect(overLimit.error.shortMessage).to.match(/^balance limit of tier 1 exceeded/);
    await expectPaidExactly(outcomes, before);
  });

  it("refuses a bad amount before sending anything", async function () {
    const { client, sent } = issuerClient(l, (_raw, _i, forward) => forward());
    const transfers = [...payouts(3), { to: recipients[0]!, amount: "1.0000001" }];
    expect(await rejectionOf(client.sendTransfers({ transfers }))).to.be.instanceOf(AmountTooManyDecimalsError);
    expect(sent).to.have.length(0);
  });

  it("repairs a nonce gap (a send lost on the way) by resending the same bytes: nothing doubled", async function () {
    const before = await balances();
    let lost: Hex | undefined;
    const { client, sent } = issuerClient(l, async (raw, index, forward) => {
      if (index === 4) {
        lost = raw;
        return keccak256(raw); // the node never saw it; later nonces are refused ("nonce too high")
      }
      return forward();
    });
    const outcomes = await client.sendTransfers({ transfers: payouts(20), stallTimeout: 100 });
    expect(outcomes.every((o) => o.status === "success")).to.equal(true);
    expect(outcomes[4]!.hash).to.equal(keccak256(lost!));
    expect(sent.filter((raw) => raw === lost)).to.have.length(2);
    expect(new Set(sent.map((raw) => keccak256(raw))).size).to.equal(20); // only the same 20 transactions, ever
    await expectPaidExactly(outcomes, before);
  });

  it("resends a dropped transaction (evicted from the mempool) with the same bytes", async function () {
    const before = await balances();
    await provider.request({ method: "evm_setAutomine", params: [false] });
    await provider.request({ method: "evm_setIntervalMining", params: [50] });
    try {
      let dropped: Hex | undefined;
      const { client, sent } = issuerClient(l, async (raw, index, forward) => {
        const hash = await forward();
        if (index === 3) {
          dropped = raw;
          expect(await provider.request({ method: "hardhat_dropTransaction", params: [keccak256(raw)] })).to.equal(true);
        }
        return hash;
      });
      const outcomes = await client.sendTransfers({ transfers: payouts(10), stallTimeout: 300 });
      expect(outcomes.every((o) => o.status === "success")).to.equal(true);
      expect(sent.filter((raw) => raw === dropped)).to.have.length(2);
      expect(new Set(sent.map((raw) => keccak256(raw))).size).to.equal(10);
      await expectPaidExactly(outcomes, before);
    } finally {
      await provider.request({ method: "evm_setIntervalMining", params: [0] });
      await provider.request({ method: "evm_setAutomine", params: [true] });
    }
  });

  it("never re-signs a sent transfer whose nonce another process used: rejected, proven by the block holding the other transaction", async function () {
    const before = await balances();
    const issuer = devAccount(l.issuer.address);
    let taken: Hex | undefined;
    let other: Hex | undefined;
    const { client, sent } = issuerClient(l, async (raw, index, forward) => {
      if (index === 4) {
        // Another process with the same key sends its own transaction with this nonce first.
        const nonce = await provider.request({ method: "eth_getTransactionCount", params: [issuer.address, "pending"] });
        const block = (await provider.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as { baseFeePerGas: Hex };
        other = await issuer.signTransaction({ chainId: 31337, type: "eip1559", nonce: Number(nonce), to: issuer.address, value: 0n, gas: 21_000n, maxFeePerGas: BigInt(block.baseFeePerGas) * 2n + 1n, maxPriorityFeePerGas: 1n });
        await provider.request({ method: "eth_sendRawTransaction", params: [other] });
        taken = raw;
      }
      return forward();
    });
    const outcomes = await client.sendTransfers({ transfers: payouts(10), stallTimeout: 100 });
    expect(outcomes.map((o) => o.status)).to.deep.equal(outcomes.map((_, i) => (i === 4 ? "rejected" : "success")));
    const rejected = outcomes[4]!;
    if (rejected.status !== "rejected") throw new Error("unreachable");
    expect(rejected.error).to.be.instanceOf(TransferRejectedError);
    expect(rejected.error).to.include({ index: 4, hash: keccak256(taken!), nonce: rejected.nonce, usedBy: keccak256(other!), refused: undefined });
    expect(new Set(sent.map((raw) => keccak256(raw))).size).to.equal(10); // nothing was ever re-signed
    await expectPaidExactly(outcomes, before); // transfer 4 paid zero times, the rest once
  });

  it("reports a transfer the node refuses as rejected, fills its nonce, and the later ones still go through", async function () {
    const before = await balances();
    let refused: Hex | undefined;
    const { client } = issuerClient(l, async (raw, index, forward) => {
      if (index === 2 || raw === refused) {
        refused = raw;
        throw Object.assign(new Error("insufficient funds for gas * price + value"), { code: -32003 });
      }
      return forward();
    });
    const outcomes = await client.sendTransfers({ transfers: payouts(8), stallTimeout: 100 });
    expect(outcomes.map((o) => o.status)).to.deep.equal(["success", "success", "rejected", "success", "success", "success", "success", "success"]);
    const rejected = outcomes[2]!;
    if (rejected.status !== "rejected") throw new Error("unreachable");
    expect(rejected.error).to.be.instanceOf(TransferRejectedError);
    expect(rejected.error).to.include({ index: 2, hash: keccak256(refused!), nonce: outcomes[1]!.nonce + 1 });
    expect((rejected.error.refused as Error).message).to.include("insufficient funds");
    // The no-op that holds the nonce: a zero-value transaction to the issuer itself, mined.
    const filler = (await provider.request({ method: "eth_getTransactionByHash", params: [rejected.error.usedBy] })) as { to: string; value: Hex; input: Hex; nonce: Hex; blockNumber: Hex | null };
    expect(filler).to.include({ to: l.issuer.address.toLowerCase(), value: "0x0", input: "0x", nonce: `0x${rejected.nonce.toString(16)}` });
    expect(filler.blockNumber).to.not.equal(null);
    await expectPaidExactly(outcomes, before);
  });

  it("reports transfers it cannot settle by the deadline as unknown, with hash and bytes to reconcile (never re-signed)", async function () {
    const before = await balances();
    let lost: Hex | undefined;
    const { client, sent } = issuerClient(l, async (raw, index, forward) => {
      if (index === 1) lost = raw;
      return raw === lost ? keccak256(raw) : forward(); // every send of the second transfer is lost
    });
    const outcomes = await client.sendTransfers({ transfers: payouts(4), stallTimeout: 50, timeout: 600 });
    expect(outcomes.map((o) => o.status)).to.deep.equal(["success", "unknown", "unknown", "unknown"]);
    const unknown = outcomes[1]!;
    if (unknown.status !== "unknown") throw new Error("unreachable");
    expect(unknown.error).to.be.instanceOf(TransferUnknownError);
    expect(unknown.error).to.include({ index: 1, hash: keccak256(lost!), raw: lost, nonce: outcomes[0]!.nonce + 1, nonceConsumed: false });
    expect(unknown.error.shortMessage).to.include("do not resend");
    expect(sent.filter((raw) => raw === lost).length).to.be.greaterThan(1); // re-broadcast, byte for byte
    expect(new Set(sent.map((raw) => keccak256(raw))).size).to.equal(4); // and never re-signed
    await expectPaidExactly(outcomes, before);

    // Later, through a healthy node: reconciling the unknown ones from their bytes settles them, paid once.
    const { client: later, sent: resent } = issuerClient(l, (_raw, _i, forward) => forward());
    const unknowns = outcomes.filter((o) => o.status === "unknown");
    const settled = await later.reconcileTransfers({ transactions: unknowns.map((o) => o.error.raw), stallTimeout: 50 });
    expect(settled.map((o) => [o.status, o.hash, o.nonce])).to.deep.equal(unknowns.map((o) => ["success", o.hash, o.nonce]));
    expect(resent.every((raw) => unknowns.some((o) => o.error.raw === raw))).to.equal(true); // only the same bytes
    await expectPaidExactly(outcomes.map((o, i) => ({ ...o, status: i === 0 ? "success" : settled[i - 1]!.status }) as TransferOutcome), before);
    // Reconciling again changes nothing and pays nothing.
    expect((await later.reconcileTransfers({ transactions: unknowns.map((o) => o.error.raw) })).map((o) => o.status)).to.deep.equal(["success", "success", "success"]);
    await expectPaidExactly(outcomes.map((o, i) => ({ ...o, status: i === 0 ? "success" : settled[i - 1]!.status }) as TransferOutcome), before);
  });

  it("reconcileTransfers refuses bytes another account signed, sending nothing", async function () {
    const { client: alice } = (() => {
      const transport = custom({ request: ({ method, params }: Request) => provider.request({ method, params } as never) }, { retryCount: 0 });
      return { client: createLedgerClient({ deployment: l.deployment, transport, account: devAccount(l.alice.address), pollingInterval: 20 }) as LedgerClient };
    })();
    const signed = await alice.signTransfers({ transfers: payouts(1) });
    const { client, sent } = issuerClient(l, (_raw, _i, forward) => forward());
    const error = await rejectionOf(client.reconcileTransfers({ transactions: [signed.calls[0]!.raw] }));
    expect(error).to.be.instanceOf(LedgerError);
    expect((error as LedgerError).shortMessage).to.equal(`transaction 0 was not signed by this client's account ${l.issuer.address} (or is not a call); nothing was sent`);
    expect(sent).to.have.length(0);
  });

  it("signs a run ahead (signTransfers, nothing sent) and submits it later (sendTransfers({ signed }))", async function () {
    const before = await balances();
    const { client, sent } = issuerClient(l, (_raw, _i, forward) => forward());
    const signed = await client.signTransfers({ transfers: payouts(25) });
    expect(sent).to.have.length(0);
    expect(signed.calls.map((c) => c.nonce)).to.deep.equal(signed.calls.map((_, i) => signed.calls[0]!.nonce + i));
    // Meanwhile the same key sends a transfer of its own, through the node's nonce count: it takes the first
    // signed nonce, so that transfer must be re-signed, once.
    await client.waitForTransaction({ hash: await client.transfer({ to: recipients[0]!, amount: "1" }) });
    const outcomes = await client.sendTransfers({ signed, stallTimeout: 100 });
    expect(outcomes.every((o) => o.status === "success")).to.equal(true);
    expect(outcomes[0]!.nonce).to.not.equal(signed.calls[0]!.nonce);
    expect(outcomes.map((o) => o.amount).slice(0, 2)).to.deep.equal(["1.000001", "2.000001"]);
    const withOwnTransfer = [...outcomes, { to: recipients[0]!, amount: "1", status: "success" } as TransferOutcome];
    await expectPaidExactly(withOwnTransfer, before);
  });

  it("a run signed ahead whose first transfer the app already broadcast itself is not re-signed: paid once", async function () {
    const before = await balances();
    const { client, sent } = issuerClient(l, (_raw, _i, forward) => forward());
    const signed = await client.signTransfers({ transfers: payouts(5) });
    await provider.request({ method: "eth_sendRawTransaction", params: [signed.calls[0]!.raw] }); // mined (automine)
    const outcomes = await client.sendTransfers({ signed, stallTimeout: 100 });
    expect(outcomes.map((o) => [o.status, o.hash, o.nonce])).to.deep.equal(signed.calls.map((c) => ["success", keccak256(c.raw), c.nonce]));
    expect(sent.every((raw) => signed.calls.some((c) => c.raw === raw))).to.equal(true); // only the signed bytes
    await expectPaidExactly(outcomes, before);
  });

  it("submitting the same signed run twice pays once: the second submission finds the same transactions, re-signs nothing", async function () {
    const before = await balances();
    const { client, sent } = issuerClient(l, (_raw, _i, forward) => forward());
    const signed = await client.signTransfers({ transfers: payouts(6) });
    const first = await client.sendTransfers({ signed, stallTimeout: 100 });
    const second = await client.sendTransfers({ signed, stallTimeout: 100 });
    expect(first.every((o) => o.status === "success")).to.equal(true);
    expect(second).to.deep.equal(first);
    expect(new Set(sent.map((raw) => keccak256(raw))).size).to.equal(6);
    await expectPaidExactly(first, before);
  });

  it("refuses to submit a run signed by another account, sending nothing", async function () {
    const { client: signer } = issuerClient(l);
    const signed = await signer.signTransfers({ transfers: payouts(3) });
    expect(signed.from).to.equal(l.issuer.address);
    const sent: Hex[] = [];
    const transport = custom(
      {
        request: async ({ method, params }: Request) => {
          if (method === "eth_sendRawTransaction") sent.push((params as [Hex])[0]);
          return provider.request({ method, params } as never);
        },
      },
      { retryCount: 0 },
    );
    const other = createLedgerClient({ deployment: l.deployment, transport, account: devAccount(l.alice.address), pollingInterval: 20 }) as LedgerClient;
    const error = await rejectionOf(other.sendTransfers({ signed, stallTimeout: 100, timeout: 2_000 }));
    expect(error).to.be.instanceOf(LedgerError);
    expect((error as LedgerError).shortMessage).to.match(/signed by/);
    expect(sent).to.have.length(0);
  });

  it("two pipelines on one client at once never share a nonce", async function () {
    const before = await balances();
    const { client } = issuerClient(l);
    const [a, b] = await Promise.all([client.sendTransfers({ transfers: payouts(30) }), client.sendTransfers({ transfers: payouts(30) })]);
    const all = [...a, ...b];
    expect(all.every((o) => o.status === "success")).to.equal(true);
    expect(new Set(all.map((o) => o.nonce)).size).to.equal(60);
    await expectPaidExactly(all, before);
  });

  it("encodes transfer calldata exactly as viem does (the pipeline encodes by hand), and refuses a bad recipient", function () {
    for (let i = 0; i < 50; i++) {
      const to = keccak256(`0x${i.toString(16).padStart(2, "0")}`).slice(0, 42) as Address;
      const value = (2n ** BigInt(i * 5)) - 1n;
      const reference = keccak256(`0x${(i + 100).toString(16)}`);
      expect(encodeTransferCall(to, value, undefined, "t")).to.equal(encodeFunctionData({ abi: goodsTokenAbi, functionName: "transfer", args: [to, value] }));
      expect(encodeTransferCall(to, value, reference, "t")).to.equal(encodeFunctionData({ abi: goodsTokenAbi, functionName: "transferWithReference", args: [to, value, reference] }));
    }
    expect(() => encodeTransferCall("0x1234" as Address, 1n, undefined, "transfer 7")).to.throw(SourceLedgerError, /transfer 7/);
    expect(() => encodeTransferCall(recipients[0]!, 1n, "0x12", "transfer 8")).to.throw(SourceLedgerError, /reference/);
  });

  // Issue 15, row pipeline.test.ts:285: the named error class and its fields, and nothing sent.
  it("needs an account (AccountRequiredError), and one that signs locally (LocalAccountRequiredError naming it), before any request", async function () {
    const requests: string[] = [];
    const transport = custom({ request: async ({ method, params }: Request) => (requests.push(method), provider.request({ method, params } as never)) }, { retryCount: 0 });
    const none = createLedgerClient({ deployment: l.deployment, transport });
    expect(await rejectionOf(none.sendTransfers({ transfers: payouts(1) }))).to.be.instanceOf(AccountRequiredError);
    expect(await rejectionOf(none.signTransfers({ transfers: payouts(1) }))).to.be.instanceOf(AccountRequiredError);
    const nodeManaged = createLedgerClient({ deployment: l.deployment, transport, account: { address: l.issuer.address as Address, type: "json-rpc" } });
    for (const attempt of [() => nodeManaged.sendTransfers({ transfers: payouts(1) }), () => nodeManaged.signTransfers({ transfers: payouts(1) })]) {
      const error = await rejectionOf(attempt);
      expect(error).to.be.instanceOf(LocalAccountRequiredError);
      expect(error).to.include({ account: l.issuer.address, accountType: "json-rpc" });
      expect((error as LocalAccountRequiredError).shortMessage).to.include(`account ${l.issuer.address} is a json-rpc account`);
    }
    expect(requests).to.deep.equal([]);
  });
});
