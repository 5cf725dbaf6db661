import { isAddressEqual, type Address, type Hex } from "viem";
import { signTypedData } from "viem/actions";
import { toBaseUnits, type Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import { LedgerError } from "../errors/base.js";
import { toLedgerError } from "../errors/toLedgerError.js";
import {
  PaymentAmountRequiredError,
  PaymentRequestExpiredError,
  PaymentRequestWrongChainError,
  PaymentRequestWrongTokenError,
} from "../errors/qr.js";
import type { ReadErrorType } from "../errors/types.js";
import { requireAccount } from "../internal/contracts.js";
import { eip3009Types, type PaymentAuthorization } from "../qr/authorization.js";
import { getTokenDomain, type TokenDomain } from "./getTokenDomain.js";

/** The fields of a request that signing needs (a decoded or parsed request fits). */
export type SignableRequest = {
  merchant: Address;
  amount?: Amount | undefined;
  reference: Hex;
  expiresAt: bigint;
  chainId?: number | undefined;
  token?: Address | undefined;
};

/** Parameters of {@link signPayment}. */
export type SignPaymentParameters = {
  /** The request (from `parsePaymentRequest`, or `decodePaymentRequest` offline). */
  request: SignableRequest;
  /** The amount, only for a request without one. */
  amount?: Amount | undefined;
  /**
   * Who will submit: `"merchant"` (default) signs a receive-authorization only the merchant can submit;
   * `"relayer"` signs a transfer-authorization anyone can submit.
   */
  submitter?: "merchant" | "relayer" | undefined;
  /** The token's EIP-712 domain, to sign with no network at all; read from the token when omitted. */
  domain?: TokenDomain | undefined;
  /** Not valid before this unix time; 0 by default. */
  validAfter?: bigint | undefined;
  /** The time to check the expiry against, unix seconds; now by default. */
  now?: bigint | undefined;
};

/** The signed authorization, for `submitPayment` (serialize it with `serializePaymentAuthorization`). */
export type SignPaymentReturnType = PaymentAuthorization;

/** Errors {@link signPayment} can throw. */
export type SignPaymentErrorType =
  | PaymentAmountRequiredError
  | PaymentRequestExpiredError
  | PaymentRequestWrongChainError
  | PaymentRequestWrongTokenError
  | ReadErrorType;

/**
 * Signs an EIP-3009 authorization paying a request, with the client's account, sending nothing. The
 * request's reference is the nonce and its expiry is `validBefore`, so one payer can pay a request only once
 * and the merchant's single-use reference rejects any second payer (DESIGN.md §4).
 *
 * @param client - a ledger client whose account pays.
 * @param parameters - the request, the amount for a request without one, the submitter, and the domain.
 * @returns the signed authorization.
 * @example
 * ```ts
 * const authorization = await signPayment(payer, { request, domain }); // offline with a cached domain
 * ```
 */
export async function signPayment(client: LedgerBaseClient, p: SignPaymentParameters): Promise<SignPaymentReturnType> {
  const account = requireAccount(client);
  const { request } = p;
  if (request.chainId !== undefined && request.chainId !== client.ledger.chainId) throw new PaymentRequestWrongChainError(client.ledger.chainId, request.chainId);
  if (request.token !== undefined && !isAddressEqual(request.token, client.ledger.token)) throw new PaymentRequestWrongTokenError(client.ledger.token, request.token);
  const now = p.now ?? BigInt(Math.floor(Date.now() / 1000));
  if (now >= request.expiresAt) throw new PaymentRequestExpiredError(request.expiresAt, now);
  const { decimals } = client.ledger;
  if (request.amount === undefined && p.amount === undefined) throw new PaymentAmountRequiredError();
  const value = toBaseUnits((request.amount ?? p.amount)!, decimals);
  if (request.amount !== undefined && p.amount !== undefined && toBaseUnits(p.amount, decimals) !== value) {
    throw new LedgerError("this payment request fixes its amount: do not pass a different one");
  }
  const kind = p.submitter === "relayer" ? "transfer" : "receive";
  const message = { from: account.address, to: request.merchant, value, validAfter: p.validAfter ?? 0n, validBefore: request.expiresAt, nonce: request.reference };
  const domain = p.domain ?? (await getTokenDomain(client));
  let signature: Hex;
  try {
    signature = await signTypedData(client, {
      account,
      domain,
      types: eip3009Types,
      primaryType: kind === "receive" ? "ReceiveWithAuthorization" : "TransferWithAuthorization",
      message,
    });
  } catch (error) {
    // A malformed merchant or reference, or a JSON-RPC account's node failing: named, not viem's error.
    throw toLedgerError(error, "eth_signTypedData_v4");
  }
  return { kind, ...message, signature };
}
