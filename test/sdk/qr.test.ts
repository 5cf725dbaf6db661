import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, parseEventLogs, stringToHex, type Address, type Hex } from "viem";
import { readContract, signTypedData, writeContract } from "viem/actions";
import {
  AuthorizationExpiredError,
  AuthorizationNotYetValidError,
  AuthorizationUsedError,
  createLedgerClient,
  decodePaymentRequest,
  decodeTlv,
  encodePaymentRequest,
  goodsTokenAbi,
  InvalidSignatureError,
  PAYMENT_REQUEST_DEFAULTS,
  parsePaymentAuthorization,
  PaymentAmountMismatchError,
  PaymentAmountRequiredError,
  PaymentAmountZeroError,
  paymentAuthorizationTypes,
  paymentReference,
  PaymentReferenceUsedError,
  PaymentRequestChecksumError,
  PaymentRequestExpiredError,
  PaymentRequestMalformedError,
  PaymentRequestTamperedError,
  PaymentRequestWrongChainError,
  PaymentRequestWrongTokenError,
  serializePaymentAuthorization,
  splitSignature,
  stripCrc,
  toLedgerError,
  withCrc,
  ZeroValueAuthorizationError,
  type LedgerClient,
} from "@goods-ledger/sdk";
import { devAccount, rejectionOf, sdkLedgerLoader, type SdkLedger } from "./helpers.js";

const connection = await network.create();
const { networkHelpers } = connection;
const load = sdkLedgerLoader(connection);

/** Rewrites one root tag of a payload and recomputes the CRC: what an attacker who edits a QR code does. */
function editTag(payload: string, tag: string, value: string): string {
  return withCrc(
    decodeTlv(stripCrc(payload))
      .map((f) => (f.tag === tag ? { tag, value } : f))
      .map((f) => `${f.tag}${String(f.value.length).padStart(2, "0")}${f.value}`)
      .join(""),
  );
}

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
  const contractReference = (payee: Address, value: bigint, requestId: Hex) =>
    readContract(l.reader, { abi: goodsTokenAbi, address: l.deployment.contracts.token, functionName: "paymentReference", args: [payee, value, requestId] });

  it("create → parse shows the amount, the merchant's registered role and status; pay → the merchant receives it once", async function () {
    const { payload, requestId, reference } = request("12.5");
    expect(reference).to.equal(await contractReference(merchant, 12_500_000n, requestId));
    const parsed = await payer.parsePaymentRequest({ payload });
    expect(parsed).to.include({ merchant, amount: "12.5", requestId, reference, merchantName: "MAMA NJERI SHOP", merchantRole: "merchant", merchantStatus: "active", merchantDenylisted: false, chainId: 31337, paid: false });

    // The payer signs offline; the authorization travels to the merchant as text; the merchant submits.
    const authorization = await payer.signPayment({ request: parsed });
    expect(authorization).to.include({ from: alice, to: merchant, value: 12_500_000n, requestId, reference, validBefore: now + 600n });
    const receipt = await shop.waitForTransaction({ hash: await shop.submitPayment({ authorization: parsePaymentAuthorization(serializePaymentAuthorization(authorization)) }) });
    const referenced = parseEventLogs({ abi: goodsTokenAbi, logs: receipt.logs, eventName: "PaymentReferenced" });
    expect(referenced[0]!.args).to.include({ from: alice, to: merchant, amount: 12_500_000n, ref: reference });
    expect(await balances()).to.deep.equal(["99987.5", "100000", "12.5"]);
    expect(await shop.isPaymentReferenceUsed({ payee: merchant, reference: reference! })).to.equal(true);
    expect(await shop.getAuthorizationState({ authorizer: alice, nonce: reference! })).to.equal(true);
    expect((await secondPayer.parsePaymentRequest({ payload })).paid).to.equal(true);
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
    expect((second as PaymentReferenceUsedError).shortMessage).to.equal(`payment request ${parsed.reference} to ${merchant} has already been paid (first paid wins)`);

    // A relayer-submitted second payment is refused the same way.
    const viaRelayer = await rejectionOf(relayer.submitPayment({ authorization: await secondPayer.signPayment({ request: parsed }) }));
    expect(viaRelayer).to.be.instanceOf(PaymentReferenceUsedError);
    expect(await balances()).to.deep.equal(after);
  });

  it("any account may submit a payment (a relayer pays the gas); the payee still receives exactly the amount", async function () {
    const parsed = await payer.parsePaymentRequest({ payload: request("5").payload });
    await relayer.waitForTransaction({ hash: await relayer.submitPayment({ authorization: await payer.signPayment({ request: parsed }) }) });
    expect(await balances()).to.deep.equal(["99995", "100000", "5"]);
    expect(await l.reader.getBalance({ account: l.others[0]!.address as Address })).to.equal("0");
  });

  it("the amount is bound on chain: a payment of another amount for the same request id does not consume the request", async function () {
    const { payload, requestId, reference } = request("20");
    // The griefing attack of issue 8: bob pays the merchant one micro-unit "for" the same request id.
    const grief = await secondPayer.signPayment({ request: { merchant, requestId, expiresAt: now + 600n }, amount: "0.000001" });
    expect(grief.reference).to.not.equal(reference);
    await relayer.waitForTransaction({ hash: await relayer.submitPayment({ authorization: grief }) });
    expect(await shop.isPaymentReferenceUsed({ payee: merchant, reference: reference! })).to.equal(false);
    // The real payer still pays the request in full.
    const parsed = await payer.parsePaymentRequest({ payload });
    expect(parsed.paid).to.equal(false);
    await shop.waitForTransaction({ hash: await shop.submitPayment({ authorization: await payer.signPayment({ request: parsed }) }) });
    expect(await balances()).to.deep.equal(["99980", "99999.999999", "20.000001"]);
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

  it("a request without an amount takes the payer's; a request with one refuses another (PaymentAmountMismatchError), and 0 is refused before any request", async function () {
    const open = await payer.parsePaymentRequest({ payload: request().payload });
    expect(open).to.include({ amount: undefined, reference: undefined, paid: undefined });
    expect(await rejectionOf(payer.signPayment({ request: open }))).to.be.instanceOf(PaymentAmountRequiredError);
    const authorization = await payer.signPayment({ request: open, amount: "3.25" });
    expect(authorization.value).to.equal(3_250_000n);
    expect(authorization.reference).to.equal(paymentReference(merchant, 3_250_000n, open.requestId));

    const fixed = await payer.parsePaymentRequest({ payload: request("1").payload });
    const mismatch = await rejectionOf(payer.signPayment({ request: fixed, amount: "2" }));
    expect(mismatch).to.be.instanceOf(PaymentAmountMismatchError);
    expect(mismatch).to.include({ requested: 1_000_000n, given: 2_000_000n });
    expect((mismatch as PaymentAmountMismatchError).shortMessage).to.equal("this payment request fixes its amount at 1: it cannot be paid with 2");

    const { client: counted, requests } = l.countingClientFor(alice);
    const zero = await rejectionOf(counted.signPayment({ request: open, amount: "0" }));
    expect(zero).to.be.instanceOf(PaymentAmountZeroError);
    expect((zero as PaymentAmountZeroError).shortMessage).to.equal("a payment of 0 is refused: the amount must be more than 0");
    expect(requests()).to.deep.equal([]);
  });

  it("a 0-value authorization is refused before any request by the SDK, and by the contract with ZeroValueAuthorizationError", async function () {
    const open = decodePaymentRequest(request().payload, 6);
    const message = { from: alice, to: merchant, value: 0n, validAfter: 0n, validBefore: now + 600n, requestId: open.requestId };
    const signature = await signTypedData(payer, { account: payer.account!, domain: await payer.getTokenDomain(), types: paymentAuthorizationTypes, primaryType: "PaymentAuthorization", message });
    const zero = { ...message, reference: paymentReference(merchant, 0n, open.requestId), signature };
    const { client: counted, requests } = l.countingClientFor(merchant);
    expect(await rejectionOf(counted.submitPayment({ authorization: zero }))).to.be.instanceOf(PaymentAmountZeroError);
    expect(requests()).to.deep.equal([]);
    expect(() => parsePaymentAuthorization(serializePaymentAuthorization(zero))).to.throw(PaymentAmountZeroError);
    // Bypassing the SDK, the contract refuses it by name.
    const { v, r, s } = splitSignature(signature);
    const direct = await rejectionOf(
      writeContract(shop, {
        abi: goodsTokenAbi,
        address: l.deployment.contracts.token,
        functionName: "payWithAuthorization",
        args: [alice, merchant, 0n, 0n, now + 600n, open.requestId, v, r, s],
        account: shop.account!,
        chain: shop.chain,
      }),
    );
    const named = toLedgerError(direct);
    expect(named).to.be.instanceOf(ZeroValueAuthorizationError);
    expect((named as ZeroValueAuthorizationError).args).to.deep.equal({ authorizer: alice, nonce: zero.reference });
  });

  it("parsePaymentRequest refuses a bad CRC, a truncated payload, an edited amount or payee, another chain or token, and an expired request", async function () {
    const { payload, requestId, reference } = request("1");
    expect(await rejectionOf(payer.parsePaymentRequest({ payload: payload.slice(0, -1) + (payload.endsWith("A") ? "B" : "A") }))).to.be.instanceOf(PaymentRequestChecksumError);
    expect(await rejectionOf(payer.parsePaymentRequest({ payload: payload.slice(0, 60) }))).to.be.instanceOf(PaymentRequestMalformedError);

    const { client: counted, requests } = l.countingClientFor(alice);
    const edited = await rejectionOf(counted.parsePaymentRequest({ payload: editTag(payload, "54", "100") }));
    expect(edited).to.be.instanceOf(PaymentRequestTamperedError);
    expect(edited).to.include({ merchant, amount: 100_000_000n, requestId, reference, expected: paymentReference(merchant, 100_000_000n, requestId) });
    expect((edited as PaymentRequestTamperedError).shortMessage).to.equal(
      `payment request was altered: its amount (100) or payee (${merchant}) is not what its reference ${reference} commits to; do not pay it`,
    );
    expect(requests()).to.deep.equal([]);

    const base = decodePaymentRequest(payload, 6);
    const otherChain = encodePaymentRequest({ ...base, chainId: 1 }, 6);
    const wrongChain = await rejectionOf(payer.parsePaymentRequest({ payload: otherChain }));
    expect(wrongChain).to.be.instanceOf(PaymentRequestWrongChainError);
    expect((wrongChain as PaymentRequestWrongChainError).actual).to.equal(1);
    const otherToken = encodePaymentRequest({ ...base, token: l.deployment.contracts.reserveRegistry }, 6);
    expect(await rejectionOf(payer.parsePaymentRequest({ payload: otherToken }))).to.be.instanceOf(PaymentRequestWrongTokenError);
    expect(await rejectionOf(payer.parsePaymentRequest({ payload, now: now + 600n }))).to.be.instanceOf(PaymentRequestExpiredError);
    expect(await rejectionOf(payer.signPayment({ request: base, now: now + 601n }))).to.be.instanceOf(PaymentRequestExpiredError);
    // A request object whose amount was changed after decoding is refused by signPayment too.
    expect(await rejectionOf(payer.signPayment({ request: { ...base, amount: "5" } }))).to.be.instanceOf(PaymentRequestTamperedError);
  });

  it("shows an unregistered payee as such, so the app can refuse before signing", async function () {
    const fake = encodePaymentRequest(
      { ...PAYMENT_REQUEST_DEFAULTS, chainId: 31337, token: l.deployment.contracts.token, merchant: l.others[1]!.address as Address, amount: 1_000_000n, requestId: keccak256("0x05"), expiresAt: now + 60n },
      6,
    );
    expect(await payer.parsePaymentRequest({ payload: fake })).to.include({ merchantRole: "none", merchantStatus: "unregistered" });
  });

  it("the contract refuses an expired, a not-yet-valid, a re-signed-value and a canceled authorization by name", async function () {
    const parsed = await payer.parsePaymentRequest({ payload: request("1").payload });
    const late = await payer.signPayment({ request: parsed });
    await networkHelpers.time.increase(601);
    expect(await rejectionOf(shop.submitPayment({ authorization: late }))).to.be.instanceOf(AuthorizationExpiredError);

    now = BigInt(await networkHelpers.time.latest());
    const fresh = await payer.parsePaymentRequest({ payload: request("1").payload });
    const early = await payer.signPayment({ request: fresh, validAfter: now + 3_000n });
    expect(await rejectionOf(shop.submitPayment({ authorization: early }))).to.be.instanceOf(AuthorizationNotYetValidError);

    const honest = await payer.signPayment({ request: fresh });
    // The value changed without its reference: refused before sending.
    expect(await rejectionOf(shop.submitPayment({ authorization: { ...honest, value: honest.value * 100n } }))).to.be.instanceOf(PaymentRequestTamperedError);
    // The value and reference changed together: the signature no longer matches, and the contract says so.
    const resigned = { ...honest, value: honest.value * 100n, reference: paymentReference(merchant, honest.value * 100n, honest.requestId) };
    expect(await rejectionOf(shop.submitPayment({ authorization: resigned }))).to.be.instanceOf(InvalidSignatureError);

    await payer.waitForTransaction({ hash: await payer.cancelAuthorization({ nonce: fresh.reference! }) });
    expect(await payer.getAuthorizationState({ authorizer: alice, nonce: fresh.reference! })).to.equal(true);
    expect(await rejectionOf(shop.submitPayment({ authorization: honest }))).to.be.instanceOf(AuthorizationUsedError);
    expect(await rejectionOf(payer.cancelAuthorization({ nonce: fresh.reference! }))).to.be.instanceOf(AuthorizationUsedError);
    expect(await balances()).to.deep.equal(["100000", "100000", "0"]);
  });

  it("createPaymentRequest draws a fresh random request id when none is given; the reference is the contract's paymentReference", async function () {
    const a = request("1");
    const b = request("1");
    expect(a.requestId).to.match(/^0x[0-9a-f]{64}$/);
    expect(a.requestId).to.not.equal(b.requestId);
    expect(a.reference).to.not.equal(b.reference);
    const given: Hex = keccak256(stringToHex("till-7:0001"));
    const again = shop.createPaymentRequest({ merchant, amount: "3", requestId: given, expiresAt: now + 60n });
    expect(again.requestId).to.equal(given);
    expect(again.reference).to.equal(await contractReference(merchant, 3_000_000n, given));
    expect(decodePaymentRequest(again.payload, 6)).to.include({ requestId: given, reference: again.reference, amount: 3_000_000n });
  });
});
