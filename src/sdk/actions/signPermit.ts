import type { Address, Hex } from "viem";
import { signTypedData } from "viem/actions";
import { toBaseUnits, type Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { requireAccount } from "../internal/contracts.js";
import { permitTypes } from "../qr/authorization.js";
import { getPermitNonce } from "./getPermitNonce.js";
import { getTokenDomain, type TokenDomain } from "./getTokenDomain.js";

/** Parameters of {@link signPermit}. */
export type SignPermitParameters = {
  /** Who may spend. */
  spender: Address;
  /** The allowance. */
  amount: Amount;
  /** Unix time after which the permit is void. */
  deadline: bigint;
  /** The owner's permit nonce; read from the token when omitted. */
  nonce?: bigint | undefined;
  /** The token's EIP-712 domain; read from the token when omitted. */
  domain?: TokenDomain | undefined;
};

/** A signed EIP-2612 permit, ready for {@link permit}. */
export type SignedPermit = { owner: Address; spender: Address; value: bigint; deadline: bigint; signature: Hex };

/** The signed permit. */
export type SignPermitReturnType = SignedPermit;

/** Errors {@link signPermit} can throw. */
export type SignPermitErrorType = ReadErrorType;

/**
 * Signs an EIP-2612 permit with the client's account (no transaction): an allowance anyone can submit.
 *
 * @param client - a ledger client whose account owns the tokens.
 * @param parameters - spender, amount, deadline, and optionally nonce and domain (to sign offline).
 * @returns the signed permit.
 * @example
 * ```ts
 * const signed = await signPermit(client, { spender, amount: "100", deadline: now + 3600n });
 * ```
 */
export async function signPermit(client: LedgerBaseClient, parameters: SignPermitParameters): Promise<SignPermitReturnType> {
  const p = parameters;
  const account = requireAccount(client);
  const value = toBaseUnits(p.amount, client.ledger.decimals);
  const [domain, nonce] = await Promise.all([p.domain ?? getTokenDomain(client), p.nonce ?? getPermitNonce(client, { owner: account.address })]);
  const message = { owner: account.address, spender: p.spender, value, nonce, deadline: p.deadline };
  const signature = await signTypedData(client, { account, domain, types: permitTypes, primaryType: "Permit", message });
  return { owner: account.address, spender: p.spender, value, deadline: p.deadline, signature };
}
