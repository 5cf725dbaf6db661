import { isAddress, isAddressEqual, type Address, type Hex } from "viem";
import { signTypedData } from "viem/actions";
import { formatAmount, toBaseUnits, type Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import { toLedgerError } from "../errors/toLedgerError.js";
import {
  PaymentAmountMismatchError,
  PaymentAmountRequiredError,
  PaymentAmountZeroError,
  PaymentRequestExpiredError,
  PaymentRequestFieldError,
  PaymentRequestTamperedError,
  PaymentRequestWrongChainError,
  PaymentRequestWrongTokenError,
} from "../errors/qr.js";
import type { AccountRequiredError } from "../errors/account.js";
import type { AmountEmptyError, AmountNegativeError, AmountNotNumericError, AmountOutOfRangeError, AmountTooManyDecimalsError } from "../errors/amount.js";
import type { ReadErrorType } from "../errors/types.js";
import { requireAccount } from "../internal/contracts.js";
import { paymentAuthorizationTypes, type PaymentAuthorization } from "../qr/authorization.js";
import { paymentReference } from "../qr/reference.js";
import { getTokenDomain, type TokenDomain } from "./getTokenDomain.js";

/** The fields of a request that signing needs (a decoded or parsed request fits). */
export type SignableRequest = {
  merchant: Address;
  /** The request's amount; undefined when the payer enters it. */
  amount?: Amount | undefined;
  /** The request's 32-byte id. */
  requestId: Hex;
  /** The reference the request carries, checked against the merchant, amount and request id when given. */
  reference?: Hex | undefined;
  expiresAt: bigint;
  chainId?: number | undefined;
  token?: Address | undefined;
};

/** Parameters of {@link signPayment}. */
export type SignPaymentParameters = {
  /** The request (from `parsePaymentRequest`, or `decodePaymentRequest` offline). */
  request: SignableRequest;
  /** The amount, only for a request without one (or the same amount as the request's). */
  amount?: Amount | undefined;
  /** The token's EIP-712 domain, to sign with no network at all; read from the token when omitted. */
  domain?: TokenDomain | undefined;
  /** Not valid before this unix time; 0 by default. */
  validAfter?: bigint | undefined;
  /** The time to check the expiry against, unix seconds; now by default. */
  now?: bigint | undefined;
};

/** The signed authorization, for `submitPayment` (serialize it with `serializePaymentAuthorization`). */
export type SignPaymentReturnType = PaymentAuthorization;

/** Errors {@link signPayment} can throw (all but the domain read before anything is asked of the node). */
export type SignPaymentErrorType =
  | AccountRequiredError
  | PaymentRequestFieldError
  | PaymentRequestTamperedError
  | PaymentAmountRequiredError
  | PaymentAmountMismatchError
  | PaymentAmountZeroError
  | PaymentRequestExpiredError
  | PaymentRequestWrongChainError
  | PaymentRequestWrongTokenError
  | AmountEmptyError
  | AmountNegativeError
  | AmountNotNumericError
  | AmountTooManyDecimalsError
  | AmountOutOfRangeError
  | ReadErrorType;

/**
 * Signs the payment of a request with the client's account, sending nothing: a `PaymentAuthorization`
 * (EIP-712 on the token's domain) of `value` = the request's amount to the merchant, valid until the request
 * expires. On chain its nonce is `paymentReference(merchant, value, requestId)`, so it pays this request
 * once, at this amount, and no authorization of another amount can consume the request (DESIGN.md §4).
 * Every check below runs before the node is asked for anything.
 *
 * @param client - a ledger client whose account pays.
 * @param parameters - the request, the amount for a request without one, and the domain.
 * @returns the signed authorization.
 * @throws {PaymentRequestFieldError} when the merchant or request id is malformed.
 * @throws {PaymentRequestTamperedError} when the request's reference does not commit to its merchant, amount and id.
 * @throws {PaymentAmountZeroError} when the amount is 0.
 * @throws {PaymentAmountMismatchError} when an amount other than the request's is given.
 * @example
 * ```ts
 * const authorization = await signPayment(payer, { request, domain }); // offline with a cached domain
 * console.log(`you pay ${formatAmount(authorization.value, 6)} to ${authorization.to}`);
 * ```
 */
export async function signPayment(client: LedgerBaseClient, parameters: SignPaymentParameters): Promise<SignPaymentReturnType> {
  const p = parameters;
  const account = requireAccount(client);
  const { request } = p;
  const { decimals } = client.ledger;
  if (typeof request.merchant !== "string" || !isAddress(request.merchant, { strict: false })) throw new PaymentRequestFieldError("merchant", "must be an address");
  if (!isBytes32(request.requestId)) throw new PaymentRequestFieldError("requestId", "must be 32 bytes of hex");
  if (request.reference !== undefined && !isBytes32(request.reference)) throw new PaymentRequestFieldError("reference", "must be 32 bytes of hex");
  if (request.chainId !== undefined && request.chainId !== client.ledger.chainId) throw new PaymentRequestWrongChainError(client.ledger.chainId, request.chainId);
  if (request.token !== undefined && !isAddressEqual(request.token, client.ledger.token)) throw new PaymentRequestWrongTokenError(client.ledger.token, request.token);
  const now = p.now ?? BigInt(Math.floor(Date.now() / 1000));
  if (now >= request.expiresAt) throw new PaymentRequestExpiredError(request.expiresAt, now);
  if (request.amount === undefined && p.amount === undefined) throw new PaymentAmountRequiredError();
  const value = toBaseUnits((request.amount ?? p.amount)!, decimals);
  if (request.amount !== undefined && p.amount !== undefined) {
    const given = toBaseUnits(p.amount, decimals);
    if (given !== value) throw new PaymentAmountMismatchError(value, given, { requested: formatAmount(value, decimals), given: formatAmount(given, decimals) });
  }
  if (value === 0n) throw new PaymentAmountZeroError();
  const reference = paymentReference(request.merchant, value, request.requestId);
  if (request.reference !== undefined && request.reference.toLowerCase() !== reference) {
    throw new PaymentRequestTamperedError(
      { merchant: request.merchant, amount: value, requestId: request.requestId, reference: request.reference, expected: reference },
      formatAmount(value, decimals),
    );
  }
  const message = { from: account.address, to: request.merchant, value, validAfter: p.validAfter ?? 0n, validBefore: request.expiresAt, requestId: request.requestId };
  const domain = p.domain ?? (await getTokenDomain(client));
  let signature: Hex;
  try {
    signature = await signTypedData(client, { account, domain, types: paymentAuthorizationTypes, primaryType: "PaymentAuthorization", message });
  } catch (error) {
    // A JSON-RPC account's node failing: named, not viem's error.
    throw toLedgerError(error, "eth_signTypedData_v4");
  }
  return { ...message, requestId: message.requestId.toLowerCase() as Hex, reference, signature };
}

function isBytes32(value: unknown): value is Hex {
  return typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value);
}
