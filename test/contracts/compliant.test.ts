import { network } from "hardhat";
import { ledgerFixtures } from "../fixtures.js";
import { shouldBehaveLikeCompliantToken, type ValuePath } from "./behaviors/compliant.behavior.js";
import { authorizationArgs, paymentArgs, signAuthorization, signPayment } from "./helpers.js";

const connection = await network.create();
const { ethers } = connection;
const { fundedLedgerFixture } = ledgerFixtures(connection);

/** Every path that moves value from one holder to another. */
const paths: ValuePath[] = [
  {
    name: "transfer",
    send: (l, from, to, amount) => l.token.connect(from).transfer(to.address, amount),
  },
  {
    name: "transferFrom",
    send: async (l, from, to, amount) => {
      const spender = l.others.at(-1)!;
      await (await l.token.connect(from).approve(spender.address, amount)).wait();
      return l.token.connect(spender).transferFrom(from.address, to.address, amount);
    },
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
  for (const path of paths) shouldBehaveLikeCompliantToken(path, connection, fundedLedgerFixture);
});
