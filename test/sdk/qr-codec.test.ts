import { expect } from "chai";
import { custom, getAddress, keccak256, stringToHex, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  createLedgerClient,
  crc16CcittFalse,
  decodePaymentRequest,
  decodeTlv,
  encodePaymentRequest,
  encodeTlv,
  LedgerError,
  PAYMENT_REQUEST_DEFAULTS,
  PAYMENT_REQUEST_GUI,
  PaymentRequestChecksumError,
  PaymentRequestFieldError,
  PaymentRequestMalformedError,
  PaymentRequestTamperedError,
  PaymentAmountZeroError,
  paymentReference,
  parsePaymentAuthorization,
  stripCrc,
  serializePaymentAuthorization,
  withCrc,
  type PaymentAuthorization,
  type PaymentRequest,
} from "@goods-ledger/sdk";

const token = getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3");
const merchant = getAddress("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
const requestId = keccak256(stringToHex("invoice-42"));
// Written out from the binding rule keccak256(abi.encode(payee, value, requestId)), independently of the SDK.
const reference = keccak256(`0x${merchant.slice(2).toLowerCase().padStart(64, "0")}${(12_500_000n).toString(16).padStart(64, "0")}${requestId.slice(2)}`);

const request: PaymentRequest = {
  ...PAYMENT_REQUEST_DEFAULTS,
  chainId: 31337,
  token,
  merchant,
  amount: 12_500_000n,
  requestId,
  reference,
  expiresAt: 1_900_000_000n,
  merchantName: "MAMA NJERI SHOP",
  merchantCity: "NAIROBI",
  countryCode: "KE",
};

describe("sdk QR codec (EMVCo MPM)", function () {
  describe("CRC-16/CCITT-FALSE", function () {
    it("matches the standard check value for \"123456789\"", function () {
      expect(crc16CcittFalse("123456789")).to.equal("29B1");
    });
  });

  describe("TLV", function () {
    it("encodes tag, two-digit length and value, and decodes back", function () {
      const text = encodeTlv([{ tag: "00", value: "01" }, { tag: "59", value: "SHOP" }]);
      expect(text).to.equal("0002015904SHOP");
      expect(decodeTlv(text)).to.deep.equal([{ tag: "00", value: "01" }, { tag: "59", value: "SHOP" }]);
    });

    it("refuses a value over 99 characters or outside printable ASCII", function () {
      expect(() => encodeTlv([{ tag: "59", value: "x".repeat(100) }])).to.throw(PaymentRequestFieldError, /99/);
      expect(() => encodeTlv([{ tag: "59", value: "café" }])).to.throw(PaymentRequestFieldError, /ASCII/);
    });

    it("reports a value that runs past the end as truncated", function () {
      expect(() => decodeTlv("0002015910SHOP")).to.throw(PaymentRequestMalformedError, /truncated/);
      expect(() => decodeTlv("00X201")).to.throw(PaymentRequestMalformedError, /tag and length/);
    });
  });

  describe("payment requests", function () {
    const payload = encodePaymentRequest(request, 6);

    it("round-trips every field", function () {
      expect(decodePaymentRequest(payload, 6)).to.deep.equal(request);
    });

    it("round-trips a request without an amount (which carries no reference: the payer's amount sets it)", function () {
      const open = { ...request, amount: undefined, reference: undefined };
      const text = encodePaymentRequest(open, 6);
      expect(text).to.not.include("5404");
      expect(decodeTlv(text).map((f) => f.tag)).to.not.include("81");
      expect(decodePaymentRequest(text, 6)).to.deep.equal(open);
    });

    it("writes the reference paymentReference(payee, amount, requestId), computed when not given", function () {
      expect(paymentReference(merchant, 12_500_000n, requestId)).to.equal(reference);
      expect(encodePaymentRequest({ ...request, reference: undefined }, 6)).to.equal(payload);
      const binding = decodeTlv(decodeTlv(payload).find((f) => f.tag === "81")!.value);
      expect(binding[0]).to.deep.equal({ tag: "00", value: PAYMENT_REQUEST_GUI });
      expect(binding[1]!.tag).to.equal("01");
    });

    it("refuses a payload whose amount or payee was edited (CRC recomputed) with PaymentRequestTamperedError and its fields", function () {
      const edited = editTag(payload, "54", "125.00");
      const error = catchError(() => decodePaymentRequest(edited, 6));
      expect(error).to.be.instanceOf(PaymentRequestTamperedError);
      expect(error).to.include({ merchant, amount: 125_000_000n, requestId, reference, expected: paymentReference(merchant, 125_000_000n, requestId) });
      expect((error as PaymentRequestTamperedError).shortMessage).to.equal(
        `payment request was altered: its amount (125.00) or payee (${merchant}) is not what its reference ${reference} commits to; do not pay it`,
      );
      // Another payee: the merchant account template rewritten to name the token as payee.
      const otherPayee = decodePaymentRequest(encodePaymentRequest({ ...request, merchant: token, reference: undefined }, 6), 6);
      const swapped = editTag(payload, "26", decodeTlv(encodePaymentRequest({ ...request, merchant: token, reference: undefined }, 6)).find((f) => f.tag === "26")!.value);
      const payeeError = catchError(() => decodePaymentRequest(swapped, 6));
      expect(payeeError).to.be.instanceOf(PaymentRequestTamperedError);
      expect(payeeError).to.include({ merchant: token, amount: 12_500_000n, reference, expected: otherPayee.reference });
      // Removing the amount but keeping the reference, or dropping the reference, is malformed.
      const noAmount = withCrc(decodeTlv(stripCrc(payload)).filter((f) => f.tag !== "54").map(tlv).join(""));
      expect(() => decodePaymentRequest(noAmount, 6)).to.throw(PaymentRequestMalformedError, /must not carry a reference/);
      const noReference = withCrc(decodeTlv(stripCrc(payload)).filter((f) => f.tag !== "81").map(tlv).join(""));
      expect(() => decodePaymentRequest(noReference, 6)).to.throw(PaymentRequestMalformedError, /reference template \(tag 81\) is missing/);
      // A given reference that does not match is refused when encoding too.
      expect(() => encodePaymentRequest({ ...request, amount: 1n }, 6)).to.throw(PaymentRequestTamperedError);
    });

    it("refuses an amount of 0 when encoding and when decoding", function () {
      expect(() => encodePaymentRequest({ ...request, amount: 0n, reference: undefined }, 6)).to.throw(PaymentRequestFieldError, /more than 0/);
      expect(() => decodePaymentRequest(editTag(payload, "54", "0.00"), 6)).to.throw(PaymentRequestMalformedError, /is 0/);
    });

    it("is EMVCo-shaped: format 01 first, dynamic, tag 26, 80 and 81 templates with the GUI, CRC last", function () {
      const fields = decodeTlv(payload);
      expect(fields[0]).to.deep.equal({ tag: "00", value: "01" });
      expect(fields[1]).to.deep.equal({ tag: "01", value: "12" });
      expect(fields.at(-1)!.tag).to.equal("63");
      expect(fields.find((f) => f.tag === "54")!.value).to.equal("12.5");
      for (const tag of ["26", "80", "81"]) {
        const template = decodeTlv(fields.find((f) => f.tag === tag)!.value);
        expect(template[0]).to.deep.equal({ tag: "00", value: PAYMENT_REQUEST_GUI });
      }
      expect(payload.slice(-4)).to.equal(crc16CcittFalse(payload.slice(0, -4)));
    });

    it("fails on a bad CRC with PaymentRequestChecksumError", function () {
      const flipped = payload.slice(0, -1) + (payload.endsWith("0") ? "1" : "0");
      expect(() => decodePaymentRequest(flipped, 6)).to.throw(PaymentRequestChecksumError);
    });

    it("fails on altered content (the CRC no longer matches)", function () {
      const altered = payload.replace("5802KE", "5802TZ");
      expect(altered).to.not.equal(payload);
      expect(() => decodePaymentRequest(altered, 6)).to.throw(PaymentRequestChecksumError);
    });

    it("fails on a truncated payload", function () {
      for (const cut of [1, 8, 20, payload.length - 30]) {
        expect(() => decodePaymentRequest(payload.slice(0, payload.length - cut), 6), `cut ${cut}`).to.throw(LedgerError);
      }
      expect(() => decodePaymentRequest(payload.slice(0, 40), 6)).to.throw(PaymentRequestMalformedError, /CRC|truncated/);
      expect(() => decodePaymentRequest("", 6)).to.throw(PaymentRequestMalformedError);
    });

    it("refuses a payload with a non-ASCII or control character, even under a matching CRC", function () {
      // "Ł" (U+0141) has the same low byte as "A": the CRC alone cannot tell them apart.
      const spoofed = payload.replace("MAMA", "MAM\u0141");
      expect(spoofed.slice(-4)).to.equal(payload.slice(-4));
      expect(() => decodePaymentRequest(spoofed, 6)).to.throw(PaymentRequestMalformedError, /ASCII/);
      const escaped = withCrc(stripCrcForTest(payload).replace("5915MAMA NJERI SHOP", "5915\u001b[2J NJERI SHOP"));
      expect(() => decodePaymentRequest(escaped, 6)).to.throw(PaymentRequestMalformedError, /ASCII/);
    });

    it("fails on a well-formed payload whose fields are missing or for another scheme", function () {
      const noTemplate = withCrc(encodeTlv([{ tag: "00", value: "01" }, { tag: "59", value: "X" }]));
      expect(() => decodePaymentRequest(noTemplate, 6)).to.throw(PaymentRequestMalformedError, /merchant account template/);
      const otherGui = withCrc(
        decodeTlv(payload.slice(0, -8))
          .map((f) => (f.tag === "26" ? { tag: "26", value: f.value.replace(PAYMENT_REQUEST_GUI, "com.example.pay") } : f))
          .map((f) => `${f.tag}${String(f.value.length).padStart(2, "0")}${f.value}`)
          .join(""),
      );
      expect(() => decodePaymentRequest(otherGui, 6)).to.throw(PaymentRequestMalformedError, /not for org.goodsledger/);
    });

    it("refuses to encode a field that does not fit the format", function () {
      expect(() => encodePaymentRequest({ ...request, merchantName: "x".repeat(26) }, 6)).to.throw(PaymentRequestFieldError, /merchantName/);
      expect(() => encodePaymentRequest({ ...request, countryCode: "kenya" }, 6)).to.throw(PaymentRequestFieldError, /countryCode/);
      expect(() => encodePaymentRequest({ ...request, requestId: "0x1234" }, 6)).to.throw(PaymentRequestFieldError, /requestId/);
      expect(() => encodePaymentRequest({ ...request, amount: 10n ** 20n }, 6)).to.throw(PaymentRequestFieldError, /amount/);
      expect(() => encodePaymentRequest({ ...request, merchant: "0x1234" as Address, reference: undefined }, 6)).to.throw(PaymentRequestFieldError, /merchant/);
    });
  });

  describe("signing offline", function () {
    it("refuses a malformed request id or merchant with PaymentRequestFieldError naming the field, before any request", async function () {
      let requests = 0;
      const payer = createLedgerClient({
        deployment: { chainId: 31337, contracts: { token, reserveRegistry: merchant } },
        // A transport that counts: an RpcConnectionError (or any early failure) cannot pass for the field check.
        transport: custom({ request: async () => (requests++, Promise.reject(new Error("no node in this test"))) }, { retryCount: 0 }),
        account: privateKeyToAccount(`0x${"11".repeat(32)}`),
      });
      const domain = { name: "Goods", version: "1", chainId: 31337, verifyingContract: token };
      const now = 1_800_000_000n;
      const cases = [
        [{ requestId: "0x12" as const }, "requestId", "payment request field requestId must be 32 bytes of hex"],
        [{ merchant: "0x1234" as Address }, "merchant", "payment request field merchant must be an address"],
        [{ reference: "0x12" as const }, "reference", "payment request field reference must be 32 bytes of hex"],
      ] as const;
      for (const [bad, field, message] of cases) {
        const error = await payer.signPayment({ request: { ...request, ...bad }, domain, now }).then(() => undefined, (e: unknown) => e);
        expect(error, field).to.be.instanceOf(PaymentRequestFieldError);
        expect(error, field).to.include({ field, shortMessage: message });
      }
      expect(requests).to.equal(0);
      // The same client signs a well-formed request with no request at all (the domain is given).
      const signed = await payer.signPayment({ request, domain, now });
      expect(signed).to.include({ to: merchant, value: 12_500_000n, requestId, reference });
      expect(requests).to.equal(0);
    });
  });

  describe("authorization hand-over", function () {
    const authorization: PaymentAuthorization = {
      from: token,
      to: merchant,
      value: 12_500_000n,
      validAfter: 0n,
      validBefore: 1_900_000_000n,
      requestId,
      reference,
      signature: `0x${"ab".repeat(65)}`,
    };

    it("serializes to JSON and parses back", function () {
      const text = serializePaymentAuthorization(authorization);
      expect(JSON.parse(text).value).to.equal("12500000");
      expect(parsePaymentAuthorization(text)).to.deep.equal(authorization);
    });

    it("names the bad field of a damaged authorization", function () {
      const text = serializePaymentAuthorization({ ...authorization, requestId: "0x12" });
      expect(() => parsePaymentAuthorization(text)).to.throw(LedgerError, /requestId/);
      expect(() => parsePaymentAuthorization("{")).to.throw(LedgerError, /JSON/);
    });

    it("refuses an authorization whose value was changed without its reference, or of value 0", function () {
      const raised = catchError(() => parsePaymentAuthorization(serializePaymentAuthorization({ ...authorization, value: 99_000_000n })));
      expect(raised).to.be.instanceOf(PaymentRequestTamperedError);
      expect(raised).to.include({ amount: 99_000_000n, reference, expected: paymentReference(merchant, 99_000_000n, requestId) });
      expect(() => parsePaymentAuthorization(serializePaymentAuthorization({ ...authorization, value: 0n }))).to.throw(PaymentAmountZeroError);
    });

    it("refuses JSON that is not an object with a LedgerError, not a TypeError", function () {
      for (const text of ["null", "[]", "42", '"receive"']) expect(() => parsePaymentAuthorization(text), text).to.throw(LedgerError);
    });
  });
});

function tlv(f: { tag: string; value: string }): string {
  return `${f.tag}${String(f.value.length).padStart(2, "0")}${f.value}`;
}

/** Rewrites one root tag of a payload and recomputes the CRC: what an attacker who edits a QR code does. */
function editTag(payload: string, tag: string, value: string): string {
  return withCrc(decodeTlv(stripCrc(payload)).map((f) => (f.tag === tag ? tlv({ tag, value }) : tlv(f))).join(""));
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

/** The payload without its CRC data object (tag 63, the last 8 characters). */
function stripCrcForTest(payload: string): string {
  return payload.slice(0, -8);
}
