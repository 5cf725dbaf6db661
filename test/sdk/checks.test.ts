import { expect } from "chai";
import { network } from "hardhat";
import { encodeFunctionData, keccak256, type Address } from "viem";
import { getBlock } from "viem/actions";
import {
  LedgerError,
  AmountNegativeError,
  AmountTooManyDecimalsError,
  BalanceLimitExceededError,
  checkTransfer,
  ContractRevertError,
  DailyLimitExceededError,
  goodsTokenAbi,
  InsufficientBalanceError,
  InvalidSignatureError,
  KycExpiredError,
  PermitExpiredError,
  TokenPausedError,
  TransferLimitExceededError,
  WalletClosedError,
  WalletDenylistedError,
  WalletFrozenError,
  WalletNotRegisteredError,
  type LedgerClient,
} from "@goods-ledger/sdk";
import { devAccount, rejectionOf, sdkLedgerLoader, type SdkLedger } from "./helpers.js";

const connection = await network.create();
const { networkHelpers } = connection;
const load = sdkLedgerLoader(connection);

describe("sdk checkTransfer, limits and signed approvals (in-process Hardhat network)", function () {
  let l: SdkLedger;
  let as: (signer: { address: string }) => LedgerClient;
  let alice: Address, bob: Address, merchant: Address, stranger: Address;
  beforeEach(async function () {
    l = await load();
    ({ as } = l);
    ({ alice, bob, merchant, stranger } = l.addresses);
  });
  const wait = async (client: LedgerClient, hash: Promise<`0x${string}`>) => client.waitForTransaction({ hash: await hash });

  describe("checkTransfer", function () {
    it("says ok for a transfer that passes, and sends nothing", async function () {
      const blockBefore = await l.reader.request({ method: "eth_blockNumber" });
      expect(await l.reader.checkTransfer({ from: alice, to: bob, amount: "10" })).to.deep.equal({ ok: true });
      expect(await l.reader.checkTransfer({ from: alice, to: bob, amount: "10", reference: keccak256("0x01") })).to.deep.equal({ ok: true });
      expect(await l.reader.request({ method: "eth_blockNumber" })).to.equal(blockBefore);
      expect(await l.reader.getBalance({ account: alice })).to.equal("100000");
    });

    it("names the daily limit with what is left today", async function () {
      await wait(as(l.compliance), as(l.compliance).setTierLimits({ tier: 1, maxBalance: "300000", maxTransfer: "50000", dailyOutflow: "150" }));
      await wait(as(l.alice), as(l.alice).transfer({ to: bob, amount: "30" }));
      const check = await l.reader.checkTransfer({ from: alice, to: bob, amount: "150" });
      expect(check.ok).to.equal(false);
      if (check.ok) return;
      expect(check.rule).to.equal("WalletRegistryDailyLimitExceeded");
      expect(check.args).to.deep.equal({ account: alice, tier: 1, remaining: 120_000_000n, amount: 150_000_000n });
      expect(check.message).to.equal("daily limit of tier 1 exceeded: 120.00 left today, asked 150.00");
      expect(check.error).to.be.instanceOf(DailyLimitExceededError);
      // The same rule stops the real transfer, with the same error class.
      expect(await rejectionOf(as(l.alice).transfer({ to: bob, amount: "150" }))).to.be.instanceOf(DailyLimitExceededError);
    });

    // Each case: the condition, how to arrange it, the transfer, the rule, its SDK class, and the sentence the
    // user reads (written out here from the rule, not read back from the error object).
    type Case = [string, (l: SdkLedger) => Promise<unknown>, () => { from: Address; to: Address; amount: string }, string, abstract new (...args: never[]) => Error, () => string];
    const cases: Case[] = [
      ["the token is paused", (l) => l.clientFor(l.pauser.address).pause(), () => ({ from: alice, to: bob, amount: "1" }), "GoodsTokenPaused", TokenPausedError, () => "the token is paused: transfers, issues and redemptions are stopped"],
      ["the sender is not registered", async () => undefined, () => ({ from: stranger, to: bob, amount: "0" }), "WalletRegistryWalletNotRegistered", WalletNotRegisteredError, () => `wallet ${stranger} is not registered`],
      ["the recipient is not registered", async () => undefined, () => ({ from: alice, to: stranger, amount: "1" }), "WalletRegistryWalletNotRegistered", WalletNotRegisteredError, () => `wallet ${stranger} is not registered`],
      ["the sender is frozen", (l) => l.clientFor(l.compliance.address).freezeWallet({ account: alice, reasonCode: "X" }), () => ({ from: alice, to: bob, amount: "1" }), "WalletRegistryWalletFrozen", WalletFrozenError, () => `wallet ${alice} is frozen`],
      ["the recipient is frozen", (l) => l.clientFor(l.compliance.address).freezeWallet({ account: bob, reasonCode: "X" }), () => ({ from: alice, to: bob, amount: "1" }), "WalletRegistryWalletFrozen", WalletFrozenError, () => `wallet ${bob} is frozen`],
      ["the recipient is closed", (l) => l.clientFor(l.registrar.address).closeWallet({ account: merchant, reasonCode: "X" }), () => ({ from: alice, to: merchant, amount: "1" }), "WalletRegistryWalletClosed", WalletClosedError, () => `wallet ${merchant} is closed`],
      ["the sender is denylisted", (l) => l.clientFor(l.compliance.address).denylist({ account: alice, reasonCode: "X" }), () => ({ from: alice, to: bob, amount: "1" }), "WalletRegistryWalletDenylisted", WalletDenylistedError, () => `wallet ${alice} is on the denylist`],
      ["the amount is over the single-transfer limit", async () => undefined, () => ({ from: alice, to: bob, amount: "50000.000001" }), "WalletRegistryTransferLimitExceeded", TransferLimitExceededError, () => "single-transfer limit of tier 1 exceeded: at most 50000.00 per transfer, asked 50000.000001"],
      ["the recipient would go over its maximum balance", async () => undefined, () => ({ from: l.issuer.address as Address, to: alice, amount: "200000.5" }), "WalletRegistryBalanceLimitExceeded", BalanceLimitExceededError, () => `balance limit of tier 1 exceeded for ${alice}: at most 300000.00, would hold 300000.50`],
      ["the sender lacks the balance", async () => undefined, () => ({ from: merchant, to: alice, amount: "1" }), "ERC20InsufficientBalance", InsufficientBalanceError, () => `${merchant} holds 0.00, not the 1.00 needed`],
    ];
    for (const [condition, arrange, transfer, rule, errorClass, sentence] of cases) {
      it(`when ${condition}, names ${rule}`, async function () {
        await arrange(l).then((hash) => (typeof hash === "string" ? l.reader.waitForTransaction({ hash: hash as `0x${string}` }) : undefined));
        const check = await l.reader.checkTransfer(transfer());
        expect(check.ok).to.equal(false);
        if (check.ok) return;
        expect(check.rule).to.equal(rule);
        expect(check.error).to.be.instanceOf(errorClass);
        expect(check.message).to.equal(sentence());
      });
    }

    it("names an expired KYC (after the expiry day)", async function () {
      await networkHelpers.time.increase(366 * 86_400);
      await networkHelpers.mine();
      const check = await checkTransfer(l.reader, { from: alice, to: bob, amount: "1" });
      expect(!check.ok && check.rule).to.equal("WalletRegistryKycExpired");
      expect(!check.ok && check.error).to.be.instanceOf(KycExpiredError);
    });

    it("refuses bad amounts with named errors before calling the node", async function () {
      expect(await rejectionOf(l.reader.checkTransfer({ from: alice, to: bob, amount: "-1" }))).to.be.instanceOf(AmountNegativeError);
      expect(await rejectionOf(l.reader.checkTransfer({ from: alice, to: bob, amount: "0.0000001" }))).to.be.instanceOf(AmountTooManyDecimalsError);
    });

    it("refuses a malformed recipient or reference with a LedgerError, not viem's", async function () {
      expect(await rejectionOf(l.reader.checkTransfer({ from: alice, to: "0x1234" as Address, amount: "1" }))).to.be.instanceOf(LedgerError);
      expect(await rejectionOf(l.reader.checkTransfer({ from: alice, to: bob, amount: "1", reference: "0x12" }))).to.be.instanceOf(LedgerError);
    });
  });

  describe("limit errors on real transfers carry their arguments", function () {
    it("TransferLimitExceededError and BalanceLimitExceededError", async function () {
      const over = await rejectionOf(as(l.alice).transfer({ to: bob, amount: "60000" }));
      expect(over).to.be.instanceOf(TransferLimitExceededError);
      expect((over as TransferLimitExceededError).args).to.deep.equal({ account: alice, tier: 1, maxTransfer: 50_000_000_000n, amount: 60_000_000_000n });
      const full = await rejectionOf(as(l.issuer).transfer({ to: alice, amount: "200000.5" }));
      expect(full).to.be.instanceOf(BalanceLimitExceededError);
      expect((full as BalanceLimitExceededError).args).to.include({ account: alice, tier: 1, maxBalance: 300_000_000_000n, balanceAfter: 300_000_500_000n });
      expect((full as BalanceLimitExceededError).shortMessage).to.equal(`balance limit of tier 1 exceeded for ${alice}: at most 300000.00, would hold 300000.50`);
      const broke = await rejectionOf(as(l.merchant).transfer({ to: alice, amount: "1" }));
      expect(broke).to.be.instanceOf(InsufficientBalanceError);
    });
  });

  describe("waitForTransaction", function () {
    it("returns the receipt of a successful transaction", async function () {
      const receipt = await l.reader.waitForTransaction({ hash: await as(l.alice).transfer({ to: bob, amount: "1" }) });
      expect(receipt.status).to.equal("success");
    });

    it("names the rule of a transaction that was mined and reverted", async function () {
      // Skip the SDK's estimate (which would refuse it) to get a reverted transaction on chain.
      const account = devAccount(alice);
      const block = await getBlock(l.reader);
      const nonce = await connection.provider.request({ method: "eth_getTransactionCount", params: [alice, "latest"] });
      const raw = await account.signTransaction({
        chainId: 31337,
        type: "eip1559",
        nonce: Number(nonce),
        gas: 200_000n,
        maxFeePerGas: block.baseFeePerGas! * 2n + 1n,
        maxPriorityFeePerGas: 1n,
        to: l.deployment.contracts.token,
        data: encodeFunctionData({ abi: goodsTokenAbi, functionName: "transfer", args: [bob, 60_000_000_000n] }),
      });
      await l.reader.request({ method: "eth_sendRawTransaction", params: [raw] }, { retryCount: 0 }).catch(() => undefined);
      const error = await rejectionOf(l.reader.waitForTransaction({ hash: keccak256(raw) }));
      expect(error).to.be.instanceOf(TransferLimitExceededError);
    });
  });

  describe("EIP-2612 permit", function () {
    it("signPermit signs offline and permit submits it from any account; a replay or late permit is refused", async function () {
      const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
      const signed = await as(l.alice).signPermit({ spender: bob, amount: "25", deadline });
      expect(await l.reader.getPermitNonce({ owner: alice })).to.equal(0n);
      await wait(as(l.merchant), as(l.merchant).permit({ permit: signed }));
      expect(await l.reader.getAllowance({ owner: alice, spender: bob })).to.equal("25");
      expect(await l.reader.getPermitNonce({ owner: alice })).to.equal(1n);
      expect(await rejectionOf(as(l.merchant).permit({ permit: signed }))).to.be.instanceOf(InvalidSignatureError);
      const late = await as(l.alice).signPermit({ spender: bob, amount: "5", deadline: 1n, nonce: 1n, domain: await l.reader.getTokenDomain() });
      expect(await rejectionOf(as(l.merchant).permit({ permit: late }))).to.be.instanceOf(PermitExpiredError);
    });
  });
});
