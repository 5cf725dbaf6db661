/**
 * Signing helpers for the contract tests: EIP-3009 authorizations and EIP-2612 permits over GoodsToken's EIP-712
 * domain (name, version "1", chainId, token address).
 */
import type { Contract, Signature, TypedDataField } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkConnection } from "hardhat/types/network";

const AUTHORIZATION_FIELDS: TypedDataField[] = [
  { name: "from", type: "address" },
  { name: "to", type: "address" },
  { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" },
  { name: "validBefore", type: "uint256" },
  { name: "nonce", type: "bytes32" },
];

/** An EIP-3009 authorization's fields. */
export interface Authorization {
  from: string;
  to: string;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: string;
}

/** An authorization and its split signature, ready to pass as (…, v, r, s). */
export interface SignedAuthorization extends Authorization {
  signature: Signature;
}

async function domain(connection: NetworkConnection, token: Contract) {
  const { chainId } = await connection.ethers.provider.getNetwork();
  return { name: await token.name(), version: "1", chainId, verifyingContract: await token.getAddress() };
}

let nonceCounter = 0;
/** A fresh random-looking 32-byte nonce. */
export function freshNonce(connection: NetworkConnection): string {
  nonceCounter += 1;
  return connection.ethers.id(`nonce-${nonceCounter}-${Date.now()}`);
}

/**
 * Signs a TransferWithAuthorization or ReceiveWithAuthorization. Defaults: valid from 0 to one hour after the
 * chain's latest block, a fresh nonce.
 */
export async function signAuthorization(
  connection: NetworkConnection,
  token: Contract,
  signer: HardhatEthersSigner,
  kind: "TransferWithAuthorization" | "ReceiveWithAuthorization",
  fields: { to: string; value: bigint } & Partial<Authorization>,
): Promise<SignedAuthorization> {
  const now = BigInt(await connection.networkHelpers.time.latest());
  const auth: Authorization = {
    from: fields.from ?? signer.address,
    to: fields.to,
    value: fields.value,
    validAfter: fields.validAfter ?? 0n,
    validBefore: fields.validBefore ?? now + 3600n,
    nonce: fields.nonce ?? freshNonce(connection),
  };
  const raw = await signer.signTypedData(await domain(connection, token), { [kind]: AUTHORIZATION_FIELDS }, auth);
  return { ...auth, signature: connection.ethers.Signature.from(raw) };
}

/** The argument list of transferWithAuthorization / receiveWithAuthorization. */
export function authorizationArgs(a: SignedAuthorization) {
  return [a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, a.signature.v, a.signature.r, a.signature.s] as const;
}

/** Signs a CancelAuthorization. */
export async function signCancel(
  connection: NetworkConnection,
  token: Contract,
  signer: HardhatEthersSigner,
  nonce: string,
): Promise<Signature> {
  const raw = await signer.signTypedData(
    await domain(connection, token),
    { CancelAuthorization: [{ name: "authorizer", type: "address" }, { name: "nonce", type: "bytes32" }] },
    { authorizer: signer.address, nonce },
  );
  return connection.ethers.Signature.from(raw);
}

/** Signs an EIP-2612 permit with the owner's current nonce. */
export async function signPermit(
  connection: NetworkConnection,
  token: Contract,
  owner: HardhatEthersSigner,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<Signature> {
  const raw = await owner.signTypedData(
    await domain(connection, token),
    {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { owner: owner.address, spender, value, nonce: await token.nonces(owner.address), deadline },
  );
  return connection.ethers.Signature.from(raw);
}

/** A payment request's authorization (PaymentAuthorization on the token's EIP-712 domain) and its signature. */
export interface SignedPayment {
  from: string;
  to: string;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  requestId: string;
  signature: Signature;
}

/** PaymentAuthorization: EIP-3009's fields with `requestId` in place of `nonce`. */
const PAYMENT_FIELDS: TypedDataField[] = [...AUTHORIZATION_FIELDS.slice(0, 5), { name: "requestId", type: "bytes32" }];

/**
 * Signs a PaymentAuthorization (payWithAuthorization). Defaults: valid from 0 to one hour after the chain's latest
 * block, a fresh request id.
 */
export async function signPayment(
  connection: NetworkConnection,
  token: Contract,
  signer: HardhatEthersSigner,
  fields: { to: string; value: bigint } & Partial<Omit<SignedPayment, "signature">>,
): Promise<SignedPayment> {
  const now = BigInt(await connection.networkHelpers.time.latest());
  const payment = {
    from: fields.from ?? signer.address,
    to: fields.to,
    value: fields.value,
    validAfter: fields.validAfter ?? 0n,
    validBefore: fields.validBefore ?? now + 3600n,
    requestId: fields.requestId ?? freshNonce(connection),
  };
  const raw = await signer.signTypedData(await domain(connection, token), { PaymentAuthorization: PAYMENT_FIELDS }, payment);
  return { ...payment, signature: connection.ethers.Signature.from(raw) };
}

/** The argument list of payWithAuthorization. */
export function paymentArgs(p: SignedPayment) {
  return [p.from, p.to, p.value, p.validAfter, p.validBefore, p.requestId, p.signature.v, p.signature.r, p.signature.s] as const;
}

/** `paymentReference(payee, value, requestId)` computed off chain: keccak256(abi.encode(payee, value, requestId)). */
export function paymentReferenceOf(connection: NetworkConnection, payee: string, value: bigint, requestId: string): string {
  const { ethers } = connection;
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256", "bytes32"], [payee, value, requestId]));
}
