import { expect } from "chai";
import { network } from "hardhat";
import { DAY, UNIT, WalletRole, attestation } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

describe("contracts/v1 (frozen v1 ledger, for the migration)", function () {
  it("GoodsTokenV1 deploys with its ReserveRegistryV1 and issues against an attested lot", async function () {
    const [admin, registrar, compliance, issuer, custodian, alice] = await ethers.getSigners();
    const token = await ethers.deployContract("GoodsTokenV1", ["Goods Naira v1", "GNGN", admin.address]);
    const reserves = await ethers.getContractAt("ReserveRegistryV1", await token.reserveRegistry());
    await (await token.grantRole(await token.REGISTRAR_ROLE(), registrar.address)).wait();
    await (await token.grantRole(await token.COMPLIANCE_ROLE(), compliance.address)).wait();
    await (await token.grantRole(await token.ISSUER_ROLE(), issuer.address)).wait();
    await (await reserves.grantRole(await reserves.CUSTODIAN_ROLE(), custodian.address)).wait();
    await (await token.connect(compliance).setTierLimits(1, 1_000_000n * UNIT, 1_000_000n * UNIT, 1_000_000n * UNIT)).wait();
    const now = BigInt(await networkHelpers.time.latest());
    const lot = ethers.id("V1-LOT");
    await (await reserves.connect(custodian).attestLot(lot, attestation(ethers, "MAIZE", 100n, 1_000n * UNIT, now + 30n * DAY))).wait();
    await (await token.connect(registrar).registerWallet(alice.address, WalletRole.Individual, 1, 1, 1, now / DAY + 365n)).wait();
    await expect(token.connect(issuer).issue(lot, alice.address, 250n * UNIT, ethers.id("v1-issue")))
      .to.emit(token, "Issued").withArgs(lot, ethers.id("v1-issue"));
    expect(await token.balanceOf(alice.address)).to.equal(250n * UNIT);
    expect(await token.totalSupply()).to.equal(250n * UNIT);
    expect((await reserves.lotInfo(lot)).issued).to.equal(250n * UNIT);
  });
});
