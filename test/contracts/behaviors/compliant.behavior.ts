/**
 * The compliance rules every value-moving path must obey (OpenZeppelin's `*.behavior.js` pattern): run by
 * test/contracts/compliant.test.ts against transfer, transferFrom, transferWithAuthorization,
 * receiveWithAuthorization, payWithAuthorization, batchTransfer and transferWithReference.
 */
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkConnection } from "hardhat/types/network";
import { DAY, UNIT, WalletRole, currentDay, type FundedLedger } from "../../fixtures.js";

/** One way of moving value from a holder to another wallet. */
export interface ValuePath {
  name: string;
  /** Moves `amount` from `from` to `to` through this path (signing or approving as the path needs). */
  send(
    ledger: FundedLedger,
    from: HardhatEthersSigner,
    to: HardhatEthersSigner,
    amount: bigint,
  ): Promise<ContractTransactionResponse>;
}

const REASON = "0x" + "11".repeat(32);

/**
 * Registers `account` as a tier-3 individual whose KYC expires tomorrow, and funds it from the issuer.
 */
async function registerShortKyc(ledger: FundedLedger, account: HardhatEthersSigner, fund: bigint) {
  const tomorrow = (await currentDay(ledger.connection)) + 1n;
  await (await ledger.token.connect(ledger.registrar).registerWallet(account.address, WalletRole.Individual, 3, 1, 1, tomorrow)).wait();
  if (fund > 0n) await (await ledger.token.connect(ledger.issuer).transfer(account.address, fund)).wait();
  return tomorrow;
}

/**
 * Runs the compliance behaviour against one path. Wallets of the funded fixture: alice (tier 1: max balance
 * 300,000, max transfer 50,000, daily 100,000; holds 100,000), bob (tier 2; holds 100,000), merchant (tier 3),
 * issuer (tier 3; holds 800,000); others are unregistered.
 *
 * @param path - the path under test.
 * @param connection - the connection the fixture runs on.
 * @param fixture - fundedLedgerFixture bound to that connection.
 */
export function shouldBehaveLikeCompliantToken(
  path: ValuePath,
  connection: NetworkConnection,
  fixture: () => Promise<FundedLedger>,
) {
  const { ethers, networkHelpers } = connection;
  const load = () => networkHelpers.loadFixture(fixture);

  describe(`${path.name} › compliance`, function () {
    it("moves the amount, emits Transfer and counts it against the sender's daily outflow", async function () {
      const l = await load();
      const before = await l.token.remainingDailyOutflow(l.alice.address);
      const tx = path.send(l, l.alice, l.bob, 10n * UNIT);
      await expect(tx).to.emit(l.token, "Transfer").withArgs(l.alice.address, l.bob.address, 10n * UNIT);
      await expect(tx).to.changeTokenBalances(ethers, l.token, [l.alice, l.bob], [-10n * UNIT, 10n * UNIT]);
      expect(await l.token.remainingDailyOutflow(l.alice.address)).to.equal(before - 10n * UNIT);
    });

    describe("when the token is paused", function () {
      it("reverts with GoodsTokenPaused and moves nothing", async function () {
        const l = await load();
        await (await l.token.connect(l.pauser).pause()).wait();
        await expect(path.send(l, l.alice, l.bob, UNIT)).to.be.revertedWithCustomError(l.token, "GoodsTokenPaused");
        expect(await l.token.balanceOf(l.alice.address)).to.equal(100_000n * UNIT);
      });
    });

    for (const side of ["sender", "recipient"] as const) {
      /** Returns [from, to, the wallet under test]. */
      const parties = (l: FundedLedger, subject: HardhatEthersSigner) =>
        side === "sender" ? ([subject, l.bob, subject] as const) : ([l.alice, subject, subject] as const);

      describe(`when the ${side} is not registered`, function () {
        it("reverts with WalletRegistryWalletNotRegistered", async function () {
          const l = await load();
          const [from, to, subject] = parties(l, l.others[0]);
          await expect(path.send(l, from, to, UNIT))
            .to.be.revertedWithCustomError(l.token, "WalletRegistryWalletNotRegistered")
            .withArgs(subject.address);
        });
      });

      describe(`when the ${side} is frozen`, function () {
        it("reverts with WalletRegistryWalletFrozen and moves nothing", async function () {
          const l = await load();
          const [from, to, subject] = parties(l, side === "sender" ? l.alice : l.bob);
          await (await l.token.connect(l.compliance).freezeWallet(subject.address, REASON)).wait();
          await expect(path.send(l, from, to, UNIT))
            .to.be.revertedWithCustomError(l.token, "WalletRegistryWalletFrozen")
            .withArgs(subject.address);
          expect(await l.token.balanceOf(l.alice.address)).to.equal(100_000n * UNIT);
        });
      });

      describe(`when the ${side} is closed`, function () {
        it("reverts with WalletRegistryWalletClosed", async function () {
          const l = await load();
          const closed = l.others[1];
          await (await l.token.connect(l.registrar).registerWallet(closed.address, WalletRole.Individual, 2, 1, 1, l.kycExpiryDay)).wait();
          await (await l.token.connect(l.registrar).closeWallet(closed.address, REASON)).wait();
          const [from, to] = parties(l, closed);
          await expect(path.send(l, from, to, UNIT))
            .to.be.revertedWithCustomError(l.token, "WalletRegistryWalletClosed")
            .withArgs(closed.address);
        });
      });

      describe(`when the ${side} is denylisted`, function () {
        it("reverts with WalletRegistryWalletDenylisted and moves nothing", async function () {
          const l = await load();
          const [from, to, subject] = parties(l, side === "sender" ? l.alice : l.bob);
          await (await l.token.connect(l.compliance).denylist(subject.address, REASON)).wait();
          await expect(path.send(l, from, to, UNIT))
            .to.be.revertedWithCustomError(l.token, "WalletRegistryWalletDenylisted")
            .withArgs(subject.address);
          expect(await l.token.balanceOf(l.bob.address)).to.equal(100_000n * UNIT);
        });
      });

      describe(`when the ${side}'s KYC has expired`, function () {
        it("reverts with WalletRegistryKycExpired, and passed the day before", async function () {
          const l = await load();
          const subject = l.others[2];
          const expiryDay = await registerShortKyc(l, subject, side === "sender" ? 10n * UNIT : 0n);
          const [from, to] = parties(l, subject);
          await (await path.send(l, from, to, UNIT)).wait();
          await networkHelpers.time.increase(DAY);
          await expect(path.send(l, from, to, UNIT))
            .to.be.revertedWithCustomError(l.token, "WalletRegistryKycExpired")
            .withArgs(subject.address, expiryDay);
        });
      });
    }

    describe("when the amount is over the sender's single-transfer limit", function () {
      it("reverts with WalletRegistryTransferLimitExceeded", async function () {
        const l = await load();
        await expect(path.send(l, l.alice, l.bob, 50_000n * UNIT + 1n))
          .to.be.revertedWithCustomError(l.token, "WalletRegistryTransferLimitExceeded")
          .withArgs(l.alice.address, 1, 50_000n * UNIT, 50_000n * UNIT + 1n);
      });
    });

    describe("when the sender has used up today's outflow", function () {
      it("reverts with WalletRegistryDailyLimitExceeded until the next UTC day", async function () {
        const l = await load();
        await (await l.token.connect(l.issuer).transfer(l.alice.address, 100_000n * UNIT)).wait();
        await (await path.send(l, l.alice, l.bob, 50_000n * UNIT)).wait();
        await (await path.send(l, l.alice, l.bob, 50_000n * UNIT)).wait();
        await expect(path.send(l, l.alice, l.bob, 1n))
          .to.be.revertedWithCustomError(l.token, "WalletRegistryDailyLimitExceeded")
          .withArgs(l.alice.address, 1, 0n, 1n);
        await networkHelpers.time.increase(DAY);
        await expect(path.send(l, l.alice, l.bob, 1n)).to.changeTokenBalances(ethers, l.token, [l.bob], [1n]);
      });
    });

    describe("when the recipient would go over its maximum balance", function () {
      it("reverts with WalletRegistryBalanceLimitExceeded", async function () {
        const l = await load();
        await expect(path.send(l, l.issuer, l.alice, 200_000n * UNIT + 1n))
          .to.be.revertedWithCustomError(l.token, "WalletRegistryBalanceLimitExceeded")
          .withArgs(l.alice.address, 1, 300_000n * UNIT, 300_000n * UNIT + 1n);
      });
    });

    describe("when the sender's balance is too low", function () {
      it("reverts with ERC20InsufficientBalance", async function () {
        const l = await load();
        await expect(path.send(l, l.issuer, l.merchant, 800_000n * UNIT + 1n))
          .to.be.revertedWithCustomError(l.token, "ERC20InsufficientBalance")
          .withArgs(l.issuer.address, 800_000n * UNIT, 800_000n * UNIT + 1n);
      });
    });
  });
}
