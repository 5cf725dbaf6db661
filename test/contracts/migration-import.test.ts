/**
 * The sealed import path of a v1 → v2 migration (docs/DESIGN.md §5): importWallets, importLots, sealMigration,
 * each rule and the unauthorized caller.
 */
import { expect } from "chai";
import type { Contract } from "ethers";
import { network } from "hardhat";
import { DAY, LotStatus, UNIT, WalletRole, WalletStatus, attestation, currentDay, deployLedger, lotId } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function migrationFixture() {
  const ledger = await deployLedger(connection);
  const { token, reserveRegistry, admin, pauser, custodian, users } = ledger;
  const migrator = users[9];
  await (await token.connect(admin).grantRole(await token.MIGRATOR_ROLE(), migrator.address)).wait();
  await (await (token.connect(pauser) as Contract).pause()).wait();
  return { ...ledger, migrator, asMigrator: token.connect(migrator) as Contract, custodianAddress: custodian.address, reserveRegistry };
}

function wallet(account: string, fields: Partial<{ role: number; tier: number; status: number; denylisted: boolean; region: number; institution: number; kycExpiryDay: bigint; balance: bigint; aliasCommitment: string }> = {}) {
  return {
    account,
    role: fields.role ?? WalletRole.Individual,
    tier: fields.tier ?? 1,
    status: fields.status ?? WalletStatus.Active,
    denylisted: fields.denylisted ?? false,
    region: fields.region ?? 7,
    institution: fields.institution ?? 3,
    kycExpiryDay: fields.kycExpiryDay ?? 30_000n,
    balance: fields.balance ?? 0n,
    aliasCommitment: fields.aliasCommitment ?? ethers.ZeroHash,
  };
}

async function lot(label: string, custodian: string, fields: Partial<{ status: number; expiresAt: bigint; valuation: bigint; quantity: bigint; issued: bigint; redeemed: bigint; released: bigint }> = {}) {
  const now = BigInt(await networkHelpers.time.latest());
  const a = attestation(ethers, label, fields.quantity ?? 1_000n, fields.valuation ?? 1_000n * UNIT, fields.expiresAt ?? now + 90n * DAY);
  return {
    lot: lotId(connection, label),
    custodian,
    status: fields.status ?? LotStatus.Active,
    attestedAt: now - DAY,
    expiresAt: a.expiresAt,
    valuation: a.valuation,
    quantity: a.quantity,
    issued: fields.issued ?? 0n,
    redeemed: fields.redeemed ?? 0n,
    released: fields.released ?? 0n,
    classCode: a.classCode,
    unit: a.unit,
    location: a.location,
    attestationHash: a.attestationHash,
    attestationURI: a.attestationURI,
  };
}

describe("migration import (importWallets, importLots, sealMigration)", function () {
  it("imports every wallet field, alias and balance, and every lot figure, then seals; unpause works only after", async function () {
    const { token, reserveRegistry, asMigrator, migrator, custodianAddress, users, pauser } = await networkHelpers.loadFixture(migrationFixture);
    const [a, b, c, d, e] = users;
    const today = await currentDay(connection);
    const alias = ethers.id("alias:+234-800-000-0001");
    await expect(
      asMigrator.importWallets([
        wallet(a.address, { balance: 300n * UNIT, aliasCommitment: alias, tier: 2, role: WalletRole.Merchant, region: 9, institution: 4 }),
        wallet(b.address, { status: WalletStatus.Frozen, denylisted: true, balance: 100n * UNIT }),
        wallet(c.address, { status: WalletStatus.Closed }),
        wallet(d.address, { kycExpiryDay: today - 5n, balance: 50n * UNIT }),
        wallet(e.address),
      ]),
    )
      .to.emit(token, "WalletFrozen").withArgs(b.address, migrator.address, ethers.encodeBytes32String("MIGRATION"))
      .and.to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, a.address, 300n * UNIT);
    const wa = await token.walletOf(a.address);
    expect([wa.status, wa.role, wa.tier, wa.region, wa.institution, wa.balance, wa.aliasCommitment]).to.deep.equal([
      BigInt(WalletStatus.Active), BigInt(WalletRole.Merchant), 2n, 9n, 4n, 300n * UNIT, alias,
    ]);
    expect(await token.walletByAlias(alias)).to.equal(a.address);
    const wb = await token.walletOf(b.address);
    expect([wb.status, wb.denylisted, wb.balance]).to.deep.equal([BigInt(WalletStatus.Frozen), true, 100n * UNIT]);
    expect((await token.walletOf(c.address)).status).to.equal(BigInt(WalletStatus.Closed));
    expect((await token.walletOf(d.address)).kycExpiryDay).to.equal(today - 5n);

    const now = BigInt(await networkHelpers.time.latest());
    const active = await lot("L-ACTIVE", custodianAddress, { issued: 500n * UNIT, redeemed: 100n * UNIT, released: 100n });
    const disputed = await lot("L-DISPUTED", custodianAddress, { status: LotStatus.Disputed, issued: 50n * UNIT });
    const released = await lot("L-RELEASED", custodianAddress, { status: LotStatus.Released, issued: 10n * UNIT, redeemed: 10n * UNIT, released: 10n });
    const expired = await lot("L-EXPIRED", custodianAddress, { expiresAt: now - DAY, valuation: 2_000n * UNIT });
    await expect(asMigrator.importLots([active, disputed, released, expired]))
      .to.emit(reserveRegistry, "LotImported").withArgs(active.lot, 500n * UNIT, 100n * UNIT, 100n, 900n * UNIT);
    const info = await reserveRegistry.lotInfo(active.lot);
    expect([info.issued, info.redeemed, info.released, info.quantity, info.valuation, info.status, info.custodian, info.attestationURI]).to.deep.equal([
      500n * UNIT, 100n * UNIT, 100n, 1_000n, 1_000n * UNIT, BigInt(LotStatus.Active), custodianAddress, active.attestationURI,
    ]);
    expect((await reserveRegistry.lotInfo(disputed.lot)).status).to.equal(BigInt(LotStatus.Disputed));
    // Only the active, unexpired lot counts: 900 (its 1,000 − 100 redeemed).
    expect(await reserveRegistry.validReserves()).to.equal(900n * UNIT);
    expect(await token.totalSupply()).to.equal(450n * UNIT);
    expect(await token.migrationState()).to.deep.equal([450n * UNIT, 450n * UNIT, true, false]);

    await expect((token.connect(pauser) as Contract).unpause()).to.be.revertedWithCustomError(token, "GoodsTokenMigrationUnbalanced").withArgs(450n * UNIT, 450n * UNIT);
    const hash = ethers.id("v1-block");
    await expect(asMigrator.sealMigration(hash, 42n)).to.emit(token, "MigrationSealed").withArgs(hash, 42n, 450n * UNIT);
    await expect(asMigrator.importWallets([wallet(users[5].address)])).to.be.revertedWithCustomError(token, "GoodsTokenMigrationSealed");
    await expect(asMigrator.importLots([await lot("L-LATE", custodianAddress)])).to.be.revertedWithCustomError(token, "GoodsTokenMigrationSealed");
    await expect(asMigrator.sealMigration(hash, 42n)).to.be.revertedWithCustomError(token, "GoodsTokenMigrationSealed");
    await (await (token.connect(pauser) as Contract).unpause()).wait();
    // The imported ledger moves value under the normal rules: b (frozen, denylisted) cannot send, d (KYC expired)
    // cannot send or receive, e (active, imported with 0) receives.
    await expect((token.connect(b) as Contract).transfer(a.address, 1n)).to.be.revertedWithCustomError(token, "WalletRegistryWalletDenylisted").withArgs(b.address);
    await expect((token.connect(d) as Contract).transfer(a.address, 1n)).to.be.revertedWithCustomError(token, "WalletRegistryKycExpired").withArgs(d.address, today - 5n);
    await expect((token.connect(a) as Contract).transfer(d.address, 1n)).to.be.revertedWithCustomError(token, "WalletRegistryKycExpired").withArgs(d.address, today - 5n);
    await (await (token.connect(a) as Contract).transfer(e.address, 10n * UNIT)).wait();
    expect(await token.balanceOf(e.address)).to.equal(10n * UNIT);
    expect(await token.totalSupply()).to.equal(450n * UNIT);
  });

  it("seal refuses balances that differ from the lots' outstanding amounts", async function () {
    const { token, asMigrator, custodianAddress, users } = await networkHelpers.loadFixture(migrationFixture);
    await (await asMigrator.importLots([await lot("L1", custodianAddress, { issued: 100n * UNIT })])).wait();
    await (await asMigrator.importWallets([wallet(users[0].address, { balance: 99n * UNIT })])).wait();
    await expect(asMigrator.sealMigration(ethers.ZeroHash, 1n)).to.be.revertedWithCustomError(token, "GoodsTokenMigrationUnbalanced").withArgs(100n * UNIT, 99n * UNIT);
  });

  it("refuses an import while not paused, and a caller without MIGRATOR_ROLE", async function () {
    const { token, asMigrator, pauser, registrar, users } = await networkHelpers.loadFixture(migrationFixture);
    const role = await token.MIGRATOR_ROLE();
    for (const call of [
      (t: Contract) => t.importWallets([wallet(users[0].address)]),
      (t: Contract) => t.importLots([]),
      (t: Contract) => t.sealMigration(ethers.ZeroHash, 0n),
    ]) {
      await expect(call(token.connect(registrar) as Contract)).to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(registrar.address, role);
    }
    await (await (token.connect(pauser) as Contract).unpause()).wait();
    await expect(asMigrator.importWallets([wallet(users[0].address)])).to.be.revertedWithCustomError(token, "GoodsTokenNotPaused");
    await expect(asMigrator.importLots([])).to.be.revertedWithCustomError(token, "GoodsTokenNotPaused");
  });

  it("importLots on the registry is the token's only", async function () {
    const { reserveRegistry, custodian, custodianAddress } = await networkHelpers.loadFixture(migrationFixture);
    await expect((reserveRegistry.connect(custodian) as Contract).importLots([await lot("L1", custodianAddress)]))
      .to.be.revertedWithCustomError(reserveRegistry, "ReserveRegistryCallerNotToken").withArgs(custodian.address);
  });

  it("names each wallet rule an import breaks", async function () {
    const { token, asMigrator, users } = await networkHelpers.loadFixture(migrationFixture);
    const [a, b] = users;
    await expect(asMigrator.importWallets([wallet(ethers.ZeroAddress)])).to.be.revertedWithCustomError(token, "WalletRegistryInvalidAccount").withArgs(ethers.ZeroAddress);
    await expect(asMigrator.importWallets([wallet(a.address, { status: 0 })])).to.be.revertedWithCustomError(token, "WalletRegistryInvalidStatus").withArgs(a.address, 0);
    await expect(asMigrator.importWallets([wallet(a.address, { status: 4 })])).to.be.revertedWithCustomError(token, "WalletRegistryInvalidStatus").withArgs(a.address, 4);
    await expect(asMigrator.importWallets([wallet(a.address, { role: 5 })])).to.be.revertedWithCustomError(token, "WalletRegistryInvalidRole").withArgs(5);
    await expect(asMigrator.importWallets([wallet(a.address, { tier: 9 })])).to.be.revertedWithCustomError(token, "WalletRegistryUnknownTier").withArgs(9);
    await expect(asMigrator.importWallets([wallet(a.address), wallet(a.address)])).to.be.revertedWithCustomError(token, "WalletRegistryWalletAlreadyRegistered").withArgs(a.address);
    const alias = ethers.id("alias-x");
    await expect(asMigrator.importWallets([wallet(a.address, { aliasCommitment: alias }), wallet(b.address, { aliasCommitment: alias })]))
      .to.be.revertedWithCustomError(token, "WalletRegistryAliasTaken").withArgs(alias, a.address);
  });

  it("names each lot rule an import breaks", async function () {
    const { reserveRegistry, asMigrator, custodianAddress, users } = await networkHelpers.loadFixture(migrationFixture);
    const r = reserveRegistry;
    const base = await lot("L1", custodianAddress);
    await expect(asMigrator.importLots([{ ...base, lot: ethers.ZeroHash }])).to.be.revertedWithCustomError(r, "ReserveRegistryInvalidLotId").withArgs(ethers.ZeroHash);
    await expect(asMigrator.importLots([base, base])).to.be.revertedWithCustomError(r, "ReserveRegistryLotExists").withArgs(base.lot);
    await expect(asMigrator.importLots([{ ...base, quantity: 0n }])).to.be.revertedWithCustomError(r, "ReserveRegistryInvalidQuantity").withArgs(base.lot);
    await expect(asMigrator.importLots([{ ...base, attestationHash: ethers.ZeroHash }])).to.be.revertedWithCustomError(r, "ReserveRegistryInvalidAttestationHash").withArgs(base.lot);
    await expect(asMigrator.importLots([{ ...base, custodian: users[0].address }])).to.be.revertedWithCustomError(r, "ReserveRegistryInvalidCustodian").withArgs(users[0].address);
    await expect(asMigrator.importLots([{ ...base, status: LotStatus.None }])).to.be.revertedWithCustomError(r, "ReserveRegistryUnknownLot").withArgs(base.lot);
    await expect(asMigrator.importLots([{ ...base, issued: 5n, redeemed: 6n }])).to.be.revertedWithCustomError(r, "ReserveRegistryRedemptionExceedsOutstanding").withArgs(base.lot, 5n, 6n);
    await expect(asMigrator.importLots([{ ...base, released: 1_001n }])).to.be.revertedWithCustomError(r, "ReserveRegistryReleasedExceedsQuantity").withArgs(base.lot, 1_000n, 1_001n);
    await expect(asMigrator.importLots([{ ...base, status: LotStatus.Released, issued: 5n }])).to.be.revertedWithCustomError(r, "ReserveRegistryLotOutstanding").withArgs(base.lot, 5n);
  });

  it("revalues what remains: v1's renewal-at-double attack imports at the goods in custody, and an uncovered lot is refused", async function () {
    const { reserveRegistry, asMigrator, custodianAddress } = await networkHelpers.loadFixture(migrationFixture);
    // Issue 8's attack left in v1: 100 kg, 60 redeemed (60 kg released), renewed at 200 → v1 counted 140.
    const attacked = await lot("ATTACKED", custodianAddress, { quantity: 100n, valuation: 200n * UNIT, issued: 100n * UNIT, redeemed: 60n * UNIT, released: 60n });
    await expect(asMigrator.importLots([attacked])).to.emit(reserveRegistry, "LotImported").withArgs(attacked.lot, 100n * UNIT, 60n * UNIT, 60n, 80n * UNIT);
    expect(await reserveRegistry.availableToIssue(attacked.lot)).to.equal(40n * UNIT);
    // 100 issued against 100 kg worth 100, 90 kg released but only 10 redeemed (impossible in v2): 90 outstanding
    // against 10 kg in custody.
    const uncovered = await lot("UNCOVERED", custodianAddress, { quantity: 100n, valuation: 100n * UNIT, issued: 100n * UNIT, redeemed: 10n * UNIT, released: 90n });
    await expect(asMigrator.importLots([uncovered])).to.be.revertedWithCustomError(reserveRegistry, "ReserveRegistryValuationBelowOutstanding").withArgs(uncovered.lot, 90n * UNIT, 10n * UNIT);
  });
});

