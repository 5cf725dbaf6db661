/** QR pay: the shop shows a request, the customer signs offline, the shop submits; paying again is refused. */
import { AuthorizationUsedError, decodePaymentRequest, parsePaymentAuthorization, serializePaymentAuthorization } from "../../src/sdk/index.js";
import { account, clientAs } from "./env.js";

const shop = clientAs("SHOP");
const alice = clientAs("ALICE");

// 1. The shop's till makes the request and shows `payload` as a QR code.
const { payload } = shop.createPaymentRequest({
  merchant: account("SHOP").address,
  amount: "7.25",
  expiresAt: BigInt(Math.floor(Date.now() / 1000) + 600),
  merchantName: "MAMA NJERI SHOP",
  merchantCity: "NAIROBI",
  countryCode: "KE",
});
console.log(`QR payload: ${payload}`);

// 2. The customer's app reads it and shows who is asking, as the ledger records them.
const request = await alice.parsePaymentRequest({ payload });
console.log(`pay ${request.amount} to ${request.merchantName} (${request.merchantRole}, ${request.merchantStatus})`);

// 3. The app signs offline: with the token's EIP-712 domain cached, no network is needed.
const domain = await alice.getTokenDomain(); // fetched once while online
const signed = await alice.signPayment({ request: decodePaymentRequest(payload, 6), domain });
const handedOver = serializePaymentAuthorization(signed); // e.g. shown back as a QR code, or sent by SMS

// 4. The shop submits it (receiveWithAuthorization: only the payee can).
const hash = await shop.submitPayment({ authorization: parsePaymentAuthorization(handedOver) });
await shop.waitForTransaction({ hash });
console.log(`paid: reference used = ${await shop.isPaymentReferenceUsed({ payee: request.merchant, reference: request.reference })}`);

// 5. The same request cannot be paid twice.
try {
  await shop.submitPayment({ authorization: await alice.signPayment({ request, domain }) });
} catch (error) {
  if (!(error instanceof AuthorizationUsedError)) throw error;
  console.log(`second payment refused: ${error.name}: ${error.shortMessage}`);
}
