import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, toHex, type Address } from "viem";
import { decodeBatchLegReason, TokenPausedError, type LedgerClient } from "@goods-ledger/sdk";
import { rejectionOf, sdkLedgerLoader, type SdkLedger } from "./helpers.js";

const connection = await network.create();
const load = sdkLedgerLoader(connection);
/** A selector written out from the error's signature, independently of the SDK's table. */
const selectorOf = (signature: string) => keccak256(toHex(signature)).slice(0, 10);

describe("sdk batchTransferPartial: payroll that survives a bad leg (in-process Hardhat network)", function () {
  let l: SdkLedger;
  let alice: Address, bob: Address, merchant: Address, stranger: Address;
  let payer: LedgerClient;
  beforeEach(async function () {
    l = await load();
    ({ alice, bob, merchant, stranger } = l.addresses);
    payer = l.as(l.alice);
  });

  it("pays the good legs and reports each skipped one with its rule as the SDK error's name", async function () {
    const compliance = l.as(l.compliance);
    await compliance.waitForTransaction({ hash: await compliance.freezeWallet({ account: merchant, reasonCode: "X" }) });
    const outcome = await payer.batchTransferPartial({
      transfers: [
        { to: bob, amount: "10" },
        { to: merchant, amount: "5" },
        { to: stranger, amount: "1" },
        { to: bob, amount: "50000.000001" },
        { to: bob, amount: "20" },
      ],
    });
    expect(outcome).to.include({ paid: 2, skipped: 3 });
    expect(outcome.legs).to.deep.equal([
      { index: 0, to: bob, amount: "10", status: "paid" },
      { index: 1, to: merchant, amount: "5", status: "skipped", reason: "WalletFrozenError", errorName: "WalletRegistryWalletFrozen", selector: selectorOf("WalletRegistryWalletFrozen(address)") },
      { index: 2, to: stranger, amount: "1", status: "skipped", reason: "WalletNotRegisteredError", errorName: "WalletRegistryWalletNotRegistered", selector: selectorOf("WalletRegistryWalletNotRegistered(address)") },
      {
        index: 3,
        to: bob,
        amount: "50000.000001",
        status: "skipped",
        reason: "TransferLimitExceededError",
        errorName: "WalletRegistryTransferLimitExceeded",
        selector: selectorOf("WalletRegistryTransferLimitExceeded(address,uint8,uint256,uint256)"),
      },
      { index: 4, to: bob, amount: "20", status: "paid" },
    ]);
    const receipt = await l.reader.waitForTransaction({ hash: outcome.hash });
    expect(receipt.blockNumber).to.equal(outcome.blockNumber);
    expect(await l.reader.getBalance({ account: alice })).to.equal("99970");
    expect(await l.reader.getBalance({ account: bob })).to.equal("100030");
    expect(await l.reader.getBalance({ account: merchant })).to.equal("0");
  });

  it("a sender who cannot send at all is refused for the whole batch, before anything is sent", async function () {
    const pauser = l.as(l.pauser);
    await pauser.waitForTransaction({ hash: await pauser.pause() });
    const { client, requests } = l.countingClientFor(alice);
    const error = await rejectionOf(client.batchTransferPartial({ transfers: [{ to: bob, amount: "1" }] }));
    expect(error).to.be.instanceOf(TokenPausedError);
    expect(requests()).to.not.include("eth_sendRawTransaction");
    expect(await l.reader.getBalance({ account: bob })).to.equal("100000");
  });

  it("decodeBatchLegReason names a known selector and returns an unknown one as is", function () {
    expect(decodeBatchLegReason(selectorOf("WalletRegistryDailyLimitExceeded(address,uint8,uint256,uint256)") as `0x${string}`)).to.deep.equal({
      errorName: "WalletRegistryDailyLimitExceeded",
      reason: "DailyLimitExceededError",
    });
    expect(decodeBatchLegReason("0xdeadbeef")).to.deep.equal({ errorName: undefined, reason: "0xdeadbeef" });
  });
});
