import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, parseEventLogs, stringToHex, zeroAddress, type Address, type Hex } from "viem";
import {
  AccountRequiredError,
  AliasTakenError,
  BalanceNotZeroError,
  getLot,
  goodsTokenAbi,
  InvalidKycExpiryError,
  InvalidTierLimitsError,
  LotCapacityExceededError,
  LotDisputedError,
  LotExistsError,
  LotNotDisputedError,
  LotOutstandingError,
  lotId,
  RedemptionExceedsOutstandingError,
  RegistrationBatchEmptyError,
  ReservesExceededError,
  roles,
  TokenNotPausedError,
  TokenPausedError,
  UnauthorizedAccountError,
  UnknownLotError,
  UnknownTierError,
  WalletAlreadyRegisteredError,
  WalletClosedError,
  WalletDenylistedError,
  WalletFrozenError,
  WalletNotDenylistedError,
  WalletNotFrozenError,
  WalletNotRegisteredError,
  ZeroAmountError,
  type LedgerClient,
} from "@goods-ledger/sdk";
import { rejectionOf, sdkLedgerLoader, type SdkLedger } from "./helpers.js";

const connection = await network.create();
const { networkHelpers } = connection;
const load = sdkLedgerLoader(connection);
const DAY = 86_400;

/** Sends, waits, and returns the decoded token events of the receipt. */
async function mined(client: LedgerClient, hash: Promise<Hex>) {
  const receipt = await client.waitForTransaction({ hash: await hash });
  return parseEventLogs({ abi: goodsTokenAbi, logs: receipt.logs });
}

describe("sdk actions (in-process Hardhat network)", function () {
  let l: SdkLedger;
  let as: (signer: { address: string }) => LedgerClient;
  let alice: Address, bob: Address, merchant: Address, stranger: Address;
  beforeEach(async function () {
    l = await load();
    ({ as } = l);
    ({ alice, bob, merchant, stranger } = l.addresses);
  });

  describe("token reads", function () {
    it("getBalance, getTotalSupply, getOutstandingSupply and getTokenMetadata read decimal strings", async function () {
      expect(await l.reader.getBalance({ account: alice })).to.equal("100000");
      expect(await l.reader.getBalance({ account: stranger })).to.equal("0");
      expect(await l.reader.getTotalSupply()).to.equal("1000000");
      expect(await l.reader.getOutstandingSupply()).to.equal("1000000");
      expect(await l.reader.getTokenMetadata()).to.deep.equal({ name: "Goods Ledger Token", symbol: "GLT", decimals: 6 });
    });

    it("reads at a given block", async function () {
      const before = await connection.provider.request({ method: "eth_blockNumber" });
      await mined(as(l.alice), as(l.alice).transfer({ to: bob, amount: "1" }));
      expect(await l.reader.getBalance({ account: alice })).to.equal("99999");
      expect(await l.reader.getBalance({ account: alice, blockNumber: BigInt(before as string) })).to.equal("100000");
    });

    it("getWallet returns the registry record, and `unregistered` for an unknown address", async function () {
      const record = await l.reader.getWallet({ account: alice });
      expect(record).to.include({ account: alice, status: "active", role: "individual", tier: 1, denylisted: false, region: 1, institution: 1, balance: "100000" });
      expect(record.kycExpiryDay).to.equal(Number(l.kycExpiryDay));
      expect(record.aliasCommitment).to.equal(undefined);
      expect(await l.reader.getWallet({ account: merchant })).to.include({ role: "merchant", tier: 3 });
      expect(await l.reader.getWallet({ account: stranger })).to.include({ status: "unregistered", role: "none", balance: "0" });
    });

    it("getTierLimits reads limits, null for unlimited, and flags an unconfigured tier", async function () {
      expect(await l.reader.getTierLimits({ tier: 1 })).to.deep.equal({ tier: 1, configured: true, maxBalance: "300000", maxTransfer: "50000", dailyOutflow: "100000" });
      expect(await l.reader.getTierLimits({ tier: 3 })).to.deep.equal({ tier: 3, configured: true, maxBalance: null, maxTransfer: null, dailyOutflow: null });
      expect(await l.reader.getTierLimits({ tier: 9 })).to.include({ configured: false, maxBalance: "0" });
    });

    it("getCurrentDay is the chain's UTC day", async function () {
      const latest = await networkHelpers.time.latest();
      expect(await l.reader.getCurrentDay()).to.equal(Math.floor(latest / DAY));
    });

    it("getTokenDomain reads the EIP-712 domain and checks it against DOMAIN_SEPARATOR", async function () {
      const domain = await l.reader.getTokenDomain();
      expect(domain).to.include({ name: "Goods Ledger Token", version: "1", chainId: 31337, verifyingContract: l.deployment.contracts.token });
      expect(domain.separator).to.equal(await l.token.DOMAIN_SEPARATOR());
    });

    it("isPaused, hasRole, getRoleAdmin and supportsInterface", async function () {
      expect(await l.reader.isPaused()).to.equal(false);
      expect(await l.reader.hasRole({ role: "ISSUER_ROLE", account: l.issuer.address as Address })).to.equal(true);
      expect(await l.reader.hasRole({ role: roles.ISSUER_ROLE, account: alice })).to.equal(false);
      expect(await l.reader.hasRole({ role: "CUSTODIAN_ROLE", account: l.custodian.address as Address })).to.equal(true);
      expect(await l.reader.hasRole({ role: "DEFAULT_ADMIN_ROLE", account: l.admin.address as Address, contract: "reserveRegistry" })).to.equal(true);
      expect(await l.reader.getRoleAdmin({ role: "PAUSER_ROLE" })).to.equal(roles.DEFAULT_ADMIN_ROLE);
      expect(await l.reader.getRoleAdmin({ role: "AUDITOR_ROLE" })).to.equal(roles.DEFAULT_ADMIN_ROLE);
      expect(await l.reader.supportsInterface({ interfaceId: "0x7965db0b" })).to.equal(true); // IAccessControl
      expect(await l.reader.supportsInterface({ interfaceId: "0x7965db0b", contract: "reserveRegistry" })).to.equal(true);
      expect(await l.reader.supportsInterface({ interfaceId: "0xffffffff" })).to.equal(false);
    });
  });

  describe("limit left today", function () {
    it("mirrors remainingDailyOutflow, caps `sendable` by the single-transfer limit and the balance", async function () {
      await mined(as(l.alice), as(l.alice).transfer({ to: bob, amount: "30000" }));
      const left = await l.reader.getLimitLeftToday({ account: alice });
      expect(left).to.include({ tier: 1, spentToday: "30000", leftToday: "70000", maxTransfer: "50000", balance: "70000", sendable: "50000" });
      expect(await l.reader.getRemainingDailyOutflow({ account: alice })).to.equal("70000");
      await mined(as(l.alice), as(l.alice).transfer({ to: bob, amount: "45000" }));
      expect(await l.reader.getLimitLeftToday({ account: alice })).to.include({ leftToday: "25000", balance: "25000", sendable: "25000" });
      expect(await l.reader.getRemainingDailyOutflow({ account: alice })).to.equal("25000");
    });

    it("resets on the next UTC day, as the contract does", async function () {
      await mined(as(l.alice), as(l.alice).transfer({ to: bob, amount: "40000" }));
      await networkHelpers.time.increase(DAY);
      await networkHelpers.mine();
      const left = await l.reader.getLimitLeftToday({ account: alice });
      expect(left).to.include({ spentToday: "0", leftToday: "100000" });
      expect(left.day).to.equal(Math.floor((await networkHelpers.time.latest()) / DAY));
      expect(await l.reader.getRemainingDailyOutflow({ account: alice })).to.equal("100000");
    });

    it("is unlimited (null) on tier 3, zero for an unregistered wallet, and nothing is sendable from a frozen one", async function () {
      expect(await l.reader.getLimitLeftToday({ account: l.issuer.address as Address })).to.include({ leftToday: null, maxTransfer: null, sendable: "800000" });
      expect(await l.reader.getLimitLeftToday({ account: stranger })).to.include({ leftToday: "0", sendable: "0" });
      expect(await l.reader.getRemainingDailyOutflow({ account: stranger })).to.equal("0");
      await mined(as(l.compliance), as(l.compliance).freezeWallet({ account: alice, reasonCode: "SANCTIONS_HIT" }));
      expect(await l.reader.getLimitLeftToday({ account: alice })).to.include({ leftToday: "100000", sendable: "0" });
    });
  });

  describe("wallet registry", function () {
    const wallet = (account: Address, tier = 1) => ({ account, role: "individual" as const, tier, region: 7, institution: 2, kycExpiryDay: Number(l.kycExpiryDay) });

    it("registerWallet registers (WalletRegistered) and refuses a second registration", async function () {
      const events = await mined(as(l.registrar), as(l.registrar).registerWallet(wallet(stranger)));
      expect(events.map((e) => e.eventName)).to.include("WalletRegistered");
      expect(await l.reader.getWallet({ account: stranger })).to.include({ status: "active", role: "individual", tier: 1, region: 7, institution: 2 });
      const error = await rejectionOf(as(l.registrar).registerWallet(wallet(stranger)));
      expect(error).to.be.instanceOf(WalletAlreadyRegisteredError);
      expect((error as WalletAlreadyRegisteredError).args.account).to.equal(stranger);
    });

    it("registerWallet refuses an unknown tier, a past KYC expiry, and a caller without REGISTRAR_ROLE", async function () {
      expect(await rejectionOf(as(l.registrar).registerWallet(wallet(stranger, 9)))).to.be.instanceOf(UnknownTierError);
      expect(await rejectionOf(as(l.registrar).registerWallet({ ...wallet(stranger), kycExpiryDay: 1 }))).to.be.instanceOf(InvalidKycExpiryError);
      const error = await rejectionOf(as(l.alice).registerWallet(wallet(stranger)));
      expect(error).to.be.instanceOf(UnauthorizedAccountError);
      expect((error as UnauthorizedAccountError).args).to.deep.equal({ account: alice, neededRole: roles.REGISTRAR_ROLE });
      expect((error as UnauthorizedAccountError).shortMessage).to.equal(`${alice} does not hold REGISTRAR_ROLE`);
    });

    it("registerWallets registers all or none, and refuses an empty batch", async function () {
      const [a, b] = [l.others[1]!, l.others[2]!].map((s) => s.address as Address);
      await mined(as(l.registrar), as(l.registrar).registerWallets({ wallets: [wallet(a), wallet(b, 2)] }));
      expect((await l.reader.getWallet({ account: b })).tier).to.equal(2);
      expect(await rejectionOf(as(l.registrar).registerWallets({ wallets: [wallet(stranger), wallet(a)] }))).to.be.instanceOf(WalletAlreadyRegisteredError);
      expect((await l.reader.getWallet({ account: stranger })).status).to.equal("unregistered");
      expect(await rejectionOf(as(l.registrar).registerWallets({ wallets: [] }))).to.be.instanceOf(RegistrationBatchEmptyError);
    });

    it("updateWallet changes the record and keeps the balance", async function () {
      await mined(as(l.registrar), as(l.registrar).updateWallet({ ...wallet(alice, 2), role: "agent", reasonCode: "KYC_UPGRADE" }));
      expect(await l.reader.getWallet({ account: alice })).to.include({ tier: 2, role: "agent", region: 7, balance: "100000" });
      expect(await rejectionOf(as(l.registrar).updateWallet({ ...wallet(stranger), reasonCode: "X" }))).to.be.instanceOf(WalletNotRegisteredError);
    });

    it("linkAlias links a commitment, getWalletByAlias finds it, and a taken alias is refused", async function () {
      const commitment = keccak256(stringToHex("bank-secret:+254700000001"));
      await mined(as(l.registrar), as(l.registrar).linkAlias({ account: alice, aliasCommitment: commitment }));
      expect(await l.reader.getWalletByAlias({ aliasCommitment: commitment })).to.equal(alice);
      expect((await l.reader.getWallet({ account: alice })).aliasCommitment).to.equal(commitment);
      expect(await l.reader.getWalletByAlias({ aliasCommitment: keccak256("0x01") })).to.equal(undefined);
      const error = await rejectionOf(as(l.registrar).linkAlias({ account: bob, aliasCommitment: commitment }));
      expect(error).to.be.instanceOf(AliasTakenError);
      expect((error as AliasTakenError).args.holder).to.equal(alice);
    });

    it("closeWallet closes an empty wallet for good and refuses one with a balance", async function () {
      const error = await rejectionOf(as(l.registrar).closeWallet({ account: alice, reasonCode: "CUSTOMER_REQUEST" }));
      expect(error).to.be.instanceOf(BalanceNotZeroError);
      expect((error as BalanceNotZeroError).args.balance).to.equal(100_000_000_000n);
      await mined(as(l.registrar), as(l.registrar).closeWallet({ account: merchant, reasonCode: "CUSTOMER_REQUEST" }));
      expect((await l.reader.getWallet({ account: merchant })).status).to.equal("closed");
      expect(await rejectionOf(as(l.alice).transfer({ to: merchant, amount: "1" }))).to.be.instanceOf(WalletClosedError);
    });

    it("freezeWallet / unfreezeWallet stop and restore a wallet, each refusing the wrong state", async function () {
      const compliance = as(l.compliance);
      const events = await mined(compliance, compliance.freezeWallet({ account: alice, reasonCode: "SANCTIONS_HIT" }));
      expect(events.find((e) => e.eventName === "WalletFrozen")?.args).to.include({ account: alice, reasonCode: stringToHex("SANCTIONS_HIT", { size: 32 }) });
      expect((await l.reader.getWallet({ account: alice })).status).to.equal("frozen");
      expect(await rejectionOf(as(l.alice).transfer({ to: bob, amount: "1" }))).to.be.instanceOf(WalletFrozenError);
      expect(await rejectionOf(compliance.freezeWallet({ account: alice, reasonCode: "AGAIN" }))).to.be.instanceOf(WalletFrozenError);
      await mined(compliance, compliance.unfreezeWallet({ account: alice, reasonCode: "CLEARED" }));
      await mined(as(l.alice), as(l.alice).transfer({ to: bob, amount: "1" }));
      expect(await rejectionOf(compliance.unfreezeWallet({ account: alice, reasonCode: "CLEARED" }))).to.be.instanceOf(WalletNotFrozenError);
    });

    it("denylist / removeFromDenylist block and restore an address, each refusing the wrong state", async function () {
      const compliance = as(l.compliance);
      await mined(compliance, compliance.denylist({ account: bob, reasonCode: "OFAC" }));
      expect((await l.reader.getWallet({ account: bob })).denylisted).to.equal(true);
      const error = await rejectionOf(as(l.alice).transfer({ to: bob, amount: "1" }));
      expect(error).to.be.instanceOf(WalletDenylistedError);
      expect((error as WalletDenylistedError).args.account).to.equal(bob);
      expect(await rejectionOf(compliance.denylist({ account: bob, reasonCode: "OFAC" }))).to.be.instanceOf(WalletDenylistedError);
      await mined(compliance, compliance.removeFromDenylist({ account: bob, reasonCode: "FALSE_POSITIVE" }));
      await mined(as(l.alice), as(l.alice).transfer({ to: bob, amount: "1" }));
      expect(await rejectionOf(compliance.removeFromDenylist({ account: bob, reasonCode: "X" }))).to.be.instanceOf(WalletNotDenylistedError);
    });

    it("setTierLimits sets limits (null = unlimited) and refuses a zero limit", async function () {
      const compliance = as(l.compliance);
      await mined(compliance, compliance.setTierLimits({ tier: 4, maxBalance: "1000", maxTransfer: "250", dailyOutflow: null }));
      expect(await l.reader.getTierLimits({ tier: 4 })).to.deep.equal({ tier: 4, configured: true, maxBalance: "1000", maxTransfer: "250", dailyOutflow: null });
      expect(await rejectionOf(compliance.setTierLimits({ tier: 4, maxBalance: "0", maxTransfer: "1", dailyOutflow: "1" }))).to.be.instanceOf(InvalidTierLimitsError);
    });
  });

  describe("pause", function () {
    it("pause stops transfers, unpause restores them; each refuses the wrong state", async function () {
      const pauser = as(l.pauser);
      await mined(pauser, pauser.pause());
      expect(await l.reader.isPaused()).to.equal(true);
      expect(await rejectionOf(as(l.alice).transfer({ to: bob, amount: "1" }))).to.be.instanceOf(TokenPausedError);
      expect(await rejectionOf(pauser.pause())).to.be.instanceOf(TokenPausedError);
      await mined(pauser, pauser.unpause());
      expect(await rejectionOf(pauser.unpause())).to.be.instanceOf(TokenNotPausedError);
      await mined(as(l.alice), as(l.alice).transfer({ to: bob, amount: "1" }));
    });

    it("a client without an account refuses to write, before any request", async function () {
      const { client, requests } = l.countingClientFor();
      const error = await rejectionOf(() => client.pause());
      expect(error).to.be.instanceOf(AccountRequiredError);
      expect((error as AccountRequiredError).shortMessage).to.equal("this action sends a transaction: create the client with an account");
      expect(requests()).to.deep.equal([]);
      // The counter does count: the same client's read reaches the node.
      expect(await client.isPaused()).to.equal(false);
      expect(requests()).to.include("eth_call");
    });
  });

  describe("issue and redeem", function () {
    it("issue mints against a lot: balance, supply and the lot's issued amount rise; Issued names the lot", async function () {
      const events = await mined(as(l.issuer), as(l.issuer).issue({ lot: l.lotB, to: alice, amount: "2500.5", reference: "CASHIN-0001" }));
      expect(events.find((e) => e.eventName === "Issued")?.args).to.include({ lot: l.lotB });
      expect(await l.reader.getBalance({ account: alice })).to.equal("102500.5");
      expect(await l.reader.getTotalSupply()).to.equal("1002500.5");
      expect((await l.reader.getLot({ lot: l.lotB })).issued).to.equal("2500.5");
      expect(await l.reader.getAvailableToIssue({ lot: l.lotB })).to.equal("1997499.5");
    });

    it("issue refuses a zero amount, an unknown lot, and more than the lot's capacity", async function () {
      const issuer = as(l.issuer);
      expect(await rejectionOf(issuer.issue({ lot: l.lotB, to: merchant, amount: "0", reference: "R" }))).to.be.instanceOf(ZeroAmountError);
      expect(await rejectionOf(issuer.issue({ lot: lotId("NO-SUCH-LOT"), to: merchant, amount: "1", reference: "R" }))).to.be.instanceOf(UnknownLotError);
      const error = await rejectionOf(issuer.issue({ lot: l.lotB, to: merchant, amount: "2000000.000001", reference: "R" }));
      expect(error).to.be.instanceOf(LotCapacityExceededError);
      expect((error as LotCapacityExceededError).args).to.deep.equal({ lot: l.lotB, available: 2_000_000_000_000n, needed: 2_000_000_000_001n });
      expect((error as LotCapacityExceededError).shortMessage).to.include("can back only 2000000.00 more");
    });

    it("a disputed lot refuses issuance until resolved; the total cap holds when a backing lot is disputed", async function () {
      const auditor = as(l.auditor);
      await mined(auditor, auditor.disputeLot({ lot: l.lotB, reasonCode: "SHORTFALL" }));
      expect((await l.reader.getLot({ lot: l.lotB })).status).to.equal("disputed");
      expect(await rejectionOf(as(l.issuer).issue({ lot: l.lotB, to: merchant, amount: "1", reference: "R" }))).to.be.instanceOf(LotDisputedError);
      await mined(auditor, auditor.resolveDispute({ lot: l.lotB, reasonCode: "RECOUNTED" }));
      expect(await rejectionOf(auditor.resolveDispute({ lot: l.lotB, reasonCode: "RECOUNTED" }))).to.be.instanceOf(LotNotDisputedError);
      // Lot A backs the 1,000,000 in circulation; disputed, only lot B's 2,000,000 count.
      await mined(auditor, auditor.disputeLot({ lot: l.lotA, reasonCode: "SHORTFALL" }));
      expect(await l.reader.getValidReserves()).to.equal("2000000");
      expect(await rejectionOf(as(l.issuer).issue({ lot: l.lotB, to: merchant, amount: "1000000.000001", reference: "R" }))).to.be.instanceOf(ReservesExceededError);
    });

    it("redeem burns from the issuer's wallet against a lot and writes a goods-release record", async function () {
      await mined(as(l.issuer), as(l.issuer).redeem({ lot: l.lotA, amount: "1000", reference: "RELEASE-77" }));
      expect(await l.reader.getTotalSupply()).to.equal("999000");
      expect(await l.reader.getGoodsReleaseCount()).to.equal(1n);
      const release = await l.reader.getGoodsRelease({ releaseId: 1n });
      expect(release).to.include({ lot: l.lotA, amount: "1000", reference: stringToHex("RELEASE-77", { size: 32 }) });
      expect(release!.quantity).to.equal(50n); // 1000 / 10,000,000 of 500,000 kg
      expect(await l.reader.getGoodsRelease({ releaseId: 2n })).to.equal(undefined);
      expect((await l.reader.getLot({ lot: l.lotA })).redeemed).to.equal("1000");
      const error = await rejectionOf(as(l.issuer).redeem({ lot: l.lotB, amount: "1", reference: "R" }));
      expect(error).to.be.instanceOf(RedemptionExceedsOutstandingError);
    });
  });

  describe("seizure and recovery", function () {
    it("seize moves tokens out of a frozen wallet (ForcedTransfer) but still checks the recipient", async function () {
      const compliance = as(l.compliance);
      await mined(compliance, compliance.freezeWallet({ account: alice, reasonCode: "COURT" }));
      const legalRef = keccak256(stringToHex("order-2026-17"));
      const events = await mined(compliance, compliance.seize({ from: alice, to: merchant, amount: "500", reasonCode: "COURT_ORDER", legalRef }));
      expect(events.find((e) => e.eventName === "ForcedTransfer")?.args).to.include({ from: alice, to: merchant, amount: 500_000_000n, legalRef });
      expect(await l.reader.getBalance({ account: merchant })).to.equal("500");
      expect(await rejectionOf(compliance.seize({ from: alice, to: stranger, amount: "1", reasonCode: "X", legalRef }))).to.be.instanceOf(WalletNotRegisteredError);
      expect(await rejectionOf(as(l.issuer).seize({ from: alice, to: merchant, amount: "1", reasonCode: "X", legalRef }))).to.be.instanceOf(UnauthorizedAccountError);
    });

    it("recoverWallet moves balance and record to the replacement and closes the lost wallet", async function () {
      await mined(as(l.compliance), as(l.compliance).recoverWallet({ lost: bob, replacement: stranger, reasonCode: "LOST_PHONE", legalRef: "AFFIDAVIT-9" }));
      expect(await l.reader.getWallet({ account: stranger })).to.include({ status: "active", tier: 2, balance: "100000" });
      expect(await l.reader.getWallet({ account: bob })).to.include({ status: "closed", balance: "0" });
      expect(await rejectionOf(as(l.compliance).recoverWallet({ lost: alice, replacement: merchant, reasonCode: "X", legalRef: "Y" }))).to.be.instanceOf(WalletAlreadyRegisteredError);
    });
  });

  describe("roles", function () {
    it("grantRole / revokeRole (admin only) and renounceRole (own roles), on the contract that holds the role", async function () {
      const admin = as(l.admin);
      const newcomer = l.others[1]!.address as Address;
      await mined(admin, admin.grantRole({ role: "AUDITOR_ROLE", account: newcomer }));
      expect(await l.reader.hasRole({ role: "AUDITOR_ROLE", account: newcomer })).to.equal(true);
      await mined(admin, admin.revokeRole({ role: "AUDITOR_ROLE", account: newcomer }));
      expect(await l.reader.hasRole({ role: "AUDITOR_ROLE", account: newcomer })).to.equal(false);
      await mined(as(l.pauser), as(l.pauser).renounceRole({ role: "PAUSER_ROLE" }));
      expect(await l.reader.hasRole({ role: "PAUSER_ROLE", account: l.pauser.address as Address })).to.equal(false);
      const error = await rejectionOf(as(l.issuer).grantRole({ role: "ISSUER_ROLE", account: newcomer }));
      expect(error).to.be.instanceOf(UnauthorizedAccountError);
      expect((error as UnauthorizedAccountError).args.neededRole).to.equal(roles.DEFAULT_ADMIN_ROLE);
    });
  });

  describe("reserve registry", function () {
    const attestation = (lot: Hex, expiresAt: bigint) => ({
      lot,
      classCode: "SORGHUM",
      quantity: 1_000n,
      unit: "t",
      valuation: "250000",
      location: "NG-KN-WH02",
      attestationHash: keccak256(stringToHex(`doc:${lot}`)),
      attestationURI: "ipfs://attestations/sorghum",
      expiresAt,
    });

    it("getLot reads a lot with its codes decoded, and `none` for an unknown lot", async function () {
      const lot = await getLot(l.reader, { lot: l.lotA });
      expect(lot).to.include({ status: "active", valuation: "10000000", issued: "1000000", redeemed: "0", outstanding: "1000000", classCode: "MAIZE", unit: "kg", location: "NG-KN-WH01", custodian: l.custodian.address });
      expect(lot.quantity).to.equal(500_000n);
      expect((await l.reader.getLot({ lot: lotId("NOPE") })).status).to.equal("none");
      expect(await l.reader.getValidReserves()).to.equal("12000000");
    });

    it("attestLot adds a lot to the reserves; renewAttestation revalues it; releaseLot releases it when nothing is outstanding", async function () {
      const lot = lotId("WR-2026-0003");
      const expiresAt = BigInt(await networkHelpers.time.latest()) + 90n * 86_400n;
      const custodian = as(l.custodian);
      await mined(custodian, custodian.attestLot(attestation(lot, expiresAt)));
      expect(await l.reader.getLot({ lot })).to.include({ status: "active", valuation: "250000", classCode: "SORGHUM", unit: "t" });
      expect(await l.reader.getValidReserves()).to.equal("12250000");
      expect(await rejectionOf(custodian.attestLot(attestation(lot, expiresAt)))).to.be.instanceOf(LotExistsError);
      await mined(custodian, custodian.renewAttestation({ lot, quantity: 1_000n, valuation: "200000", attestationHash: keccak256("0x02"), attestationURI: "ipfs://v2", expiresAt: expiresAt + 86_400n }));
      expect(await l.reader.getLot({ lot })).to.include({ valuation: "200000", attestationURI: "ipfs://v2" });
      await mined(custodian, custodian.releaseLot({ lot, reasonCode: "EMPTIED" }));
      expect((await l.reader.getLot({ lot })).status).to.equal("released");
      expect(await rejectionOf(custodian.releaseLot({ lot: l.lotA, reasonCode: "EMPTIED" }))).to.be.instanceOf(LotOutstandingError);
      expect(await rejectionOf(as(l.auditor).attestLot(attestation(lotId("X"), expiresAt)))).to.be.instanceOf(UnauthorizedAccountError);
    });
  });

  describe("transfers", function () {
    it("transfer moves tokens; with a reference it emits PaymentReferenced", async function () {
      const reference = keccak256(stringToHex("invoice-1"));
      const events = await mined(as(l.alice), as(l.alice).transfer({ to: merchant, amount: "12.5", reference }));
      expect(events.find((e) => e.eventName === "PaymentReferenced")?.args).to.include({ from: alice, to: merchant, amount: 12_500_000n, ref: reference });
      expect(await l.reader.getBalance({ account: merchant })).to.equal("12.5");
      expect(await l.reader.getBalance({ account: alice })).to.equal("99987.5");
    });

    it("approve, getAllowance and transferFrom (the same rules apply to the holder)", async function () {
      await mined(as(l.alice), as(l.alice).approve({ spender: bob, amount: "10" }));
      expect(await l.reader.getAllowance({ owner: alice, spender: bob })).to.equal("10");
      await mined(as(l.bob), as(l.bob).transferFrom({ from: alice, to: merchant, amount: "4" }));
      expect(await l.reader.getAllowance({ owner: alice, spender: bob })).to.equal("6");
      expect(await l.reader.getBalance({ account: merchant })).to.equal("4");
      const error = await rejectionOf(as(l.bob).transferFrom({ from: alice, to: merchant, amount: "7" }));
      expect((error as Error).name).to.equal("InsufficientAllowanceError");
      await mined(as(l.compliance), as(l.compliance).freezeWallet({ account: alice, reasonCode: "X" }));
      expect(await rejectionOf(as(l.bob).transferFrom({ from: alice, to: merchant, amount: "1" }))).to.be.instanceOf(WalletFrozenError);
    });

    it("batchTransfer pays several recipients at once, all or nothing", async function () {
      await mined(as(l.issuer), as(l.issuer).batchTransfer({ transfers: [{ to: alice, amount: "1" }, { to: merchant, amount: "2.5" }] }));
      expect(await l.reader.getBalance({ account: merchant })).to.equal("2.5");
      expect(await rejectionOf(as(l.issuer).batchTransfer({ transfers: [{ to: merchant, amount: "1" }, { to: stranger, amount: "1" }] }))).to.be.instanceOf(WalletNotRegisteredError);
      expect(await l.reader.getBalance({ account: merchant })).to.equal("2.5");
      expect((await rejectionOf(as(l.issuer).batchTransfer({ transfers: [] })) as Error).name).to.equal("TransferBatchEmptyError");
    });

    it("refuses a transfer to the zero address by name", async function () {
      const error = await rejectionOf(as(l.alice).transfer({ to: zeroAddress, amount: "1" }));
      expect((error as Error).name).to.equal("InvalidReceiverError");
    });
  });
});
