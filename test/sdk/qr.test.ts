import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, parseEventLogs, stringToHex, type Address, type Hex } from "viem";
import { writeContract } from "viem/actions";
import {
  AuthorizationExpiredError,
  AuthorizationNotYetValidError,
  AuthorizationUsedError,
  CallerNotPayeeError,
  createLedgerClient,
  decodePaymentRequest,
  encodePaymentRequest,
  goodsTokenAbi,
  InvalidSignatureError,
  LedgerError,
  PAYMENT_REQUEST_DEFAULTS,
  parsePaymentAuthorization,
  PaymentAmountRequiredError,
  PaymentReferenceUsedError,
  PaymentRequestChecksumError,
  PaymentRequestExpiredError,
  PaymentRequestMalformedError,
  PaymentRequestWrongChainError,
  PaymentRequestWrongTokenError,
  PaymentSubmitterError,
  serializePaymentAuthorization,
  splitSignature,
  toLedgerError,
  type LedgerClient,
} from "../../src/sdk/index.js";
import { devAccount, rejectionOf, sdkLedgerLoader, type SdkLedger } from "./helpers.js";

const connection = await network.create();
const { networkHelpers } = connection;
const load = sdkLedgerLoader(connection);

describe("sdk QR payments (in-process Hardhat network)", function () {
  let l: SdkLedger;
  let shop: LedgerClient, payer: LedgerClient, secondPayer: LedgerClient, relayer: LedgerClient;
  let alice: Address, bob: Address, merchant: Address;
  let now: bigint;
  beforeEach(async function () {
    l = await load();
    ({ alice, bob, merchant } = l.addresses);
    shop = l.clientFor(merchant);
    payer = l.clientFor(alice);
    secondPayer = l.clientFor(bob);
    relayer = l.clientFor(l.others[0]!.address); // unregistered: a relayer only pays gas
    now = BigInt(await networkHelpers.time.latest());
  });
  const balances = async () => Promise.all([alice, bob, merchant].map((account) => l.reader.getBalance({ account })));
  const request = (amount?: string) => shop.createPaymentRequest({ merchant, amount, expiresAt: now + 600n, merchantName: "MAMA NJERI SHOP", merchantCity: "NAIROBI", countryCode: "KE" });

  it("create → parse shows the merchant's registered role and status; pay → the merchant receives it once", async function () {
    const { payload, reference } = request("12.5");
    const parsed = await payer.parsePaymentRequest({ payload });
    expect(parsed).to.include({ merchant, amount: "12.5", reference, merchantName: "MAMA NJERI SHOP", merchantRole: "merchant", merchantStatus: "active", merchantDenylisted: false, chainId: 31337 });
    expect(await shop.isPaymentReferenceUsed({ payee: merchant, reference })).to.equal(false);

    // The payer signs offline; the authorization travels to the merchant as text; the merchant submits.
    const authorization = await payer.signPayment({ request: parsed });
    expect(authorization).to.include({ kind: "receive", from: alice, to: merchant, value: 12_500_000n, nonce: reference, validBefore: now + 600n });
    const receipt = await shop.waitForTransaction({ hash: await shop.submitPayment({ authorization: parsePaymentAuthorization(serializePaymentAuthorization(authorization)) }) });
    const referenced = parseEventLogs({ abi: goodsTokenAbi, logs: receipt.logs, eventName: "PaymentReferenced" });
    expect(referenced[0]!.args).to.include({ from: alice, to: merchant, amount: 12_500_000n, ref: reference });
    expect(await balances()).to.deep.equal(["99987.5", "100000", "12.5"]);
    expect(await shop.isPaymentReferenceUsed({ payee: merchant, reference })).to.equal(true);
    expect(await shop.getAuthorizationState({ authorizer: alice, nonce: reference })).to.equal(true);
  });

  it("paying twice fails with a named error and moves nothing: same payer → AuthorizationUsedError, second payer → PaymentReferenceUsedError", async function () {
    const { payload } = request("20");
    const parsed = await payer.parsePaymentRequest({ payload });
    await shop.waitForTransaction({ hash: await shop.submitPayment({ authorization: await payer.signPayment({ request: parsed }) }) });
    const after = await balances();

    const again = await rejectionOf(shop.submitPayment({ authorization: await payer.signPayment({ request: parsed }) }));
    expect(again).to.be.instanceOf(AuthorizationUsedError);
    expect((again as AuthorizationUsedError).args).to.deep.equal({ authorizer: alice, nonce: parsed.reference });

    const second = await rejectionOf(shop.submitPayment({ authorization: await secondPayer.signPayment({ request: parsed }) }));
    expect(second).to.be.instanceOf(PaymentReferenceUsedError);
    expect((second as PaymentReferenceUsedError).args).to.deep.equal({ payee: merchant, ref: parsed.reference });
    expect((second as PaymentReferenceUsedError).shortMessage).to.include("has already been paid (first paid wins)");

    // A relayer-submitted second payment is refused the same way.
    const viaRelayer = await rejectionOf(relayer.submitPayment({ authorization: await secondPayer.signPayment({ request: parsed, submitter: "relayer" }) }));
    expect(viaRelayer).to.be.instanceOf(PaymentReferenceUsedError);
    expect(await balances()).to.deep.equal(after);
  });

  it("a relayer submits a transfer-authorization (transferWithAuthorization); nobody but the payee may submit a receive-authorization", async function () {
    const { payload } = request("5");
    const parsed = await payer.parsePaymentRequest({ payload });
    const receiveAuth = await payer.signPayment({ request: parsed });
    const refused = await rejectionOf(() => relayer.submitPayment({ authorization: receiveAuth }));
    expect(refused).to.be.instanceOf(PaymentSubmitterError);
    // The contract enforces it too (a caller bypassing the SDK's check).
    const { v, r, s } = splitSignature(receiveAuth.signature);
    const direct = await rejectionOf(
      writeContract(relayer, {
        abi: goodsTokenAbi,
        address: l.deployment.contracts.token,
        functionName: "receiveWithAuthorization",
        args: [receiveAuth.from, receiveAuth.to, receiveAuth.value, receiveAuth.validAfter, receiveAuth.validBefore, receiveAuth.nonce, v, r, s],
        account: relayer.account!,
        chain: relayer.chain,
      }),
    );
    expect(toLedgerError(direct)).to.be.instanceOf(CallerNotPayeeError);

    const transferAuth = await payer.signPayment({ request: parsed, submitter: "relayer" });
    expect(transferAuth.kind).to.equal("transfer");
    await relayer.waitForTransaction({ hash: await relayer.submitPayment({ authorization: transferAuth }) });
    expect(await balances()).to.deep.equal(["99995", "100000", "5"]);
  });

  it("signs offline: with the domain cached, signing needs no node at all", async function () {
    const domain = await payer.getTokenDomain();
    const offline = createLedgerClient({ deployment: l.deployment, rpcUrl: "http://127.0.0.1:1", account: devAccount(alice) });
    const { payload } = request("7");
    const decoded = decodePaymentRequest(payload, 6);
    const authorization = await offline.signPayment({ request: decoded, domain });
    await shop.waitForTransaction({ hash: await shop.submitPayment({ authorization }) });
    expect(await l.reader.getBalance({ account: merchant })).to.equal("7");
  });

  it("a request without an amount takes the payer's; a request with one refuses another", async function () {
    const open = await payer.parsePaymentRequest({ payload: request().payload });
    expect(open.amount).to.equal(undefined);
    expect(await rejectionOf(payer.signPayment({ request: open }))).to.be.instanceOf(PaymentAmountRequiredError);
    const authorization = await payer.signPayment({ request: open, amount: "3.25" });
    expect(authorization.value).to.equal(3_250_000n);
    const fixed = await payer.parsePaymentRequest({ payload: request("1").payload });
    expect(await rejectionOf(payer.signPayment({ request: fixed, amount: "2" }))).to.be.instanceOf(LedgerError);
  });

  it("parsePaymentRequest refuses a bad CRC, a truncated payload, another chain or token, and an expired request", async function () {
    const { payload } = request("1");
    expect(await rejectionOf(payer.parsePaymentRequest({ payload: payload.slice(0, -1) + (payload.endsWith("A") ? "B" : "A") }))).to.be.instanceOf(PaymentRequestChecksumError);
    expect(await rejectionOf(payer.parsePaymentRequest({ payload: payload.slice(0, 60) }))).to.be.instanceOf(PaymentRequestMalformedError);
    const base = { ...decodePaymentRequest(payload, 6) };
    const otherChain = encodePaymentRequest({ ...base, chainId: 1 }, 6);
    const wrongChain = await rejectionOf(payer.parsePaymentRequest({ payload: otherChain }));
    expect(wrongChain).to.be.instanceOf(PaymentRequestWrongChainError);
    expect((wrongChain as PaymentRequestWrongChainError).actual).to.equal(1);
    const otherToken = encodePaymentRequest({ ...base, token: l.deployment.contracts.reserveRegistry }, 6);
    expect(await rejectionOf(payer.parsePaymentRequest({ payload: otherToken }))).to.be.instanceOf(PaymentRequestWrongTokenError);
    expect(await rejectionOf(payer.parsePaymentRequest({ payload, now: now + 600n }))).to.be.instanceOf(PaymentRequestExpiredError);
    expect(await rejectionOf(payer.signPayment({ request: base, now: now + 601n }))).to.be.instanceOf(PaymentRequestExpiredError);
  });

  it("shows an unregistered payee as such, so the app can refuse before signing", async function () {
    const fake = encodePaymentRequest(
      { ...PAYMENT_REQUEST_DEFAULTS, chainId: 31337, token: l.deployment.contracts.token, merchant: l.others[1]!.address as Address, amount: 1_000_000n, reference: keccak256("0x05"), expiresAt: now + 60n },
      6,
    );
    expect(await payer.parsePaymentRequest({ payload: fake })).to.include({ merchantRole: "none", merchantStatus: "unregistered" });
  });

  it("the contract refuses an expired, a not-yet-valid, a tampered and a canceled authorization by name", async function () {
    const parsed = await payer.parsePaymentRequest({ payload: request("1").payload });
    const late = await payer.signPayment({ request: parsed });
    await networkHelpers.time.increase(601);
    expect(await rejectionOf(shop.submitPayment({ authorization: late }))).to.be.instanceOf(AuthorizationExpiredError);

    now = BigInt(await networkHelpers.time.latest());
    const fresh = await payer.parsePaymentRequest({ payload: request("1").payload });
    const early = await payer.signPayment({ request: fresh, validAfter: now + 3_000n });
    expect(await rejectionOf(shop.submitPayment({ authorization: early }))).to.be.instanceOf(AuthorizationNotYetValidError);

    const honest = await payer.signPayment({ request: fresh });
    const tampered = { ...honest, value: honest.value * 100n };
    expect(await rejectionOf(shop.submitPayment({ authorization: tampered }))).to.be.instanceOf(InvalidSignatureError);

    await payer.waitForTransaction({ hash: await payer.cancelAuthorization({ nonce: fresh.reference }) });
    expect(await payer.getAuthorizationState({ authorizer: alice, nonce: fresh.reference })).to.equal(true);
    expect(await rejectionOf(shop.submitPayment({ authorization: honest }))).to.be.instanceOf(AuthorizationUsedError);
    expect(await rejectionOf(payer.cancelAuthorization({ nonce: fresh.reference }))).to.be.instanceOf(AuthorizationUsedError);
    expect(await balances()).to.deep.equal(["100000", "100000", "0"]);
  });

  it("createPaymentRequest draws a fresh random reference when none is given", function () {
    const a = request("1");
    const b = request("1");
    expect(a.reference).to.match(/^0x[0-9a-f]{64}$/);
    expect(a.reference).to.not.equal(b.reference);
    const given: Hex = keccak256(stringToHex("till-7:0001"));
    expect(shop.createPaymentRequest({ merchant, reference: given, expiresAt: now + 60n }).reference).to.equal(given);
  });
});
