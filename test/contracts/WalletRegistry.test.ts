import { expect } from "chai";
import { network } from "hardhat";
import { DAY, UNIT, WalletRole, WalletStatus, currentDay, ledgerFixtures } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { deployLedgerFixture, fundedLedgerFixture } = ledgerFixtures(connection);

const REASON = ethers.encodeBytes32String("KYC-UPGRADE");
const ALIAS = ethers.id("hmac:+234800000001");
const MAX64 = 2n ** 64n - 1n;

function funded() {
  return networkHelpers.loadFixture(fundedLedgerFixture);
}

async function deployed() {
  const l = await networkHelpers.loadFixture(deployLedgerFixture);
  const day = await currentDay(connection);
  return { ...l, asRegistrar: l.token.connect(l.registrar), asCompliance: l.token.connect(l.compliance), day };
}

describe("WalletRegistry (in GoodsToken)", function () {
  describe("registerWallet", function () {
    it("writes the record and emits WalletRegistered", async function () {
      const { asRegistrar, registrar, users, day, token } = await deployed();
      const [w] = users;
      await expect(asRegistrar.registerWallet(w.address, WalletRole.Merchant, 2, 7, 3, day + 30n))
        .to.emit(token, "WalletRegistered")
        .withArgs(w.address, registrar.address, WalletRole.Merchant, 2, 7, 3, day + 30n);
      const wallet = await token.walletOf(w.address);
      expect(wallet.status).to.equal(WalletStatus.Active);
      expect(wallet.role).to.equal(WalletRole.Merchant);
      expect(wallet.tier).to.equal(2n);
      expect(wallet.region).to.equal(7n);
      expect(wallet.institution).to.equal(3n);
      expect(wallet.kycExpiryDay).to.equal(day + 30n);
      expect(wallet.denylisted).to.equal(false);
      expect(wallet.balance).to.equal(0n);
    });

    it("keeps a denylist flag set before registration", async function () {
      const { asRegistrar, registrar, asCompliance, compliance, users, day, token } = await deployed();
      await (await asCompliance.denylist(users[0].address, REASON)).wait();
      await (await asRegistrar.registerWallet(users[0].address, WalletRole.Individual, 1, 1, 1, day + 30n)).wait();
      expect((await token.walletOf(users[0].address)).denylisted).to.equal(true);
    });

    it("packs the record into the balance's storage word, as docs/DESIGN.md §1 lays it out", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      const day = await currentDay(connection);
      // _accounts is PackedERC20's first state variable: slot 0.
      const slot = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [l.alice.address, 0]));
      await (await l.token.connect(l.alice).transfer(l.bob.address, 7n * UNIT)).wait();
      const word = BigInt(await ethers.provider.getStorage(await l.token.getAddress(), slot));
      const field = (from: number, bits: number) => (word >> BigInt(from)) & ((1n << BigInt(bits)) - 1n);
      expect(field(0, 96)).to.equal(99_993n * UNIT); // balance
      expect(field(96, 64)).to.equal(7n * UNIT); // spentToday
      expect(field(160, 24)).to.equal(day); // spentDay
      expect(field(184, 24)).to.equal(l.kycExpiryDay); // kycExpiryDay
      expect(field(208, 8)).to.equal(1n); // tier
      expect(field(216, 2)).to.equal(BigInt(WalletStatus.Active)); // status
      expect(field(218, 3)).to.equal(BigInt(WalletRole.Individual)); // role
      expect(field(221, 1)).to.equal(0n); // denylisted
      expect(field(224, 16)).to.equal(1n); // region
      expect(field(240, 16)).to.equal(1n); // institution
    });

    it("reverts with WalletRegistryInvalidAccount for the zero address", async function () {
      const { asRegistrar, registrar, day, token } = await deployed();
      await expect(asRegistrar.registerWallet(ethers.ZeroAddress, 1, 1, 1, 1, day + 30n))
        .to.be.revertedWithCustomError(token, "WalletRegistryInvalidAccount")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts with WalletRegistryWalletAlreadyRegistered, also for a closed wallet", async function () {
      const { asRegistrar, registrar, users, day, token } = await deployed();
      await (await asRegistrar.registerWallet(users[0].address, 1, 1, 1, 1, day + 30n)).wait();
      await expect(asRegistrar.registerWallet(users[0].address, 1, 1, 1, 1, day + 30n))
        .to.be.revertedWithCustomError(token, "WalletRegistryWalletAlreadyRegistered")
        .withArgs(users[0].address);
      await (await asRegistrar.closeWallet(users[0].address, REASON)).wait();
      await expect(asRegistrar.registerWallet(users[0].address, 1, 1, 1, 1, day + 30n))
        .to.be.revertedWithCustomError(token, "WalletRegistryWalletAlreadyRegistered")
        .withArgs(users[0].address);
    });

    for (const role of [0, 5]) {
      it(`reverts with WalletRegistryInvalidRole for role ${role}`, async function () {
        const { asRegistrar, registrar, users, day, token } = await deployed();
        await expect(asRegistrar.registerWallet(users[0].address, role, 1, 1, 1, day + 30n))
          .to.be.revertedWithCustomError(token, "WalletRegistryInvalidRole")
          .withArgs(role);
      });
    }

    it("reverts with WalletRegistryUnknownTier for a tier without limits", async function () {
      const { asRegistrar, registrar, users, day, token } = await deployed();
      await expect(asRegistrar.registerWallet(users[0].address, 1, 9, 1, 1, day + 30n))
        .to.be.revertedWithCustomError(token, "WalletRegistryUnknownTier")
        .withArgs(9);
    });

    it("reverts with WalletRegistryInvalidKycExpiry for an expiry day not after today", async function () {
      const { asRegistrar, registrar, users, day, token } = await deployed();
      await expect(asRegistrar.registerWallet(users[0].address, 1, 1, 1, 1, day))
        .to.be.revertedWithCustomError(token, "WalletRegistryInvalidKycExpiry")
        .withArgs(day, day);
    });
  });

  describe("registerWallets", function () {
    it("registers every entry", async function () {
      const { asRegistrar, registrar, users, day, token } = await deployed();
      const entries = users.slice(0, 3).map((u, i) => ({ account: u.address, role: 1, tier: 1 + i, region: i, institution: 1, kycExpiryDay: day + 10n }));
      const tx = asRegistrar.registerWallets(entries);
      for (const e of entries) await expect(tx).to.emit(token, "WalletRegistered").withArgs(e.account, registrar.address, 1, e.tier, e.region, 1, day + 10n);
      for (const e of entries) expect((await token.walletOf(e.account)).tier).to.equal(BigInt(e.tier));
    });

    it("is all or nothing", async function () {
      const { asRegistrar, registrar, users, day, token } = await deployed();
      const entries = [
        { account: users[0].address, role: 1, tier: 1, region: 1, institution: 1, kycExpiryDay: day + 10n },
        { account: users[1].address, role: 1, tier: 42, region: 1, institution: 1, kycExpiryDay: day + 10n },
      ];
      await expect(asRegistrar.registerWallets(entries)).to.be.revertedWithCustomError(token, "WalletRegistryUnknownTier").withArgs(42);
      expect((await token.walletOf(users[0].address)).status).to.equal(WalletStatus.Unregistered);
    });

    it("reverts with WalletRegistryEmptyBatch", async function () {
      const { asRegistrar, registrar, token } = await deployed();
      await expect(asRegistrar.registerWallets([])).to.be.revertedWithCustomError(token, "WalletRegistryEmptyBatch");
    });
  });

  describe("updateWallet", function () {
    it("changes the record, keeps balance, status and today's outflow, and emits WalletUpdated", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      await (await l.token.connect(l.alice).transfer(l.bob.address, 5n * UNIT)).wait();
      await (await l.token.connect(l.compliance).freezeWallet(l.alice.address, REASON)).wait();
      const day = await currentDay(connection);
      await expect(l.token.connect(l.registrar).updateWallet(l.alice.address, WalletRole.Agent, 2, 9, 4, day + 99n, REASON))
        .to.emit(l.token, "WalletUpdated")
        .withArgs(l.alice.address, l.registrar.address, WalletRole.Agent, 2, 9, 4, day + 99n, REASON);
      const w = await l.token.walletOf(l.alice.address);
      expect([w.role, w.tier, w.region, w.institution, w.kycExpiryDay]).to.deep.equal([BigInt(WalletRole.Agent), 2n, 9n, 4n, day + 99n]);
      expect(w.status).to.equal(WalletStatus.Frozen);
      expect(w.balance).to.equal(99_995n * UNIT);
      expect(w.spentToday).to.equal(5n * UNIT);
    });

    it("reverts with WalletRegistryWalletNotRegistered or WalletRegistryWalletClosed", async function () {
      const { asRegistrar, registrar, users, day, token } = await deployed();
      await expect(asRegistrar.updateWallet(users[0].address, 1, 1, 1, 1, day + 5n, REASON))
        .to.be.revertedWithCustomError(token, "WalletRegistryWalletNotRegistered")
        .withArgs(users[0].address);
      await (await asRegistrar.registerWallet(users[0].address, 1, 1, 1, 1, day + 5n)).wait();
      await (await asRegistrar.closeWallet(users[0].address, REASON)).wait();
      await expect(asRegistrar.updateWallet(users[0].address, 1, 1, 1, 1, day + 5n, REASON))
        .to.be.revertedWithCustomError(token, "WalletRegistryWalletClosed")
        .withArgs(users[0].address);
    });

    it("validates like registration", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      const r = l.token.connect(l.registrar);
      await expect(r.updateWallet(l.alice.address, 0, 1, 1, 1, l.kycExpiryDay, REASON)).to.be.revertedWithCustomError(l.token, "WalletRegistryInvalidRole");
      await expect(r.updateWallet(l.alice.address, 1, 77, 1, 1, l.kycExpiryDay, REASON)).to.be.revertedWithCustomError(l.token, "WalletRegistryUnknownTier");
      await expect(r.updateWallet(l.alice.address, 1, 1, 1, 1, 1n, REASON)).to.be.revertedWithCustomError(l.token, "WalletRegistryInvalidKycExpiry");
    });
  });

  describe("linkAlias", function () {
    it("links, looks up, and replaces the previous alias", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      const r = l.token.connect(l.registrar);
      await expect(r.linkAlias(l.alice.address, ALIAS)).to.emit(l.token, "AliasLinked").withArgs(l.alice.address, ALIAS, l.registrar.address);
      expect(await l.token.walletByAlias(ALIAS)).to.equal(l.alice.address);
      expect((await l.token.walletOf(l.alice.address)).aliasCommitment).to.equal(ALIAS);
      const next = ethers.id("hmac:+234800000002");
      const tx = r.linkAlias(l.alice.address, next);
      await expect(tx).to.emit(l.token, "AliasUnlinked").withArgs(l.alice.address, ALIAS, l.registrar.address);
      await expect(tx).to.emit(l.token, "AliasLinked").withArgs(l.alice.address, next, l.registrar.address);
      expect(await l.token.walletByAlias(ALIAS)).to.equal(ethers.ZeroAddress);
      expect(await l.token.walletByAlias(next)).to.equal(l.alice.address);
    });

    it("reverts with WalletRegistryAliasTaken when another wallet (or the same) holds it", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      const r = l.token.connect(l.registrar);
      await (await r.linkAlias(l.alice.address, ALIAS)).wait();
      await expect(r.linkAlias(l.bob.address, ALIAS)).to.be.revertedWithCustomError(l.token, "WalletRegistryAliasTaken").withArgs(ALIAS, l.alice.address);
      await expect(r.linkAlias(l.alice.address, ALIAS)).to.be.revertedWithCustomError(l.token, "WalletRegistryAliasTaken").withArgs(ALIAS, l.alice.address);
    });

    it("reverts with WalletRegistryInvalidAlias for zero, and WalletRegistryWalletNotRegistered for an unknown wallet", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      const r = l.token.connect(l.registrar);
      await expect(r.linkAlias(l.alice.address, ethers.ZeroHash)).to.be.revertedWithCustomError(l.token, "WalletRegistryInvalidAlias").withArgs(ethers.ZeroHash);
      await expect(r.linkAlias(l.others[0].address, ALIAS)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletNotRegistered");
    });
  });

  describe("closeWallet", function () {
    it("closes an empty wallet, unlinks its alias and emits WalletClosed", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      const r = l.token.connect(l.registrar);
      await (await r.linkAlias(l.merchant.address, ALIAS)).wait();
      const tx = r.closeWallet(l.merchant.address, REASON);
      await expect(tx).to.emit(l.token, "AliasUnlinked").withArgs(l.merchant.address, ALIAS, l.registrar.address);
      await expect(tx).to.emit(l.token, "WalletClosed").withArgs(l.merchant.address, l.registrar.address, REASON);
      expect((await l.token.walletOf(l.merchant.address)).status).to.equal(WalletStatus.Closed);
      expect(await l.token.walletByAlias(ALIAS)).to.equal(ethers.ZeroAddress);
    });

    it("reverts with WalletRegistryBalanceNotZero for a wallet holding tokens", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      await expect(l.token.connect(l.registrar).closeWallet(l.alice.address, REASON))
        .to.be.revertedWithCustomError(l.token, "WalletRegistryBalanceNotZero")
        .withArgs(l.alice.address, 100_000n * UNIT);
    });

    it("reverts with WalletRegistryWalletClosed when already closed", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      const r = l.token.connect(l.registrar);
      await (await r.closeWallet(l.merchant.address, REASON)).wait();
      await expect(r.closeWallet(l.merchant.address, REASON)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletClosed");
    });
  });

  describe("freezeWallet / unfreezeWallet", function () {
    it("freezes and unfreezes with reason codes, while paused too", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      const c = l.token.connect(l.compliance);
      await (await l.token.connect(l.pauser).pause()).wait();
      await expect(c.freezeWallet(l.alice.address, REASON)).to.emit(l.token, "WalletFrozen").withArgs(l.alice.address, l.compliance.address, REASON);
      expect((await l.token.walletOf(l.alice.address)).status).to.equal(WalletStatus.Frozen);
      await expect(c.unfreezeWallet(l.alice.address, REASON)).to.emit(l.token, "WalletUnfrozen").withArgs(l.alice.address, l.compliance.address, REASON);
      expect((await l.token.walletOf(l.alice.address)).status).to.equal(WalletStatus.Active);
    });

    it("names the status that forbids it", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      const c = l.token.connect(l.compliance);
      await expect(c.unfreezeWallet(l.alice.address, REASON)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletNotFrozen").withArgs(l.alice.address);
      await (await c.freezeWallet(l.alice.address, REASON)).wait();
      await expect(c.freezeWallet(l.alice.address, REASON)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletFrozen").withArgs(l.alice.address);
      await expect(c.freezeWallet(l.others[0].address, REASON)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletNotRegistered");
      await expect(c.unfreezeWallet(l.others[0].address, REASON)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletNotRegistered");
      await (await l.token.connect(l.registrar).closeWallet(l.merchant.address, REASON)).wait();
      await expect(c.freezeWallet(l.merchant.address, REASON)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletClosed");
      await expect(c.unfreezeWallet(l.merchant.address, REASON)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletClosed");
    });
  });

  describe("denylist / removeFromDenylist", function () {
    it("sets and clears the flag with events", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      const c = l.token.connect(l.compliance);
      await expect(c.denylist(l.bob.address, REASON)).to.emit(l.token, "WalletDenylisted").withArgs(l.bob.address, l.compliance.address, REASON);
      expect((await l.token.walletOf(l.bob.address)).denylisted).to.equal(true);
      await expect(c.removeFromDenylist(l.bob.address, REASON)).to.emit(l.token, "WalletDenylistCleared").withArgs(l.bob.address, l.compliance.address, REASON);
      expect((await l.token.walletOf(l.bob.address)).denylisted).to.equal(false);
      await expect(l.token.connect(l.alice).transfer(l.bob.address, 1n)).to.changeTokenBalances(ethers, l.token, [l.bob], [1n]);
    });

    it("reverts with WalletRegistryWalletDenylisted, WalletRegistryWalletNotDenylisted, WalletRegistryInvalidAccount", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      const c = l.token.connect(l.compliance);
      await (await c.denylist(l.bob.address, REASON)).wait();
      await expect(c.denylist(l.bob.address, REASON)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletDenylisted").withArgs(l.bob.address);
      await expect(c.removeFromDenylist(l.alice.address, REASON)).to.be.revertedWithCustomError(l.token, "WalletRegistryWalletNotDenylisted").withArgs(l.alice.address);
      await expect(c.denylist(ethers.ZeroAddress, REASON)).to.be.revertedWithCustomError(l.token, "WalletRegistryInvalidAccount").withArgs(ethers.ZeroAddress);
    });
  });

  describe("setTierLimits", function () {
    it("sets the limits and emits TierLimitsSet", async function () {
      const { asCompliance, compliance, token } = await deployed();
      await expect(asCompliance.setTierLimits(4, 10n, 5n, 7n)).to.emit(token, "TierLimitsSet").withArgs(4, 10n, 5n, 7n, compliance.address);
      const t = await token.tierLimits(4);
      expect([t.maxBalance, t.maxTransfer, t.dailyOutflow]).to.deep.equal([10n, 5n, 7n]);
    });

    it("a tier configured while paused is paused too", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      await (await l.token.connect(l.pauser).pause()).wait();
      await (await l.token.connect(l.compliance).setTierLimits(5, MAX64, MAX64, MAX64)).wait();
      await (await l.token.connect(l.registrar).updateWallet(l.alice.address, 1, 5, 1, 1, l.kycExpiryDay, REASON)).wait();
      await expect(l.token.connect(l.alice).transfer(l.bob.address, 1n)).to.be.revertedWithCustomError(l.token, "GoodsTokenPaused");
      await (await l.token.connect(l.pauser).unpause()).wait();
      await expect(l.token.connect(l.alice).transfer(l.bob.address, 1n)).to.changeTokenBalances(ethers, l.token, [l.bob], [1n]);
    });

    it("reverts with WalletRegistryInvalidTierLimits when a limit is zero", async function () {
      const { asCompliance, compliance, token } = await deployed();
      await expect(asCompliance.setTierLimits(4, 0n, 5n, 7n)).to.be.revertedWithCustomError(token, "WalletRegistryInvalidTierLimits").withArgs(4, 0n, 5n, 7n);
      await expect(asCompliance.setTierLimits(4, 1n, 0n, 7n)).to.be.revertedWithCustomError(token, "WalletRegistryInvalidTierLimits");
      await expect(asCompliance.setTierLimits(4, 1n, 5n, 0n)).to.be.revertedWithCustomError(token, "WalletRegistryInvalidTierLimits");
    });
  });

  describe("views", function () {
    it("remainingDailyOutflow resets on a new UTC day and is 0 for an unregistered address", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      await (await l.token.connect(l.alice).transfer(l.bob.address, 30_000n * UNIT)).wait();
      expect(await l.token.remainingDailyOutflow(l.alice.address)).to.equal(70_000n * UNIT);
      await networkHelpers.time.increase(DAY);
      expect(await l.token.remainingDailyOutflow(l.alice.address)).to.equal(100_000n * UNIT);
      expect(await l.token.remainingDailyOutflow(l.others[0].address)).to.equal(0n);
    });

    describe("remainingDailyOutflow is 0 for a wallet that cannot send (issue 8: it reported the full allowance)", function () {
      const cases = {
        frozen: async (l: Awaited<ReturnType<typeof funded>>) => (await l.token.connect(l.compliance).freezeWallet(l.alice.address, REASON)).wait(),
        denylisted: async (l: Awaited<ReturnType<typeof funded>>) => (await l.token.connect(l.compliance).denylist(l.alice.address, REASON)).wait(),
        paused: async (l: Awaited<ReturnType<typeof funded>>) => (await l.token.connect(l.pauser).pause()).wait(),
        "KYC-expired": async (l: Awaited<ReturnType<typeof funded>>) => {
          const day = await currentDay(connection);
          await (await l.token.connect(l.registrar).updateWallet(l.alice.address, WalletRole.Individual, 1, 1, 1, day + 1n, REASON)).wait();
          await networkHelpers.time.increase(DAY);
        },
      } as const;
      const errors: Record<keyof typeof cases, string> = {
        frozen: "WalletRegistryWalletFrozen",
        denylisted: "WalletRegistryWalletDenylisted",
        paused: "GoodsTokenPaused",
        "KYC-expired": "WalletRegistryKycExpired",
      };
      for (const [name, block] of Object.entries(cases) as Array<[keyof typeof cases, (typeof cases)[keyof typeof cases]]>) {
        it(`${name}: 0, and a transfer reverts with ${errors[name]}`, async function () {
          const l = await funded();
          expect(await l.token.remainingDailyOutflow(l.alice.address)).to.equal(100_000n * UNIT);
          await block(l);
          expect(await l.token.remainingDailyOutflow(l.alice.address)).to.equal(0n);
          await expect(l.token.connect(l.alice).transfer(l.bob.address, 1n)).to.be.revertedWithCustomError(l.token, errors[name]);
        });
      }
    });

    it("remainingDailyOutflow is 0 once a lowered limit is used up", async function () {
      const l = await networkHelpers.loadFixture(fundedLedgerFixture);
      await (await l.token.connect(l.alice).transfer(l.bob.address, 30_000n * UNIT)).wait();
      await (await l.token.connect(l.compliance).setTierLimits(1, 300_000n * UNIT, 50_000n * UNIT, 20_000n * UNIT)).wait();
      expect(await l.token.remainingDailyOutflow(l.alice.address)).to.equal(0n);
      await expect(l.token.connect(l.alice).transfer(l.bob.address, 1n))
        .to.be.revertedWithCustomError(l.token, "WalletRegistryDailyLimitExceeded")
        .withArgs(l.alice.address, 1, 0n, 1n);
    });

    it("currentDay is the UTC day number", async function () {
      const { token } = await deployed();
      expect(await token.currentDay()).to.equal(BigInt(await networkHelpers.time.latest()) / DAY);
    });
  });
});
