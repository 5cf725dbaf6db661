import { expect } from "chai";
import { network } from "hardhat";

const { ethers } = await network.create();

describe("PlainERC20 baseline", function () {
  it("mints to a holder", async function () {
    const [a] = await ethers.getSigners();
    const t = await ethers.deployContract("PlainERC20");
    await t.mint(a.address, 5n);
    expect(await t.balanceOf(a.address)).to.equal(5n);
  });
});
