import { expect } from "chai";
import { getAddress, keccak256, stringToHex, type Address } from "viem";
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
  parsePaymentAuthorization,
  serializePaymentAuthorization,
  withCrc,
  type PaymentAuthorization,
  type PaymentRequest,
} from "../../src/sdk/index.js";

const token = getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3");
const merchant = getAddress("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
const reference = keccak256(stringToHex("invoice-42"));

const request: PaymentRequest = {
  ...PAYMENT_REQUEST_DEFAULTS,
  chainId: 31337,
  token,
  merchant,
  amount: 12_500_000n,
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

    it("round-trips a request without an amount", function () {
      const open = { ...request, amount: undefined };
      const text = encodePaymentRequest(open, 6);
      expect(text).to.not.include("5404");
      expect(decodePaymentRequest(text, 6)).to.deep.equal(open);
    });

    it("is EMVCo-shaped: format 01 first, dynamic, tag 26 and 80 templates with the GUI, CRC last", function () {
      const fields = decodeTlv(payload);
      expect(fields[0]).to.deep.equal({ tag: "00", value: "01" });
      expect(fields[1]).to.deep.equal({ tag: "01", value: "12" });
      expect(fields.at(-1)!.tag).to.equal("63");
      expect(fields.find((f) => f.tag === "54")!.value).to.equal("12.5");
      for (const tag of ["26", "80"]) {
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
      expect(() => encodePaymentRequest({ ...request, reference: "0x1234" }, 6)).to.throw(PaymentRequestFieldError, /reference/);
      expect(() => encodePaymentRequest({ ...request, amount: 10n ** 20n }, 6)).to.throw(PaymentRequestFieldError, /amount/);
      expect(() => encodePaymentRequest({ ...request, merchant: "0x1234" as Address }, 6)).to.throw(PaymentRequestFieldError, /merchant/);
    });
  });

  describe("signing offline", function () {
    it("refuses a malformed reference or merchant with a LedgerError, not viem's", async function () {
      const payer = createLedgerClient({
        deployment: { chainId: 31337, contracts: { token, reserveRegistry: merchant } },
        rpcUrl: "http://127.0.0.1:9",
        account: privateKeyToAccount(`0x${"11".repeat(32)}`),
      });
      const domain = { name: "Goods Naira", version: "1", chainId: 31337, verifyingContract: token };
      const now = 1_800_000_000n;
      for (const bad of [{ reference: "0x12" as const }, { merchant: "0x1234" as Address }]) {
        const signing = payer.signPayment({ request: { ...request, ...bad }, domain, now });
        const error = await signing.then(() => undefined, (e: unknown) => e);
        expect(error, JSON.stringify(bad)).to.be.instanceOf(LedgerError);
      }
    });
  });

  describe("authorization hand-over", function () {
    const authorization: PaymentAuthorization = {
      kind: "receive",
      from: merchant,
      to: token,
      value: 5_000_000n,
      validAfter: 0n,
      validBefore: 1_900_000_000n,
      nonce: reference,
      signature: `0x${"ab".repeat(65)}`,
    };

    it("serializes to JSON and parses back", function () {
      const text = serializePaymentAuthorization(authorization);
      expect(JSON.parse(text).value).to.equal("5000000");
      expect(parsePaymentAuthorization(text)).to.deep.equal(authorization);
    });

    it("names the bad field of a damaged authorization", function () {
      const text = serializePaymentAuthorization({ ...authorization, nonce: "0x12" });
      expect(() => parsePaymentAuthorization(text)).to.throw(LedgerError, /nonce/);
      expect(() => parsePaymentAuthorization("{")).to.throw(LedgerError, /JSON/);
    });

    it("refuses JSON that is not an object with a LedgerError, not a TypeError", function () {
      for (const text of ["null", "[]", "42", '"receive"']) expect(() => parsePaymentAuthorization(text), text).to.throw(LedgerError);
    });
  });
});

/** The payload without its CRC data object (tag 63, the last 8 characters). */
function stripCrcForTest(payload: string): string {
  return payload.slice(0, -8);
}
