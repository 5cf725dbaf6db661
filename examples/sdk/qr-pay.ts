/**
 * QR pay: the shop shows a request bound to its amount, the customer signs offline, the shop submits; paying
 * again is refused, and so is a payload whose amount was edited.
 */
import {
  AuthorizationUsedError,
  decodePaymentRequest,
  decodeTlv,
  parsePaymentAuthorization,
  PaymentRequestTamperedError,
  serializePaymentAuthorization,
  stripCrc,
  withCrc,
} from "@goods-ledger/sdk";
import { account, clientAs } from "./env.js";

const shop = clientAs("SHOP");
const alice = clientAs("ALICE");

// 1. The shop's till makes the request and shows `payload` as a QR code.
const { payload, reference } = shop.createPaymentRequest({
  merchant: account("SHOP").address,
  amount: "7.25",
  expiresAt: BigInt(Math.floor(Date.now() / 1000) + 600),
  merchantName: "MAMA NJERI SHOP",
  merchantCity: "NAIROBI",
  countryCode: "KE",
});
console.log(`QR payload: ${payload}`);
console.log(`reference (paymentReference(shop, 7.25, requestId)): ${reference}`);

// 2. The customer's app reads it and shows what she commits to, and who is asking as the ledger records them.
const request = await alice.parsePaymentRequest({ payload });
console.log(`pay ${request.amount} to ${request.merchantName} (${request.merchantRole}, ${request.merchantStatus}; paid already: ${request.paid})`);

// 3. The app signs offline: with the token's EIP-712 domain cached, no network is needed.
const domain = await alice.getTokenDomain(); // fetched once while online
const signed = await alice.signPayment({ request: decodePaymentRequest(payload, 6), domain });
const handedOver = serializePaymentAuthorization(signed); // e.g. shown back as a QR code, or sent by SMS

// 4. The shop submits it (payWithAuthorization: anyone may; it can only pay 7.25 to the shop, once).
const hash = await shop.submitPayment({ authorization: parsePaymentAuthorization(handedOver) });
await shop.waitForTransaction({ hash });
console.log(`paid: reference used = ${await shop.isPaymentReferenceUsed({ payee: request.merchant, reference: request.reference! })}`);

// 5. The same request cannot be paid twice.
try {
  await shop.submitPayment({ authorization: await alice.signPayment({ request, domain }) });
} catch (error) {
  if (!(error instanceof AuthorizationUsedError)) throw error;
  console.log(`second payment refused: ${error.name}: ${error.shortMessage}`);
}

// 6. A payload whose amount was edited (CRC recomputed) no longer matches its reference: refused offline.
const edited = withCrc(
  decodeTlv(stripCrc(payload))
    .map((f) => (f.tag === "54" ? "54040.25" : `${f.tag}${String(f.value.length).padStart(2, "0")}${f.value}`))
    .join(""),
);
try {
  decodePaymentRequest(edited, 6);
} catch (error) {
  if (!(error instanceof PaymentRequestTamperedError)) throw error;
  console.log(`edited request refused: ${error.name}: ${error.shortMessage}`);
}
