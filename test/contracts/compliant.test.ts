import { network } from "hardhat";
import { WalletRole, fundLedger, ledgerFixtures, type FundedLedger } from "../fixtures.js";
import { shouldBehaveLikeCompliantToken, type ValuePath } from "./behaviors/compliant.behavior.js";
import { authorizationArgs, paymentArgs, signAuthorization, signPayment } from "./helpers.js";

const connection = await network.create();
const { ethers } = connection;
const { fundedLedgerFixture } = ledgerFixtures(connection);

/**
 * The funded ledger, plus a registered tier-3 spender (the last of `others`) holding an infinite allowance from every
 * other account: a spender must pass the can-move check itself, and approve refuses a blocked owner, so the
 * allowances are granted before any test blocks a wallet.
 */
async function fundedWithSpenderFixture(): Promise<FundedLedger> {
  const l = await fundLedger(connection);
  const spender = l.others.at(-1)!;
  await (await l.token.connect(l.registrar).registerWallet(spender.address, WalletRole.Individual, 3, 1, 1, l.kycExpiryDay)).wait();
  for (const owner of [l.issuer, l.alice, l.bob, l.merchant, ...l.others.slice(0, -1)]) {
    await (await l.token.connect(owner).approve(spender.address, ethers.MaxUint256)).wait();
  }
  return l;
}

/** Every path that moves value from one holder to another. */
const paths: Array<ValuePath & { fixture?: () => Promise<FundedLedger> }> = [
  {
    name: "transfer",
    send: (l, from, to, amount) => l.token.connect(from).transfer(to.address, amount),
  },
  {
    name: "transferFrom",
    fixture: fundedWithSpenderFixture,
    send: (l, from, to, amount) => l.token.connect(l.others.at(-1)!).transferFrom(from.address, to.address, amount),
  },
  {
    name: "transferWithAuthorization",
    send: async (l, from, to, amount) => {
      const auth = await signAuthorization(connection, l.token, from, "TransferWithAuthorization", { to: to.address, value: amount });
      return l.token.connect(l.others.at(-1)!).transferWithAuthorization(...authorizationArgs(auth));
    },
  },
  {
    name: "receiveWithAuthorization",
    send: async (l, from, to, amount) => {
      const auth = await signAuthorization(connection, l.token, from, "ReceiveWithAuthorization", { to: to.address, value: amount });
      return l.token.connect(to).receiveWithAuthorization(...authorizationArgs(auth));
    },
  },
  {
    name: "payWithAuthorization",
    send: async (l, from, to, amount) => {
      const payment = await signPayment(connection, l.token, from, { to: to.address, value: amount });
      return l.token.connect(l.others.at(-1)!).payWithAuthorization(...paymentArgs(payment));
    },
  },
  {
    name: "batchTransfer",
    send: (l, from, to, amount) => l.token.connect(from).batchTransfer([to.address], [amount]),
  },
  {
    name: "transferWithReference",
    send: (l, from, to, amount) => l.token.connect(from).transferWithReference(to.address, amount, ethers.id("invoice-1")),
  },
];

describe("GoodsToken › every value-moving path passes the one compliance check", function () {
  for (const path of paths) shouldBehaveLikeCompliantToken(path, connection, path.fixture ?? fundedLedgerFixture);
});
