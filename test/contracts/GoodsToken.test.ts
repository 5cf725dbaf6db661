import { expect } from "chai";
import hre, { network } from "hardhat";
import { DAY, LotStatus, UNIT, WalletStatus, ledgerFixtures } from "../fixtures.js";
import { authorizationArgs, freshNonce, paymentArgs, paymentReferenceOf, signAuthorization, signCancel, signPayment, signPermit } from "./helpers.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { deployLedgerFixture, fundedLedgerFixture } = ledgerFixtures(connection);
const funded = () => networkHelpers.loadFixture(fundedLedgerFixture);

const REF = ethers.encodeBytes32String("CASHIN-000001");
const tokenInterface = (await ethers.getContractFactory("GoodsToken")).interface;
const REASON = ethers.encodeBytes32String("COURT-ORDER");
const LEGAL = ethers.id("order 2026/117, Kano High Court");

describe("GoodsToken", function () {
  describe("deployment", function () {
    it("creates its ReserveRegistry, which names it as the token", async function () {
      const l = await networkHelpers.loadFixture(deployLedgerFixture);
      expect(await l.token.reserveRegistry()).to.equal(await l.reserveRegistry.getAddress());
      expect(await l.reserveRegistry.token()).to.equal(await l.token.getAddress());
      expect(await l.token.name()).to.equal("Goods Ledger Token");
      expect(await l.token.symbol()).to.equal("GLT");
      expect(await l.token.decimals()).to.equal(6n);
      expect(await l.token.totalSupply()).to.equal(0n);
      expect(await l.token.paused()).to.equal(false);
    });

    it("reverts with GoodsTokenInvalidAdmin for a zero admin", async function () {
      const factory = await ethers.getContractFactory("GoodsToken");
      await expect(factory.deploy("G", "G", ethers.ZeroAddress, 86_400n))
        .to.be.revertedWithCustomError(factory, "GoodsTokenInvalidAdmin")
        .withArgs(ethers.ZeroAddress);
    });

    it("keeps both deployables under the EIP-170 runtime size limit (24,576 bytes), as built and as deployed", async function () {
      const l = await networkHelpers.loadFixture(deployLedgerFixture);
      for (const [name, contract] of [["GoodsToken", l.token], ["ReserveRegistry", l.reserveRegistry]] as const) {
        const { deployedBytecode } = await hre.artifacts.readArtifact(name);
        const deployed = await ethers.provider.getCode(await contract.getAddress());
        expect((deployedBytecode.length - 2) / 2, `${name} artifact`).to.be.within(1_000, 24_576);
        expect((deployed.length - 2) / 2, `${name} on chain`).to.equal((deployedBytecode.length - 2) / 2);
      }
    });

    it("exposes the EIP-3009 typehashes of the EIP", async function () {
      const l = await networkHelpers.loadFixture(deployLedgerFixture);
      expect(await l.token.TRANSFER_WITH_AUTHORIZATION_TYPEHASH()).to.equal(
        ethers.id("TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"),
      );
      expect(await l.token.RECEIVE_WITH_AUTHORIZATION_TYPEHASH()).to.equal(
        ethers.id("ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"),
      );
      expect(await l.token.CANCEL_AUTHORIZATION_TYPEHASH()).to.equal(ethers.id("CancelAuthorization(address authorizer,bytes32 nonce)"));
      const { chainId } = await ethers.provider.getNetwork();
      expect(await l.token.DOMAIN_SEPARATOR()).to.equal(
        ethers.TypedDataEncoder.hashDomain({ name: "Goods Ledger Token", version: "1", chainId, verifyingContract: await l.token.getAddress() }),
      );
    });
  });

  describe("issue", function () {
    it("mints to a registered wallet against a lot: Transfer from zero, then Issued(lot, ref)", async function () {
      const l = await funded();
      const tx = l.token.connect(l.issuer).issue(l.lotB, l.bob.address, 5_000n * UNIT, REF);
      await expect(tx).to.emit(l.token, "Transfer").withArgs(ethers.ZeroAddress, l.bob.address, 5_000n * UNIT);
      await expect(tx).to.emit(l.token, "Issued").withArgs(l.lotB, REF);
      const receipt = await (await tx).wait();
      const [transferLog, issuedLog] = receipt!.logs;
      expect(issuedLog.index).to.equal(transferLog.index + 1);
      expect(await l.token.balanceOf(l.bob.address)).to.equal(105_000n * UNIT);
      expect(await l.token.totalSupply()).to.equal(1_005_000n * UNIT);
      expect((await l.reserveRegistry.lotInfo(l.lotB)).issued).to.equal(5_000n * UNIT);
    });

    it("checks the recipient like any transfer (frozen recipient)", async function () {
      const l = await funded();
      await (await l.token.connect(l.compliance).freezeWallet(l.bob.address, REASON)).wait();
      await expect(l.token.connect(l.issuer).issue(l.lotA, l.bob.address, UNIT, REF))
        .to.be.revertedWithCustomError(l.token, "WalletRegistryWalletFrozen")
        .withArgs(l.bob.address);
    });

    it("reverts with ReserveRegistryLotCapacityExceeded over the lot's valuation, changing nothing", async function () {
      const l = await funded();
      await expect(l.token.connect(l.issuer).issue(l.lotB, l.merchant.address, 2_000_000n * UNIT + 1n, REF))
        .to.be.revertedWithCustomError(l.reserveRegistry, "ReserveRegistryLotCapacityExceeded")
        .withArgs(l.lotB, 2_000_000n * UNIT, 2_000_000n * UNIT + 1n);
      expect(await l.token.totalSupply()).to.equal(1_000_000n * UNIT);
      expect((await l.reserveRegistry.lotInfo(l.lotB)).issued).to.equal(0n);
    });

    it("reverts with ReserveRegistryUnknownLot for an unknown lot", async function () {
      const l = await funded();
      const unknown = ethers.id("NO-SUCH-LOT");
      await expect(l.token.connect(l.issuer).issue(unknown, l.bob.address, UNIT, REF))
        .to.be.revertedWithCustomError(l.reserveRegistry, "ReserveRegistryUnknownLot")
        .withArgs(unknown);
    });

    it("reverts with ReserveRegistryLotExpired once the lot's expiry day has begun", async function () {
      const l = await funded();
      const { expiresAt } = await l.reserveRegistry.lotInfo(l.lotB);
      await networkHelpers.time.increaseTo((expiresAt / DAY) * DAY);
      await expect(l.token.connect(l.issuer).issue(l.lotB, l.merchant.address, UNIT, REF))
        .to.be.revertedWithCustomError(l.reserveRegistry, "ReserveRegistryLotExpired")
        .withArgs(l.lotB, expiresAt);
    });

    it("reverts with ReserveRegistryLotDisputed for a disputed lot", async function () {
      const l = await funded();
      await (await l.reserveRegistry.connect(l.auditor).disputeLot(l.lotB, REASON)).wait();
      await expect(l.token.connect(l.issuer).issue(l.lotB, l.merchant.address, UNIT, REF))
        .to.be.revertedWithCustomError(l.reserveRegistry, "ReserveRegistryLotDisputed")
        .withArgs(l.lotB);
    });

    it("reverts with ReserveRegistryReservesExceeded when another lot's lapse leaves supply uncovered", async function () {
      const l = await funded();
      // Lot A (10M) backs the 1M supply; disputing it leaves lot B's 2M as the only valid reserves.
      await (await l.reserveRegistry.connect(l.auditor).disputeLot(l.lotA, REASON)).wait();
      await (await l.token.connect(l.issuer).issue(l.lotB, l.merchant.address, 1_000_000n * UNIT, REF)).wait();
      await expect(l.token.connect(l.issuer).issue(l.lotB, l.merchant.address, 1n, REF))
        .to.be.revertedWithCustomError(l.reserveRegistry, "ReserveRegistryReservesExceeded")
        .withArgs(2_000_000n * UNIT, 2_000_000n * UNIT + 1n);
    });

    it("reverts with GoodsTokenZeroAmount, ERC20InvalidReceiver, GoodsTokenPaused", async function () {
      const l = await funded();
      const issuer = l.token.connect(l.issuer);
      await expect(issuer.issue(l.lotA, l.bob.address, 0n, REF)).to.be.revertedWithCustomError(l.token, "GoodsTokenZeroAmount");
      await expect(issuer.issue(l.lotA, ethers.ZeroAddress, UNIT, REF))
        .to.be.revertedWithCustomError(l.token, "ERC20InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
      await (await l.token.connect(l.pauser).pause()).wait();
      await expect(issuer.issue(l.lotA, l.bob.address, UNIT, REF)).to.be.revertedWithCustomError(l.token, "GoodsTokenPaused");
    });
  });

  describe("redeem", function () {
    it("burns from the issuer's wallet against the lot and writes a goods-release record", async function () {
      const l = await funded();
      const tx = l.token.connect(l.issuer).redeem(l.lotA, 100_000n * UNIT, REF);
      await expect(tx).to.emit(l.token, "Transfer").withArgs(l.issuer.address, ethers.ZeroAddress, 100_000n * UNIT);
      await expect(tx).to.emit(l.reserveRegistry, "GoodsReleased").withArgs(1n, l.lotA, 100_000n * UNIT, 5_000n, REF);
      await expect(tx).to.emit(l.token, "Redeemed").withArgs(l.lotA, l.issuer.address, 100_000n * UNIT, REF, 1n);
      expect(await l.token.totalSupply()).to.equal(900_000n * UNIT);
      expect(await l.token.balanceOf(l.issuer.address)).to.equal(700_000n * UNIT);
      const release = await l.reserveRegistry.goodsRelease(1n);
      expect([release.lot, release.amount, release.quantity, release.ref]).to.deep.equal([l.lotA, 100_000n * UNIT, 5_000n, REF]);
      expect(await l.reserveRegistry.goodsReleaseCount()).to.equal(1n);
    });

    it("returns the release id (static call)", async function () {
      const l = await funded();
      // Lot A: 10,000,000 tokens for 500,000 kg, so one kg is worth 20 tokens.
      expect(await l.token.connect(l.issuer).redeem.staticCall(l.lotA, 20n * UNIT, REF)).to.equal(1n);
    });

    it("reverts with ReserveRegistryRedemptionExceedsOutstanding beyond what the lot backs", async function () {
      const l = await funded();
      await expect(l.token.connect(l.issuer).redeem(l.lotB, UNIT, REF))
        .to.be.revertedWithCustomError(l.reserveRegistry, "ReserveRegistryRedemptionExceedsOutstanding")
        .withArgs(l.lotB, 0n, UNIT);
    });

    it("reverts with GoodsTokenZeroAmount and ERC20InsufficientBalance", async function () {
      const l = await funded();
      await expect(l.token.connect(l.issuer).redeem(l.lotA, 0n, REF)).to.be.revertedWithCustomError(l.token, "GoodsTokenZeroAmount");
      await expect(l.token.connect(l.issuer).redeem(l.lotA, 800_000n * UNIT + 1n, REF))
        .to.be.revertedWithCustomError(l.token, "ERC20InsufficientBalance")
        .withArgs(l.issuer.address, 800_000n * UNIT, 800_000n * UNIT + 1n);
    });

    it("reverts with GoodsTokenPaused while paused", async function () {
      const l = await funded();
      await (await l.token.connect(l.pauser).pause()).wait();
      await expect(l.token.connect(l.issuer).redeem(l.lotA, UNIT, REF)).to.be.revertedWithCustomError(l.token, "GoodsTokenPaused");
    });
  });

  describe("pause / unpause", function () {
    it("pauses and unpauses with events", async function () {
      const l = await funded();
      await expect(l.token.connect(l.pauser).pause()).to.emit(l.token, "Paused").withArgs(l.pauser.address);
      expect(await l.token.paused()).to.equal(true);
      await expect(l.token.connect(l.pauser).unpause()).to.emit(l.token, "Unpaused").withArgs(l.pauser.address);
      expect(await l.token.paused()).to.equal(false);
      await expect(l.token.connect(l.alice).transfer(l.bob.address, 1n)).to.changeTokenBalances(ethers, l.token, [l.bob], [1n]);
    });

    it("reverts with GoodsTokenPaused when paused twice and GoodsTokenNotPaused when not paused", async function () {
      const l = await funded();
      await expect(l.token.connect(l.pauser).unpause()).to.be.revertedWithCustomError(l.token, "GoodsTokenNotPaused");
      await (await l.token.connect(l.pauser).pause()).wait();
      await expect(l.token.connect(l.pauser).pause()).to.be.revertedWithCustomError(l.token, "GoodsTokenPaused");
    });
  });

  describe("forcedTransfer", function () {
    it("seizes from a frozen wallet while paused, with reason and legal reference", async function () {
      const l = await funded();
      await (await l.token.connect(l.compliance).freezeWallet(l.alice.address, REASON)).wait();
      await (await l.token.connect(l.pauser).pause()).wait();
      const tx = l.token.connect(l.compliance).forcedTransfer(l.alice.address, l.merchant.address, 40_000n * UNIT, REASON, LEGAL);
      await expect(tx).to.emit(l.token, "Transfer").withArgs(l.alice.address, l.merchant.address, 40_000n * UNIT);
      await expect(tx).to.emit(l.token, "ForcedTransfer").withArgs(l.alice.address, l.merchant.address, 40_000n * UNIT, l.compliance.address, REASON, LEGAL);
      await expect(tx).to.changeTokenBalances(ethers, l.token, [l.alice, l.merchant], [-40_000n * UNIT, 40_000n * UNIT]);
    });

    it("ignores the sender's limits and denylist but not the recipient's checks", async function () {
      const l = await funded();
      await (await l.token.connect(l.compliance).denylist(l.alice.address, REASON)).wait();
      // 100,000 is over alice's single-transfer limit (50,000): a seizure is not a transfer by alice.
      await expect(l.token.connect(l.compliance).forcedTransfer(l.alice.address, l.merchant.address, 100_000n * UNIT, REASON, LEGAL))
        .to.changeTokenBalances(ethers, l.token, [l.merchant], [100_000n * UNIT]);
      await expect(l.token.connect(l.compliance).forcedTransfer(l.bob.address, l.others[0].address, UNIT, REASON, LEGAL))
        .to.be.revertedWithCustomError(l.token, "WalletRegistryWalletNotRegistered")
        .withArgs(l.others[0].address);
      await expect(l.token.connect(l.compliance).forcedTransfer(l.issuer.address, l.bob.address, 400_001n * UNIT, REASON, LEGAL))
        .to.be.revertedWithCustomError(l.token, "WalletRegistryBalanceLimitExceeded");
    });

    it("reverts with ERC20InvalidSender, ERC20InvalidReceiver, GoodsTokenZeroAmount, ERC20InsufficientBalance", async function () {
      const l = await funded();
      const c = l.token.connect(l.compliance);
      await expect(c.forcedTransfer(ethers.ZeroAddress, l.bob.address, 1n, REASON, LEGAL)).to.be.revertedWithCustomError(l.token, "ERC20InvalidSender").withArgs(ethers.ZeroAddress);
      await expect(c.forcedTransfer(l.alice.address, ethers.ZeroAddress, 1n, REASON, LEGAL)).to.be.revertedWithCustomError(l.token, "ERC20InvalidReceiver").withArgs(ethers.ZeroAddress);
      await expect(c.forcedTransfer(l.alice.address, l.bob.address, 0n, REASON, LEGAL)).to.be.revertedWithCustomError(l.token, "GoodsTokenZeroAmount");
      await expect(c.forcedTransfer(l.alice.address, l.bob.address, 100_000n * UNIT + 1n, REASON, LEGAL))
        .to.be.revertedWithCustomError(l.token, "ERC20InsufficientBalance")
        .withArgs(l.alice.address, 100_000n * UNIT, 100_000n * UNIT + 1n);
    });
  });

  describe("recoverWallet", function () {
    it("moves balance, record and alias to the replacement and closes the lost wallet", async function () {
      const l = await funded();
      const alias = ethers.id("hmac:+234800000009");
      await (await l.token.connect(l.registrar).linkAlias(l.alice.address, alias)).wait();
      await (await l.token.connect(l.alice).transfer(l.bob.address, 1_000n * UNIT)).wait();
      const lostBefore = await l.token.walletOf(l.alice.address);
      const replacement = l.others[0];
      const tx = l.token.connect(l.compliance).recoverWallet(l.alice.address, replacement.address, REASON, LEGAL);
      await expect(tx).to.emit(l.token, "Transfer").withArgs(l.alice.address, replacement.address, 99_000n * UNIT);
      await expect(tx).to.emit(l.token, "AliasUnlinked").withArgs(l.alice.address, alias, l.compliance.address);
      await expect(tx).to.emit(l.token, "AliasLinked").withArgs(replacement.address, alias, l.compliance.address);
      await expect(tx).to.emit(l.token, "WalletClosed").withArgs(l.alice.address, l.compliance.address, REASON);
      await expect(tx).to.emit(l.token, "WalletRecovered").withArgs(l.alice.address, replacement.address, 99_000n * UNIT, l.compliance.address, REASON, LEGAL);
      const moved = await l.token.walletOf(replacement.address);
      expect(moved.status).to.equal(WalletStatus.Active);
      expect([moved.role, moved.tier, moved.region, moved.institution, moved.kycExpiryDay]).to.deep.equal([
        lostBefore.role, lostBefore.tier, lostBefore.region, lostBefore.institution, lostBefore.kycExpiryDay,
      ]);
      expect(moved.balance).to.equal(99_000n * UNIT);
      // Today's outflow moves too: the replacement cannot spend the lost wallet's limit twice.
      expect(await l.token.remainingDailyOutflow(replacement.address)).to.equal(99_000n * UNIT);
      expect(await l.token.walletByAlias(alias)).to.equal(replacement.address);
      const lost = await l.token.walletOf(l.alice.address);
      expect([lost.status, lost.balance, lost.aliasCommitment]).to.deep.equal([BigInt(WalletStatus.Closed), 0n, ethers.ZeroHash]);
      expect(await l.token.totalSupply()).to.equal(1_000_000n * UNIT);
    });

    it("carries the denylist flag to the replacement (issue 8: it used to get a clean record and spend at once) and keeps it on the lost address", async function () {
      const l = await funded();
      const replacement = l.others[0];
      await (await l.token.connect(l.compliance).denylist(l.alice.address, REASON)).wait();
      await (await l.token.connect(l.compliance).recoverWallet(l.alice.address, replacement.address, REASON, LEGAL)).wait();
      expect((await l.token.walletOf(l.alice.address)).denylisted).to.equal(true);
      expect((await l.token.walletOf(replacement.address)).denylisted).to.equal(true);
      expect(await l.token.balanceOf(replacement.address)).to.equal(100_000n * UNIT);
      // The attack: the replacement spends at once. Now refused, and nothing moves.
      await expect(l.token.connect(replacement).transfer(l.bob.address, UNIT))
        .to.be.revertedWithCustomError(l.token, "WalletRegistryWalletDenylisted")
        .withArgs(replacement.address);
      expect(await l.token.remainingDailyOutflow(replacement.address)).to.equal(0n);
      // Compliance clears it explicitly, as for any denylisted wallet.
      await (await l.token.connect(l.compliance).removeFromDenylist(replacement.address, REASON)).wait();
      await expect(l.token.connect(replacement).transfer(l.bob.address, UNIT)).to.changeTokenBalances(ethers, l.token, [replacement, l.bob], [-UNIT, UNIT]);
    });

    it("refuses a registered, denylisted or zero replacement, and an unregistered or closed lost wallet", async function () {
      const l = await funded();
      const c = l.token.connect(l.compliance);
      await expect(c.recoverWallet(l.alice.address, l.bob.address, REASON, LEGAL)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletAlreadyRegistered").withArgs(l.bob.address);
      await expect(c.recoverWallet(l.alice.address, l.alice.address, REASON, LEGAL)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletAlreadyRegistered");
      await expect(c.recoverWallet(l.alice.address, ethers.ZeroAddress, REASON, LEGAL)).to.be.revertedWithCustomError(l.token, "WalletRegistryInvalidAccount").withArgs(ethers.ZeroAddress);
      await (await c.denylist(l.others[0].address, REASON)).wait();
      await expect(c.recoverWallet(l.alice.address, l.others[0].address, REASON, LEGAL)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletDenylisted").withArgs(l.others[0].address);
      await expect(c.recoverWallet(l.others[1].address, l.others[2].address, REASON, LEGAL)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletNotRegistered").withArgs(l.others[1].address);
      await (await l.token.connect(l.registrar).closeWallet(l.merchant.address, REASON)).wait();
      await expect(c.recoverWallet(l.merchant.address, l.others[2].address, REASON, LEGAL)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletClosed").withArgs(l.merchant.address);
    });
  });

  describe("batchTransfer", function () {
    it("pays every leg, and the legs count together against the daily limit", async function () {
      const l = await funded();
      const tx = l.token.connect(l.alice).batchTransfer([l.bob.address, l.merchant.address], [30_000n * UNIT, 20_000n * UNIT]);
      await expect(tx).to.changeTokenBalances(ethers, l.token, [l.alice, l.bob, l.merchant], [-50_000n * UNIT, 30_000n * UNIT, 20_000n * UNIT]);
      expect(await l.token.remainingDailyOutflow(l.alice.address)).to.equal(50_000n * UNIT);
      await expect(l.token.connect(l.alice).batchTransfer([l.bob.address, l.merchant.address], [40_000n * UNIT, 10_001n * UNIT]))
        .to.be.revertedWithCustomError(l.token, "WalletRegistryDailyLimitExceeded")
        .withArgs(l.alice.address, 1, 10_000n * UNIT, 10_001n * UNIT);
      expect(await l.token.balanceOf(l.bob.address)).to.equal(130_000n * UNIT);
    });

    it("reverts with GoodsTokenEmptyBatch and GoodsTokenBatchLengthMismatch, changing nothing", async function () {
      const l = await funded();
      await expect(l.token.connect(l.alice).batchTransfer([], [])).to.be.revertedWithCustomError(l.token, "GoodsTokenEmptyBatch");
      await expect(l.token.connect(l.alice).batchTransfer([l.bob.address], [1n, 2n]))
        .to.be.revertedWithCustomError(l.token, "GoodsTokenBatchLengthMismatch")
        .withArgs(1n, 2n);
      expect(await l.token.balanceOf(l.alice.address)).to.equal(100_000n * UNIT);
    });

    it("reverts with ERC20InvalidReceiver for a zero recipient", async function () {
      const l = await funded();
      await expect(l.token.connect(l.alice).batchTransfer([l.bob.address, ethers.ZeroAddress], [1n, 1n]))
        .to.be.revertedWithCustomError(l.token, "ERC20InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("batchTransferPartial (payroll that survives one bad leg)", function () {
    const sel = (name: string) => tokenInterface.getError(name)!.selector;

    it("a recipient at its maximum balance is skipped with WalletRegistryBalanceLimitExceeded's selector; the other legs of a 20-leg payroll are paid (issue 8: the whole batch reverted)", async function () {
      const l = await funded();
      const payees = l.others.slice(0, 9);
      for (const p of payees) await (await l.token.connect(l.registrar).registerWallet(p.address, 1, 1, 1, 1, l.kycExpiryDay)).wait();
      // Alice (tier 1, max balance 300,000) is topped up to exactly her maximum.
      await (await l.token.connect(l.issuer).transfer(l.alice.address, 200_000n * UNIT)).wait();
      const to = Array.from({ length: 20 }, (_, i) => (i === 7 ? l.alice.address : payees[i % payees.length].address));
      const amounts = to.map(() => 100n * UNIT);
      // The all-or-nothing batch reverts on the one bad leg …
      await expect(l.token.connect(l.issuer).batchTransfer(to, amounts))
        .to.be.revertedWithCustomError(l.token, "WalletRegistryBalanceLimitExceeded")
        .withArgs(l.alice.address, 1, 300_000n * UNIT, 300_100n * UNIT);
      // … the partial batch skips it and pays the 19 others.
      expect(await l.token.connect(l.issuer).batchTransferPartial.staticCall(to, amounts)).to.equal(1n);
      const tx = l.token.connect(l.issuer).batchTransferPartial(to, amounts);
      await expect(tx).to.emit(l.token, "BatchLegSkipped").withArgs(7n, l.alice.address, 100n * UNIT, sel("WalletRegistryBalanceLimitExceeded"));
      await expect(tx).to.changeTokenBalances(ethers, l.token, [l.issuer, l.alice, payees[0]], [-1_900n * UNIT, 0n, 300n * UNIT]);
    });

    it("skips an unregistered, frozen, denylisted or zero recipient, a leg over the sender's limits or balance, each with its error's selector", async function () {
      const l = await funded();
      await (await l.token.connect(l.compliance).freezeWallet(l.merchant.address, REASON)).wait();
      await (await l.token.connect(l.compliance).denylist(l.bob.address, REASON)).wait();
      await (await l.token.connect(l.registrar).registerWallet(l.others[1].address, 1, 1, 1, 1, l.kycExpiryDay)).wait();
      const ok = l.others[1].address;
      // Alice: tier 1 (max transfer 50,000, daily 100,000), holds 100,000.
      const to = [l.others[0].address, l.merchant.address, l.bob.address, ethers.ZeroAddress, ok, ok, ok, ok];
      const amounts = [UNIT, UNIT, UNIT, UNIT, 50_001n * UNIT, 50_000n * UNIT, 49_000n * UNIT, 2_000n * UNIT];
      const tx = l.token.connect(l.alice).batchTransferPartial(to, amounts);
      await expect(tx).to.emit(l.token, "BatchLegSkipped").withArgs(0n, l.others[0].address, UNIT, sel("WalletRegistryWalletNotRegistered"));
      await expect(tx).to.emit(l.token, "BatchLegSkipped").withArgs(1n, l.merchant.address, UNIT, sel("WalletRegistryWalletFrozen"));
      await expect(tx).to.emit(l.token, "BatchLegSkipped").withArgs(2n, l.bob.address, UNIT, sel("WalletRegistryWalletDenylisted"));
      await expect(tx).to.emit(l.token, "BatchLegSkipped").withArgs(3n, ethers.ZeroAddress, UNIT, sel("ERC20InvalidReceiver"));
      await expect(tx).to.emit(l.token, "BatchLegSkipped").withArgs(4n, ok, 50_001n * UNIT, sel("WalletRegistryTransferLimitExceeded"));
      // Legs 5 and 6 go (99,000 of the 100,000 daily outflow); leg 7 would exceed what is left today.
      await expect(tx).to.emit(l.token, "BatchLegSkipped").withArgs(7n, ok, 2_000n * UNIT, sel("WalletRegistryDailyLimitExceeded"));
      await expect(tx).to.changeTokenBalances(ethers, l.token, [l.alice, l.others[1]], [-99_000n * UNIT, 99_000n * UNIT]);
      expect(await l.token.remainingDailyOutflow(l.alice.address)).to.equal(1_000n * UNIT);
      // Balance: the issuer (tier 3, holding 800,000) pays 250,000 then 600,000 to a tier-3 wallet: the second is skipped.
      const big = l.others[2].address;
      await (await l.token.connect(l.registrar).registerWallet(big, 3, 3, 1, 1, l.kycExpiryDay)).wait();
      const issuerTx = l.token.connect(l.issuer).batchTransferPartial([big, big], [250_000n * UNIT, 600_000n * UNIT]);
      await expect(issuerTx).to.emit(l.token, "BatchLegSkipped").withArgs(1n, big, 600_000n * UNIT, sel("ERC20InsufficientBalance"));
      await expect(issuerTx).to.changeTokenBalances(ethers, l.token, [l.issuer], [-250_000n * UNIT]);
    });

    it("a leg to oneself sees its own debit, as a transfer does", async function () {
      const l = await funded();
      await expect(l.token.connect(l.alice).batchTransferPartial([l.alice.address], [10n * UNIT])).to.changeTokenBalances(ethers, l.token, [l.alice], [0n]);
      expect(await l.token.remainingDailyOutflow(l.alice.address)).to.equal(99_990n * UNIT);
    });

    it("a sender that cannot send at all reverts the whole batch (paused, frozen, denylisted), as batchTransfer does", async function () {
      const l = await funded();
      await (await l.token.connect(l.compliance).freezeWallet(l.alice.address, REASON)).wait();
      await expect(l.token.connect(l.alice).batchTransferPartial([l.bob.address], [UNIT])).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletFrozen").withArgs(l.alice.address);
      await (await l.token.connect(l.compliance).denylist(l.bob.address, REASON)).wait();
      await expect(l.token.connect(l.bob).batchTransferPartial([l.merchant.address], [UNIT])).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletDenylisted").withArgs(l.bob.address);
      await (await l.token.connect(l.pauser).pause()).wait();
      await expect(l.token.connect(l.issuer).batchTransferPartial([l.merchant.address], [UNIT])).to.be.revertedWithCustomError(l.token, "GoodsTokenPaused");
    });

    it("reverts with GoodsTokenEmptyBatch and GoodsTokenBatchLengthMismatch", async function () {
      const l = await funded();
      await expect(l.token.connect(l.alice).batchTransferPartial([], [])).to.be.revertedWithCustomError(l.token, "GoodsTokenEmptyBatch");
      await expect(l.token.connect(l.alice).batchTransferPartial([l.bob.address], [1n, 2n])).to.be.revertedWithCustomError(l.token, "GoodsTokenBatchLengthMismatch").withArgs(1n, 2n);
    });
  });

  describe("transferWithReference", function () {
    it("emits PaymentReferenced after the Transfer, and a reference may repeat", async function () {
      const l = await funded();
      const ref = ethers.encodeBytes32String("INV-42");
      await expect(l.token.connect(l.alice).transferWithReference(l.merchant.address, 5n * UNIT, ref))
        .to.emit(l.token, "PaymentReferenced")
        .withArgs(l.alice.address, l.merchant.address, 5n * UNIT, ref);
      await expect(l.token.connect(l.bob).transferWithReference(l.merchant.address, 5n * UNIT, ref)).to.changeTokenBalances(ethers, l.token, [l.merchant], [5n * UNIT]);
      expect(await l.token.paymentReferenceUsed(l.merchant.address, ref)).to.equal(false);
    });
  });

  describe("ERC-20 allowances", function () {
    it("approve sets, transferFrom spends, an infinite allowance is not spent", async function () {
      const l = await funded();
      const spender = l.others[0];
      await (await l.token.connect(l.registrar).registerWallet(spender.address, 1, 1, 1, 1, l.kycExpiryDay)).wait();
      await expect(l.token.connect(l.alice).approve(spender.address, 10n)).to.emit(l.token, "Approval").withArgs(l.alice.address, spender.address, 10n);
      await (await l.token.connect(spender).transferFrom(l.alice.address, l.bob.address, 4n)).wait();
      expect(await l.token.allowance(l.alice.address, spender.address)).to.equal(6n);
      await expect(l.token.connect(spender).transferFrom(l.alice.address, l.bob.address, 7n))
        .to.be.revertedWithCustomError(l.token, "ERC20InsufficientAllowance")
        .withArgs(spender.address, 6n, 7n);
      await (await l.token.connect(l.alice).approve(spender.address, ethers.MaxUint256)).wait();
      await (await l.token.connect(spender).transferFrom(l.alice.address, l.bob.address, 7n)).wait();
      expect(await l.token.allowance(l.alice.address, spender.address)).to.equal(ethers.MaxUint256);
    });

    describe("when the spender itself is blocked", function () {
      it("reverts with WalletRegistryWalletDenylisted for a denylisted (unregistered) spender, and moves nothing", async function () {
        const l = await funded();
        const spender = l.others[0];
        await (await l.token.connect(l.alice).approve(spender.address, 10n)).wait();
        await (await l.token.connect(l.compliance).denylist(spender.address, ethers.encodeBytes32String("OFAC"))).wait();
        await expect(l.token.connect(spender).transferFrom(l.alice.address, l.bob.address, 4n))
          .to.be.revertedWithCustomError(l.token, "WalletRegistryWalletDenylisted")
          .withArgs(spender.address);
        expect(await l.token.allowance(l.alice.address, spender.address)).to.equal(10n);
        expect(await l.token.balanceOf(l.alice.address)).to.equal(100_000n * UNIT);
      });

      it("reverts with WalletRegistryWalletFrozen for a frozen registered spender", async function () {
        const l = await funded();
        await (await l.token.connect(l.alice).approve(l.merchant.address, 10n)).wait();
        await (await l.token.connect(l.compliance).freezeWallet(l.merchant.address, ethers.encodeBytes32String("FRAUD"))).wait();
        await expect(l.token.connect(l.merchant).transferFrom(l.alice.address, l.bob.address, 4n))
          .to.be.revertedWithCustomError(l.token, "WalletRegistryWalletFrozen")
          .withArgs(l.merchant.address);
        expect(await l.token.allowance(l.alice.address, l.merchant.address)).to.equal(10n);
      });
    });

    describe("a spender passes the same can-move check as a sender (issue 8)", function () {
      it("reverts with WalletRegistryKycExpired for a registered spender whose KYC has expired, and moves nothing", async function () {
        const l = await funded();
        const spender = l.others[0];
        const today = BigInt(await networkHelpers.time.latest()) / DAY;
        await (await l.token.connect(l.registrar).registerWallet(spender.address, 1, 1, 1, 1, today + 2n)).wait();
        await (await l.token.connect(l.alice).approve(spender.address, 10n * UNIT)).wait();
        await (await l.token.connect(spender).transferFrom(l.alice.address, l.bob.address, UNIT)).wait();
        await networkHelpers.time.increase(2n * DAY);
        await expect(l.token.connect(spender).transferFrom(l.alice.address, l.bob.address, UNIT))
          .to.be.revertedWithCustomError(l.token, "WalletRegistryKycExpired")
          .withArgs(spender.address, today + 2n);
        expect(await l.token.allowance(l.alice.address, spender.address)).to.equal(9n * UNIT);
        expect(await l.token.balanceOf(l.alice.address)).to.equal(99_999n * UNIT);
      });

      it("reverts with WalletRegistryWalletNotRegistered for an unregistered spender", async function () {
        const l = await funded();
        const spender = l.others[0];
        await (await l.token.connect(l.alice).approve(spender.address, 10n)).wait();
        await expect(l.token.connect(spender).transferFrom(l.alice.address, l.bob.address, 4n))
          .to.be.revertedWithCustomError(l.token, "WalletRegistryWalletNotRegistered")
          .withArgs(spender.address);
      });
    });

    describe("approve and permit are gated as USDC gates them (issue 8)", function () {
      for (const kind of ["approve", "permit"] as const) {
        const grant = async (l: Awaited<ReturnType<typeof funded>>, owner: typeof l.alice, spender: string) => {
          if (kind === "approve") return l.token.connect(owner).approve(spender, 5n);
          const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
          const sig = await signPermit(connection, l.token, owner, spender, 5n, deadline);
          return l.token.connect(l.others[5]).permit(owner.address, spender, 5n, deadline, sig.v, sig.r, sig.s);
        };

        it(`${kind} reverts with GoodsTokenPaused while paused`, async function () {
          const l = await funded();
          await (await l.token.connect(l.pauser).pause()).wait();
          await expect(grant(l, l.alice, l.bob.address)).to.be.revertedWithCustomError(l.token, "GoodsTokenPaused");
          expect(await l.token.allowance(l.alice.address, l.bob.address)).to.equal(0n);
        });

        for (const side of ["owner", "spender"] as const) {
          it(`${kind} reverts with WalletRegistryWalletDenylisted for a denylisted ${side}`, async function () {
            const l = await funded();
            const subject = side === "owner" ? l.alice : l.bob;
            await (await l.token.connect(l.compliance).denylist(subject.address, REASON)).wait();
            await expect(grant(l, l.alice, l.bob.address)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletDenylisted").withArgs(subject.address);
            expect(await l.token.allowance(l.alice.address, l.bob.address)).to.equal(0n);
          });

          it(`${kind} reverts with WalletRegistryWalletFrozen for a frozen ${side}`, async function () {
            const l = await funded();
            const subject = side === "owner" ? l.alice : l.bob;
            await (await l.token.connect(l.compliance).freezeWallet(subject.address, REASON)).wait();
            await expect(grant(l, l.alice, l.bob.address)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletFrozen").withArgs(subject.address);
          });
        }

        it(`${kind} reverts with WalletRegistryWalletClosed for a closed spender, and allows an unregistered one`, async function () {
          const l = await funded();
          await (await l.token.connect(l.registrar).closeWallet(l.merchant.address, REASON)).wait();
          await expect(grant(l, l.alice, l.merchant.address)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletClosed").withArgs(l.merchant.address);
          await (await grant(l, l.alice, l.others[1].address)).wait();
          expect(await l.token.allowance(l.alice.address, l.others[1].address)).to.equal(5n);
        });
      }
    });

    it("reverts with ERC20InvalidSpender and ERC20InvalidApprover for zero addresses", async function () {
      const l = await funded();
      await expect(l.token.connect(l.alice).approve(ethers.ZeroAddress, 1n)).to.be.revertedWithCustomError(l.token, "ERC20InvalidSpender").withArgs(ethers.ZeroAddress);
      await expect(l.token.connect(l.alice).transferFrom(ethers.ZeroAddress, l.bob.address, 0n)).to.be.revertedWithCustomError(l.token, "ERC20InvalidApprover").withArgs(ethers.ZeroAddress);
    });
  });

  describe("permit (EIP-2612)", function () {
    it("sets an allowance from a signature and uses the nonce", async function () {
      const l = await funded();
      const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
      const sig = await signPermit(connection, l.token, l.alice, l.bob.address, 99n, deadline);
      await expect(l.token.connect(l.others[0]).permit(l.alice.address, l.bob.address, 99n, deadline, sig.v, sig.r, sig.s))
        .to.emit(l.token, "Approval")
        .withArgs(l.alice.address, l.bob.address, 99n);
      expect(await l.token.allowance(l.alice.address, l.bob.address)).to.equal(99n);
      expect(await l.token.nonces(l.alice.address)).to.equal(1n);
      await expect(l.token.permit(l.alice.address, l.bob.address, 99n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(l.token, "GoodsTokenInvalidSignature")
        .withArgs(l.alice.address);
    });

    it("reverts with GoodsTokenPermitExpired after the deadline", async function () {
      const l = await funded();
      const deadline = BigInt(await networkHelpers.time.latest()) + 10n;
      const sig = await signPermit(connection, l.token, l.alice, l.bob.address, 1n, deadline);
      await networkHelpers.time.increase(20);
      await expect(l.token.permit(l.alice.address, l.bob.address, 1n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(l.token, "GoodsTokenPermitExpired")
        .withArgs(deadline);
    });
  });

  describe("EIP-3009", function () {
    it("transferWithAuthorization: emits AuthorizationUsed and marks the nonce, and no payment reference", async function () {
      const l = await funded();
      const auth = await signAuthorization(connection, l.token, l.alice, "TransferWithAuthorization", { to: l.merchant.address, value: 25n * UNIT });
      const tx = l.token.connect(l.others[0]).transferWithAuthorization(...authorizationArgs(auth));
      await expect(tx).to.emit(l.token, "AuthorizationUsed").withArgs(l.alice.address, auth.nonce);
      await expect(tx).to.not.emit(l.token, "PaymentReferenced");
      await expect(tx).to.changeTokenBalances(ethers, l.token, [l.alice, l.merchant], [-25n * UNIT, 25n * UNIT]);
      expect(await l.token.authorizationState(l.alice.address, auth.nonce)).to.equal(true);
      expect(await l.token.paymentReferenceUsed(l.merchant.address, auth.nonce)).to.equal(false);
    });

    it("the same payer paying twice reverts with GoodsTokenAuthorizationUsed", async function () {
      const l = await funded();
      const auth = await signAuthorization(connection, l.token, l.alice, "TransferWithAuthorization", { to: l.merchant.address, value: UNIT });
      await (await l.token.transferWithAuthorization(...authorizationArgs(auth))).wait();
      await expect(l.token.transferWithAuthorization(...authorizationArgs(auth)))
        .to.be.revertedWithCustomError(l.token, "GoodsTokenAuthorizationUsed")
        .withArgs(l.alice.address, auth.nonce);
    });

    it("plain EIP-3009 nonces are per payer and no longer single-use per payee: two payers may use the same nonce", async function () {
      const l = await funded();
      const nonce = ethers.id("same-random-nonce");
      const first = await signAuthorization(connection, l.token, l.alice, "TransferWithAuthorization", { to: l.merchant.address, value: 3n * UNIT, nonce });
      const second = await signAuthorization(connection, l.token, l.bob, "ReceiveWithAuthorization", { to: l.merchant.address, value: 3n * UNIT, nonce });
      await (await l.token.transferWithAuthorization(...authorizationArgs(first))).wait();
      await expect(l.token.connect(l.merchant).receiveWithAuthorization(...authorizationArgs(second)))
        .to.changeTokenBalances(ethers, l.token, [l.bob, l.merchant], [-3n * UNIT, 3n * UNIT]);
      expect(await l.token.authorizationState(l.bob.address, nonce)).to.equal(true);
    });

    for (const kind of ["TransferWithAuthorization", "ReceiveWithAuthorization"] as const) {
      it(`${kind} of value 0 reverts with GoodsTokenZeroValueAuthorization and leaves the nonce unused`, async function () {
        const l = await funded();
        const auth = await signAuthorization(connection, l.token, l.alice, kind, { to: l.merchant.address, value: 0n });
        const call = kind === "TransferWithAuthorization"
          ? l.token.connect(l.others[0]).transferWithAuthorization(...authorizationArgs(auth))
          : l.token.connect(l.merchant).receiveWithAuthorization(...authorizationArgs(auth));
        await expect(call).to.be.revertedWithCustomError(l.token, "GoodsTokenZeroValueAuthorization").withArgs(l.alice.address, auth.nonce);
        expect(await l.token.authorizationState(l.alice.address, auth.nonce)).to.equal(false);
      });
    }

    it("reverts with GoodsTokenAuthorizationNotYetValid and GoodsTokenAuthorizationExpired outside the window", async function () {
      const l = await funded();
      const now = BigInt(await networkHelpers.time.latest());
      const early = await signAuthorization(connection, l.token, l.alice, "TransferWithAuthorization", { to: l.bob.address, value: 1n, validAfter: now + 1000n, validBefore: now + 2000n });
      await networkHelpers.time.setNextBlockTimestamp(now + 1n);
      await expect(l.token.transferWithAuthorization(...authorizationArgs(early)))
        .to.be.revertedWithCustomError(l.token, "GoodsTokenAuthorizationNotYetValid")
        .withArgs(now + 1000n, now + 1n);
      const late = await signAuthorization(connection, l.token, l.alice, "TransferWithAuthorization", { to: l.bob.address, value: 1n, validBefore: now + 5n });
      await networkHelpers.time.increase(10);
      await expect(l.token.transferWithAuthorization(...authorizationArgs(late))).to.be.revertedWithCustomError(l.token, "GoodsTokenAuthorizationExpired");
      expect(await l.token.authorizationState(l.alice.address, late.nonce)).to.equal(false);
    });

    it("reverts with GoodsTokenInvalidSignature for a signature of someone else or of other terms", async function () {
      const l = await funded();
      const auth = await signAuthorization(connection, l.token, l.bob, "TransferWithAuthorization", { from: l.alice.address, to: l.bob.address, value: UNIT });
      await expect(l.token.transferWithAuthorization(...authorizationArgs(auth)))
        .to.be.revertedWithCustomError(l.token, "GoodsTokenInvalidSignature")
        .withArgs(l.alice.address);
      const own = await signAuthorization(connection, l.token, l.alice, "TransferWithAuthorization", { to: l.bob.address, value: UNIT });
      const tampered = authorizationArgs({ ...own, value: 2n * UNIT });
      await expect(l.token.transferWithAuthorization(...tampered)).to.be.revertedWithCustomError(l.token, "GoodsTokenInvalidSignature");
      // A receive authorization cannot be replayed as a transfer authorization.
      const receive = await signAuthorization(connection, l.token, l.alice, "ReceiveWithAuthorization", { to: l.bob.address, value: UNIT });
      await expect(l.token.transferWithAuthorization(...authorizationArgs(receive))).to.be.revertedWithCustomError(l.token, "GoodsTokenInvalidSignature");
    });

    it("reverts with ERC20InvalidSender for a zero payer", async function () {
      const l = await funded();
      const auth = await signAuthorization(connection, l.token, l.alice, "TransferWithAuthorization", { from: ethers.ZeroAddress, to: l.bob.address, value: 1n });
      await expect(l.token.transferWithAuthorization(...authorizationArgs(auth)))
        .to.be.revertedWithCustomError(l.token, "ERC20InvalidSender")
        .withArgs(ethers.ZeroAddress);
    });

    it("receiveWithAuthorization reverts with GoodsTokenCallerNotPayee unless the payee submits", async function () {
      const l = await funded();
      const auth = await signAuthorization(connection, l.token, l.alice, "ReceiveWithAuthorization", { to: l.merchant.address, value: UNIT });
      await expect(l.token.connect(l.others[0]).receiveWithAuthorization(...authorizationArgs(auth)))
        .to.be.revertedWithCustomError(l.token, "GoodsTokenCallerNotPayee")
        .withArgs(l.others[0].address, l.merchant.address);
    });

    it("cancelAuthorization cancels an unused nonce; reuse and a wrong signer revert", async function () {
      const l = await funded();
      const nonce = freshNonce(connection);
      const sig = await signCancel(connection, l.token, l.alice, nonce);
      await expect(l.token.cancelAuthorization(l.alice.address, nonce, sig.v, sig.r, sig.s))
        .to.emit(l.token, "AuthorizationCanceled")
        .withArgs(l.alice.address, nonce);
      expect(await l.token.authorizationState(l.alice.address, nonce)).to.equal(true);
      await expect(l.token.cancelAuthorization(l.alice.address, nonce, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(l.token, "GoodsTokenAuthorizationUsed")
        .withArgs(l.alice.address, nonce);
      const auth = await signAuthorization(connection, l.token, l.alice, "TransferWithAuthorization", { to: l.bob.address, value: 1n, nonce });
      await expect(l.token.transferWithAuthorization(...authorizationArgs(auth))).to.be.revertedWithCustomError(l.token, "GoodsTokenAuthorizationUsed");
      const other = freshNonce(connection);
      const bobSig = await signCancel(connection, l.token, l.bob, other);
      await expect(l.token.cancelAuthorization(l.alice.address, other, bobSig.v, bobSig.r, bobSig.s))
        .to.be.revertedWithCustomError(l.token, "GoodsTokenInvalidSignature")
        .withArgs(l.alice.address);
    });
  });

  describe("payment requests bound on chain (payWithAuthorization)", function () {
    const REQUEST = ethers.id("qr-request-7");

    it("paymentReference is keccak256(abi.encode(payee, value, requestId))", async function () {
      const l = await funded();
      expect(await l.token.paymentReference(l.merchant.address, 3n * UNIT, REQUEST)).to.equal(paymentReferenceOf(connection, l.merchant.address, 3n * UNIT, REQUEST));
      expect(await l.token.PAYMENT_AUTHORIZATION_TYPEHASH()).to.equal(
        ethers.id("PaymentAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 requestId)"),
      );
    });

    it("pays the request: Transfer, AuthorizationUsed(from, ref) and PaymentReferenced(from, to, value, ref); the reference is used", async function () {
      const l = await funded();
      const ref = paymentReferenceOf(connection, l.merchant.address, 3n * UNIT, REQUEST);
      const payment = await signPayment(connection, l.token, l.alice, { to: l.merchant.address, value: 3n * UNIT, requestId: REQUEST });
      const tx = l.token.connect(l.others[0]).payWithAuthorization(...paymentArgs(payment));
      await expect(tx).to.emit(l.token, "AuthorizationUsed").withArgs(l.alice.address, ref);
      await expect(tx).to.emit(l.token, "PaymentReferenced").withArgs(l.alice.address, l.merchant.address, 3n * UNIT, ref);
      await expect(tx).to.changeTokenBalances(ethers, l.token, [l.alice, l.merchant], [-3n * UNIT, 3n * UNIT]);
      expect(await l.token.paymentReferenceUsed(l.merchant.address, ref)).to.equal(true);
      expect(await l.token.authorizationState(l.alice.address, ref)).to.equal(true);
      expect(await l.token.authorizationState(l.bob.address, ref)).to.equal(false);
    });

    it("the same payer paying twice reverts with GoodsTokenAuthorizationUsed(from, ref)", async function () {
      const l = await funded();
      const ref = paymentReferenceOf(connection, l.merchant.address, 3n * UNIT, REQUEST);
      const payment = await signPayment(connection, l.token, l.alice, { to: l.merchant.address, value: 3n * UNIT, requestId: REQUEST });
      await (await l.token.payWithAuthorization(...paymentArgs(payment))).wait();
      await expect(l.token.payWithAuthorization(...paymentArgs(payment)))
        .to.be.revertedWithCustomError(l.token, "GoodsTokenAuthorizationUsed")
        .withArgs(l.alice.address, ref);
    });

    it("a second payer paying the same request reverts with GoodsTokenPaymentReferenceUsed(payee, ref) and moves nothing", async function () {
      const l = await funded();
      const ref = paymentReferenceOf(connection, l.merchant.address, 3n * UNIT, REQUEST);
      const first = await signPayment(connection, l.token, l.alice, { to: l.merchant.address, value: 3n * UNIT, requestId: REQUEST });
      const second = await signPayment(connection, l.token, l.bob, { to: l.merchant.address, value: 3n * UNIT, requestId: REQUEST });
      await (await l.token.payWithAuthorization(...paymentArgs(first))).wait();
      await expect(l.token.connect(l.merchant).payWithAuthorization(...paymentArgs(second)))
        .to.be.revertedWithCustomError(l.token, "GoodsTokenPaymentReferenceUsed")
        .withArgs(l.merchant.address, ref);
      expect(await l.token.balanceOf(l.bob.address)).to.equal(100_000n * UNIT);
      expect(await l.token.authorizationState(l.bob.address, ref)).to.equal(false);
    });

    describe("the free-griefing attack (issue 8): burning a merchant's request before the real payer", function () {
      it("a zero-balance registered wallet's 0-value authorization reverts with GoodsTokenZeroValueAuthorization; the real payer then pays", async function () {
        const l = await funded();
        const griefer = l.others[0];
        await (await l.token.connect(l.registrar).registerWallet(griefer.address, 1, 1, 1, 1, l.kycExpiryDay)).wait();
        expect(await l.token.balanceOf(griefer.address)).to.equal(0n);
        // Through payWithAuthorization, a 0-value payment of the request id …
        const zeroPay = await signPayment(connection, l.token, griefer, { to: l.merchant.address, value: 0n, requestId: REQUEST });
        await expect(l.token.connect(griefer).payWithAuthorization(...paymentArgs(zeroPay)))
          .to.be.revertedWithCustomError(l.token, "GoodsTokenZeroValueAuthorization")
          .withArgs(griefer.address, paymentReferenceOf(connection, l.merchant.address, 0n, REQUEST));
        // … and through plain EIP-3009 with the merchant's reference as the nonce (v1's attack).
        const ref = paymentReferenceOf(connection, l.merchant.address, 3n * UNIT, REQUEST);
        const zeroAuth = await signAuthorization(connection, l.token, griefer, "TransferWithAuthorization", { to: l.merchant.address, value: 0n, nonce: ref });
        await expect(l.token.connect(griefer).transferWithAuthorization(...authorizationArgs(zeroAuth)))
          .to.be.revertedWithCustomError(l.token, "GoodsTokenZeroValueAuthorization")
          .withArgs(griefer.address, ref);
        expect(await l.token.paymentReferenceUsed(l.merchant.address, ref)).to.equal(false);
        const real = await signPayment(connection, l.token, l.alice, { to: l.merchant.address, value: 3n * UNIT, requestId: REQUEST });
        await expect(l.token.payWithAuthorization(...paymentArgs(real))).to.changeTokenBalances(ethers, l.token, [l.alice, l.merchant], [-3n * UNIT, 3n * UNIT]);
      });

      it("a wrong-value authorization (one micro-unit) pays only its own amount and does not consume the request", async function () {
        const l = await funded();
        const ref = paymentReferenceOf(connection, l.merchant.address, 3n * UNIT, REQUEST);
        // The griefer pays 1 micro-unit "for" the request id: that is a different reference.
        const tiny = await signPayment(connection, l.token, l.bob, { to: l.merchant.address, value: 1n, requestId: REQUEST });
        await (await l.token.payWithAuthorization(...paymentArgs(tiny))).wait();
        expect(await l.token.paymentReferenceUsed(l.merchant.address, ref)).to.equal(false);
        // A plain EIP-3009 authorization using the reference as its nonce no longer touches references either.
        const plain = await signAuthorization(connection, l.token, l.bob, "TransferWithAuthorization", { to: l.merchant.address, value: 1n, nonce: ref });
        await (await l.token.transferWithAuthorization(...authorizationArgs(plain))).wait();
        expect(await l.token.paymentReferenceUsed(l.merchant.address, ref)).to.equal(false);
        // A signature for one value cannot be submitted with another (the amount the payer committed to).
        const real = await signPayment(connection, l.token, l.alice, { to: l.merchant.address, value: 3n * UNIT, requestId: REQUEST });
        await expect(l.token.payWithAuthorization(...paymentArgs({ ...real, value: 2n })))
          .to.be.revertedWithCustomError(l.token, "GoodsTokenInvalidSignature")
          .withArgs(l.alice.address);
        await expect(l.token.payWithAuthorization(...paymentArgs(real))).to.changeTokenBalances(ethers, l.token, [l.alice, l.merchant], [-3n * UNIT, 3n * UNIT]);
        expect(await l.token.paymentReferenceUsed(l.merchant.address, ref)).to.equal(true);
      });
    });

    it("a payment signature cannot be replayed through transferWithAuthorization, nor an EIP-3009 one through payWithAuthorization", async function () {
      const l = await funded();
      const ref = paymentReferenceOf(connection, l.merchant.address, UNIT, REQUEST);
      const payment = await signPayment(connection, l.token, l.alice, { to: l.merchant.address, value: UNIT, requestId: REQUEST });
      const asTransfer = [payment.from, payment.to, payment.value, payment.validAfter, payment.validBefore, ref, payment.signature.v, payment.signature.r, payment.signature.s] as const;
      await expect(l.token.transferWithAuthorization(...asTransfer)).to.be.revertedWithCustomError(l.token, "GoodsTokenInvalidSignature").withArgs(l.alice.address);
      const auth = await signAuthorization(connection, l.token, l.alice, "TransferWithAuthorization", { to: l.merchant.address, value: UNIT, nonce: REQUEST });
      await expect(l.token.payWithAuthorization(...authorizationArgs(auth))).to.be.revertedWithCustomError(l.token, "GoodsTokenInvalidSignature").withArgs(l.alice.address);
    });

    it("cancelAuthorization(from, ref) cancels a request before it is paid; a paid reference cannot be canceled", async function () {
      const l = await funded();
      const ref = paymentReferenceOf(connection, l.merchant.address, UNIT, REQUEST);
      const sig = await signCancel(connection, l.token, l.alice, ref);
      await (await l.token.cancelAuthorization(l.alice.address, ref, sig.v, sig.r, sig.s)).wait();
      const payment = await signPayment(connection, l.token, l.alice, { to: l.merchant.address, value: UNIT, requestId: REQUEST });
      await expect(l.token.payWithAuthorization(...paymentArgs(payment))).to.be.revertedWithCustomError(l.token, "GoodsTokenAuthorizationUsed").withArgs(l.alice.address, ref);
      const other = ethers.id("qr-request-8");
      const otherRef = paymentReferenceOf(connection, l.merchant.address, UNIT, other);
      await (await l.token.payWithAuthorization(...paymentArgs(await signPayment(connection, l.token, l.bob, { to: l.merchant.address, value: UNIT, requestId: other })))).wait();
      const bobSig = await signCancel(connection, l.token, l.bob, otherRef);
      await expect(l.token.cancelAuthorization(l.bob.address, otherRef, bobSig.v, bobSig.r, bobSig.s))
        .to.be.revertedWithCustomError(l.token, "GoodsTokenAuthorizationUsed")
        .withArgs(l.bob.address, otherRef);
      // And bob's plain EIP-3009 authorization with that nonce is refused as used.
      const reuse = await signAuthorization(connection, l.token, l.bob, "TransferWithAuthorization", { to: l.merchant.address, value: 1n, nonce: otherRef });
      await expect(l.token.transferWithAuthorization(...authorizationArgs(reuse))).to.be.revertedWithCustomError(l.token, "GoodsTokenAuthorizationUsed").withArgs(l.bob.address, otherRef);
    });

    it("reverts outside the window and with ERC20InvalidSender for a zero payer", async function () {
      const l = await funded();
      const now = BigInt(await networkHelpers.time.latest());
      const early = await signPayment(connection, l.token, l.alice, { to: l.merchant.address, value: 1n, validAfter: now + 1000n });
      await networkHelpers.time.setNextBlockTimestamp(now + 1n);
      await expect(l.token.payWithAuthorization(...paymentArgs(early))).to.be.revertedWithCustomError(l.token, "GoodsTokenAuthorizationNotYetValid").withArgs(now + 1000n, now + 1n);
      const late = await signPayment(connection, l.token, l.alice, { to: l.merchant.address, value: 1n, validBefore: now + 5n });
      await networkHelpers.time.increase(10);
      await expect(l.token.payWithAuthorization(...paymentArgs(late))).to.be.revertedWithCustomError(l.token, "GoodsTokenAuthorizationExpired");
      const zero = await signPayment(connection, l.token, l.alice, { from: ethers.ZeroAddress, to: l.merchant.address, value: 1n });
      await expect(l.token.payWithAuthorization(...paymentArgs(zero))).to.be.revertedWithCustomError(l.token, "ERC20InvalidSender").withArgs(ethers.ZeroAddress);
    });
  });

  describe("lots seen through the token", function () {
    it("a disputed lot counts out of reserves until resolved", async function () {
      const l = await funded();
      await (await l.reserveRegistry.connect(l.auditor).disputeLot(l.lotB, REASON)).wait();
      expect((await l.reserveRegistry.lotInfo(l.lotB)).status).to.equal(LotStatus.Disputed);
      expect(await l.reserveRegistry.validReserves()).to.equal(10_000_000n * UNIT);
      await (await l.reserveRegistry.connect(l.auditor).resolveDispute(l.lotB, REASON)).wait();
      expect(await l.reserveRegistry.validReserves()).to.equal(12_000_000n * UNIT);
      await expect(l.token.connect(l.issuer).issue(l.lotB, l.merchant.address, UNIT, REF)).to.changeTokenBalances(ethers, l.token, [l.merchant], [UNIT]);
    });
  });
});
