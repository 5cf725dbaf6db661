import { bytesToHex, encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

/**
 * A payment request's on-chain reference: `keccak256(abi.encode(payee, value, requestId))`, as
 * `GoodsToken.paymentReference` computes it. It is the payer's EIP-3009 nonce for the payment and the payee's
 * single-use mark, and it commits to the amount: an authorization of any other value, or to another payee,
 * gives another reference and cannot consume this one.
 *
 * @param payee - the merchant.
 * @param value - the amount, base units.
 * @param requestId - the request's 32-byte id.
 * @returns the 32-byte reference.
 * @example
 * ```ts
 * const reference = paymentReference(shop, 12_500_000n, requestId);
 * await client.isPaymentReferenceUsed({ payee: shop, reference });
 * ```
 */
export function paymentReference(payee: Address, value: bigint, requestId: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: "address" }, { type: "uint256" }, { type: "bytes32" }], [payee, value, requestId]));
}

/**
 * A fresh random 32-byte request id (Web Crypto, so it works in browsers and on Node alike).
 *
 * @returns the id.
 * @example
 * ```ts
 * const requestId = randomRequestId();
 * ```
 */
export function randomRequestId(): Hex {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
}
