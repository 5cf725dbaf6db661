import { isAddressEqual } from "viem";
import { formatAmount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import {
  PaymentRequestExpiredError,
  PaymentRequestWrongChainError,
  PaymentRequestWrongTokenError,
  type PaymentRequestChecksumError,
  type PaymentRequestMalformedError,
  type PaymentRequestTamperedError,
} from "../errors/qr.js";
import type { ReadErrorType } from "../errors/types.js";
import { decodePaymentRequest, type PaymentRequest } from "../qr/paymentRequest.js";
import type { WalletRole, WalletStatus } from "../wallets.js";
import { getWallet } from "./getWallet.js";
import { isPaymentReferenceUsed } from "./isPaymentReferenceUsed.js";

/** Parameters of {@link parsePaymentRequest}. */
export type ParsePaymentRequestParameters = {
  /** The text read from the QR code. */
  payload: string;
  /** The time to check the expiry against, unix seconds; now by default. */
  now?: bigint | undefined;
};

/** The checked request, with the merchant's registration as the ledger records it. */
export type ParsePaymentRequestReturnType = Omit<PaymentRequest, "amount"> & {
  /** The amount in token units, or undefined when the payer enters it. */
  amount: string | undefined;
  /** The merchant wallet's registered role (`"none"` if unregistered). Show it, not just the printed name. */
  merchantRole: WalletRole;
  /** The merchant wallet's status; only `"active"` can be paid. */
  merchantStatus: WalletStatus;
  /** Whether the merchant is on the denylist. */
  merchantDenylisted: boolean;
  /** Whether the request's reference is already used (paid); undefined for a request without an amount. */
  paid: boolean | undefined;
};

/** Errors {@link parsePaymentRequest} can throw. */
export type ParsePaymentRequestErrorType =
  | PaymentRequestChecksumError
  | PaymentRequestMalformedError
  | PaymentRequestWrongChainError
  | PaymentRequestWrongTokenError
  | PaymentRequestExpiredError
  | PaymentRequestTamperedError
  | ReadErrorType;

/**
 * Reads a QR payment request: checks its CRC and structure, that its reference commits to the payee, amount
 * and request id it shows, that it is for this ledger's chain and token and not expired, then looks up the
 * merchant's registered role and status, and whether the request is already paid, on chain.
 *
 * @param client - a ledger client.
 * @param parameters - the payload, and optionally the time to check the expiry against.
 * @returns the request, with the merchant's role and status.
 * @example
 * ```ts
 * const request = await parsePaymentRequest(client, { payload: scanned });
 * if (request.paid || request.merchantRole !== "merchant" || request.merchantStatus !== "active") refuse();
 * show(`pay ${request.amount} to ${request.merchantName} (${request.merchantRole} ${request.merchant})`);
 * ```
 */
export async function parsePaymentRequest(client: LedgerBaseClient, { payload, now }: ParsePaymentRequestParameters): Promise<ParsePaymentRequestReturnType> {
  const request = decodePaymentRequest(payload, client.ledger.decimals);
  if (request.chainId !== client.ledger.chainId) throw new PaymentRequestWrongChainError(client.ledger.chainId, request.chainId);
  if (!isAddressEqual(request.token, client.ledger.token)) throw new PaymentRequestWrongTokenError(client.ledger.token, request.token);
  const time = now ?? BigInt(Math.floor(Date.now() / 1000));
  if (time >= request.expiresAt) throw new PaymentRequestExpiredError(request.expiresAt, time);
  const [merchant, paid] = await Promise.all([
    getWallet(client, { account: request.merchant }),
    request.reference === undefined ? undefined : isPaymentReferenceUsed(client, { payee: request.merchant, reference: request.reference }),
  ]);
  return {
    ...request,
    amount: request.amount === undefined ? undefined : formatAmount(request.amount, client.ledger.decimals),
    merchantRole: merchant.role,
    merchantStatus: merchant.status,
    merchantDenylisted: merchant.denylisted,
    paid,
  };
}
