import { expect } from "chai";
import { maxUint256, maxUint64 } from "viem";
import {
  AmountEmptyError,
  AmountNegativeError,
  AmountNotNumericError,
  AmountOutOfRangeError,
  AmountTooManyDecimalsError,
  formatAmount,
  fromBytes32,
  LedgerError,
  parseAmount,
  parseLimit,
  roleName,
  roles,
  toBaseUnits,
  toBytes32,
  formatLimit,
  dayNumber,
} from "@goods-ledger/sdk";
import { keccak256, stringToHex, zeroHash } from "viem";

describe("sdk amounts", function () {
  describe("parseAmount", function () {
    for (const [input, units] of [
      ["0", 0n],
      ["1", 1_000_000n],
      ["12.5", 12_500_000n],
      ["0.000001", 1n],
      ["120.00", 120_000_000n],
      ["1.0000000", 1_000_000n],
      ["007", 7_000_000n],
    ] as const) {
      it(`parses "${input}" as ${units} base units`, function () {
        expect(parseAmount(input, 6)).to.equal(units);
      });
    }

    const refusals: [string, string, new (...args: never[]) => LedgerError][] = [
      ["an empty string", "", AmountEmptyError],
      ["only spaces", "   ", AmountEmptyError],
      ["a negative amount", "-5", AmountNegativeError],
      ["a negative fraction", "-0.5", AmountNegativeError],
      ["letters", "ten", AmountNotNumericError],
      ["an exponent", "1e6", AmountNotNumericError],
      ["a thousands separator", "1,000", AmountNotNumericError],
      ["a leading dot", ".5", AmountNotNumericError],
      ["a trailing dot", "5.", AmountNotNumericError],
      ["a plus sign", "+5", AmountNotNumericError],
      ["surrounding spaces", " 5 ", AmountNotNumericError],
      ["seven decimals", "0.0000001", AmountTooManyDecimalsError],
      ["a value above uint256", `${maxUint256}`, AmountOutOfRangeError],
    ];
    for (const [what, input, ErrorClass] of refusals) {
      it(`refuses ${what} with ${ErrorClass.name}`, function () {
        let thrown: unknown;
        try {
          parseAmount(input, 6);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).to.be.instanceOf(ErrorClass);
        expect(thrown).to.be.instanceOf(LedgerError);
        expect((thrown as LedgerError).shortMessage).to.be.a("string").and.not.equal("");
      });
    }

    it("accepts the largest uint256 and names the bound above it", function () {
      const max = formatAmount(maxUint256, 6);
      expect(parseAmount(max, 6)).to.equal(maxUint256);
      const error = (() => {
        try {
          return parseAmount(formatAmount(maxUint256 + 1n, 6), 6);
        } catch (e) {
          return e;
        }
      })();
      expect(error).to.be.instanceOf(AmountOutOfRangeError);
      expect((error as AmountOutOfRangeError).max).to.equal(maxUint256);
    });

    it("applies a smaller bound when one is given (tier limits are uint64)", function () {
      expect(() => parseAmount("18446744073709.551616", 6, { max: maxUint64 })).to.throw(AmountOutOfRangeError);
      expect(parseAmount("18446744073709.551615", 6, { max: maxUint64 })).to.equal(maxUint64);
    });
  });

  describe("formatAmount", function () {
    it("drops trailing zeros and pads on request", function () {
      expect(formatAmount(12_500_000n, 6)).to.equal("12.5");
      expect(formatAmount(120_000_000n, 6)).to.equal("120");
      expect(formatAmount(120_000_000n, 6, { minFractionDigits: 2 })).to.equal("120.00");
      expect(formatAmount(1n, 6)).to.equal("0.000001");
      expect(formatAmount(-1_500_000n, 6)).to.equal("-1.5");
    });

    it("round-trips with parseAmount", function () {
      for (const units of [0n, 1n, 999_999n, 1_000_000n, 123_456_789_012n, maxUint256]) {
        expect(parseAmount(formatAmount(units, 6), 6)).to.equal(units);
      }
    });
  });

  describe("toBaseUnits", function () {
    it("takes bigints as base units and checks their range", function () {
      expect(toBaseUnits(7n, 6)).to.equal(7n);
      expect(toBaseUnits("7", 6)).to.equal(7_000_000n);
      expect(() => toBaseUnits(-1n, 6)).to.throw(AmountNegativeError);
      expect(() => toBaseUnits(maxUint256 + 1n, 6)).to.throw(AmountOutOfRangeError);
    });
  });

  describe("limits", function () {
    it("maps null to type(uint64).max (unlimited) and back", function () {
      expect(parseLimit(null, 6)).to.equal(maxUint64);
      expect(formatLimit(maxUint64, 6)).to.equal(null);
      expect(parseLimit("500", 6)).to.equal(500_000_000n);
      expect(formatLimit(500_000_000n, 6)).to.equal("500");
    });

    it("refuses a finite limit equal to the unlimited sentinel (2^64 − 1 base units)", function () {
      expect(parseLimit("18446744073709.551614", 6)).to.equal(maxUint64 - 1n);
      expect(() => parseLimit("18446744073709.551615", 6)).to.throw(AmountOutOfRangeError);
      expect(() => parseLimit(maxUint64, 6)).to.throw(AmountOutOfRangeError);
    });

    it("counts UTC days from 1970-01-01", function () {
      expect(dayNumber(new Date("1970-01-02T00:00:00Z"))).to.equal(1);
      expect(dayNumber(new Date("2027-01-01T23:59:59Z"))).to.equal(20819);
    });
  });

  describe("bytes32 codes", function () {
    it("pads short text and decodes it back", function () {
      const kg = toBytes32("kg", "unit");
      expect(kg).to.equal(`0x6b67${"0".repeat(60)}`);
      expect(fromBytes32(kg)).to.equal("kg");
      expect(fromBytes32(zeroHash)).to.equal("");
    });

    it("passes 32-byte hex through and leaves non-text hex as hex", function () {
      const hash = keccak256(stringToHex("order"));
      expect(toBytes32(hash, "legalRef")).to.equal(hash);
      expect(fromBytes32(hash)).to.equal(hash);
    });

    it("refuses text longer than 31 bytes, naming the field", function () {
      expect(() => toBytes32("x".repeat(32), "reasonCode")).to.throw(LedgerError, /reasonCode/);
    });
  });

  describe("roles", function () {
    it("are keccak256 of their names, and zero for the admin role", function () {
      expect(roles.DEFAULT_ADMIN_ROLE).to.equal(zeroHash);
      for (const name of ["PAUSER_ROLE", "REGISTRAR_ROLE", "COMPLIANCE_ROLE", "ISSUER_ROLE", "CUSTODIAN_ROLE", "AUDITOR_ROLE"] as const) {
        expect(roles[name]).to.equal(keccak256(stringToHex(name)));
        expect(roleName(roles[name])).to.equal(name);
      }
      expect(roleName(keccak256(stringToHex("NOT_A_ROLE")))).to.equal(undefined);
    });
  });
});
