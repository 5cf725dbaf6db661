/**
 * The SDK against a real `hardhat node` process that this file starts on a free port and always stops:
 * HTTP JSON-RPC with batching, reverts decoded from HTTP error payloads, the pipelined sender, a QR payment,
 * the README's examples run as separate processes, and the RPC error once the node is gone.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { http, type Address } from "viem";
import {
  createLedgerClient,
  DailyLimitExceededError,
  PaymentReferenceUsedError,
  RpcConnectionError,
  TransferLimitExceededError,
  type LedgerClient,
} from "@goods-ledger/sdk";
import { rejectionOf } from "./helpers.js";
import { deployNodeLedger, nodeRoles, startHardhatNode, type HardhatNode, type NodeLedger } from "./support/ledgerNode.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("sdk against a hardhat node process", function () {
  this.timeout(180_000);
  let node: HardhatNode | undefined;
  let ledger: NodeLedger;
  let sender: LedgerClient, customer: LedgerClient, shop: LedgerClient;
  let customerAddress: Address, shopAddress: Address;

  before(async function () {
    node = await startHardhatNode();
    ledger = await deployNodeLedger(node.url, { senders: 1, perSender: "200000" });
    sender = ledger.clientFor(ledger.senders[0]);
    customer = ledger.clientFor(ledger.individuals[0]);
    shop = ledger.clientFor(ledger.merchant);
    [customerAddress, shopAddress] = [ledger.individuals[0]!.address, ledger.merchant.address];
  });

  after(async function () {
    await node?.stop();
  });

  it("deploys through the Ignition module and reads the deployment's state", async function () {
    const reader = ledger.clientFor();
    expect(await reader.getTotalSupply()).to.equal(ledger.issued);
    expect(await reader.getWallet({ account: customerAddress })).to.include({ status: "active", role: "individual", tier: 1 });
    expect(await reader.hasRole({ role: "ISSUER_ROLE", account: nodeRoles.issuer.address })).to.equal(true);
    expect((await reader.getLot({ lot: ledger.lot })).classCode).to.equal("MAIZE");
  });

  it("sends a transfer and decodes a rule from the node's HTTP error", async function () {
    await sender.waitForTransaction({ hash: await sender.transfer({ to: customerAddress, amount: "60000" }) });
    expect(await customer.getBalance({ account: customerAddress })).to.equal("60000");
    const over = await rejectionOf(customer.transfer({ to: shopAddress, amount: "50000.01" }));
    expect(over).to.be.instanceOf(TransferLimitExceededError);
    await customer.waitForTransaction({ hash: await customer.transfer({ to: shopAddress, amount: "50000" }) });
    await customer.waitForTransaction({ hash: await customer.transfer({ to: shopAddress, amount: "10000" }) });
    const check = await customer.checkTransfer({ from: customerAddress, to: shopAddress, amount: "45000" });
    expect(!check.ok && check.error).to.be.instanceOf(DailyLimitExceededError);
    expect(!check.ok && check.message).to.equal("daily limit of tier 1 exceeded: 40000.00 left today, asked 45000.00");
  });

  it("pipelines 300 transfers over batched HTTP, every one confirmed", async function () {
    const before = await sender.getBalance({ account: shopAddress });
    const outcomes = await sender.sendTransfers({ transfers: Array.from({ length: 300 }, () => ({ to: shopAddress, amount: "0.5" })) });
    expect(outcomes.filter((o) => o.status === "success")).to.have.length(300);
    expect(Number(await sender.getBalance({ account: shopAddress })) - Number(before)).to.equal(150);
  });

  it("pays a QR request once; a second payer is refused by name", async function () {
    const { payload, reference } = shop.createPaymentRequest({ merchant: shopAddress, amount: "3", expiresAt: BigInt(Math.floor(Date.now() / 1000) + 600) });
    const request = await sender.parsePaymentRequest({ payload });
    expect(request).to.include({ merchantRole: "merchant", merchantStatus: "active" });
    await shop.waitForTransaction({ hash: await shop.submitPayment({ authorization: await sender.signPayment({ request }) }) });
    expect(await shop.isPaymentReferenceUsed({ payee: shopAddress, reference: reference! })).to.equal(true);
    const secondPayer = ledger.clientFor(nodeRoles.issuer);
    expect(await rejectionOf(shop.submitPayment({ authorization: await secondPayer.signPayment({ request }) }))).to.be.instanceOf(PaymentReferenceUsedError);
  });

  describe("README examples (examples/sdk), run in order as separate processes", function () {
    let work: string;
    let deploymentPath: string;
    before(function () {
      work = mkdtempSync(join(tmpdir(), "goods-ledger-examples-"));
      deploymentPath = join(work, "deployment.json");
      writeFileSync(deploymentPath, JSON.stringify(ledger.deployment));
    });
    after(function () {
      rmSync(work, { recursive: true, force: true });
    });

    const run = (name: string) => {
      const result = spawnSync(process.execPath, ["--import", "tsx", join(root, "examples", "sdk", `${name}.ts`)], {
        cwd: root,
        env: { ...process.env, GOODS_LEDGER_DEPLOYMENT: deploymentPath },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(result.status, `${name} failed:\n${result.stdout}\n${result.stderr}`).to.equal(0);
      return result.stdout;
    };

    it("register", function () {
      expect(run("register")).to.include("alice: active individual, tier 1").and.include("shop: active merchant, tier 3");
    });
    it("issue", function () {
      expect(run("issue")).to.match(/lot WR-\d+: 1000 of 50000 issued/).and.include("alice holds 1000");
    });
    it("send", function () {
      const out = run("send");
      expect(out).to.match(/sent 12\.50 in block \d+/);
      expect(out).to.include("payment 2: success").and.include("shop holds 18.5");
    });
    it("qr-pay", function () {
      const out = run("qr-pay");
      expect(out).to.match(/QR payload: 000201010212/);
      expect(out).to.include("pay 7.25 to MAMA NJERI SHOP (merchant, active; paid already: false)").and.include("paid: reference used = true");
      expect(out).to.include("second payment refused: AuthorizationUsedError");
      expect(out).to.include("edited request refused: PaymentRequestTamperedError: payment request was altered: its amount (0.25)");
    });
    it("check-limits", function () {
      const out = run("check-limits");
      expect(out).to.include("per transfer: 50000");
      expect(out).to.include("5: would pass").and.include("60000: blocked by WalletRegistryTransferLimitExceeded: single-transfer limit of tier 1 exceeded");
    });
    it("handle-error", function () {
      const out = run("handle-error");
      expect(out).to.include("TransferLimitExceededError: single-transfer limit of tier 1 exceeded");
      expect(out).to.include("AmountNegativeError").and.include("RpcConnectionError: retry is safe");
    });
  });

  describe("after the node stops", function () {
    it("names the failure once the node is gone: RpcConnectionError, retryable", async function () {
      const url = ledger.url;
      await node!.stop();
      node = undefined;
      const client = createLedgerClient({ deployment: ledger.deployment, transport: http(url, { retryCount: 0 }) });
      const error = await rejectionOf(client.getBalance({ account: shopAddress }));
      expect(error).to.be.instanceOf(RpcConnectionError);
      expect((error as RpcConnectionError).retryable).to.equal(true);
    });
  });
});
