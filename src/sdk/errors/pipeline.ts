import type { Address, Hex } from "viem";
import { LedgerError } from "./base.js";

/**
 * Pipelined submission (`sendTransfers`, `signTransfers`) signs locally and needs a local account; the client
 * has a node-managed (JSON-RPC) or smart account instead. Nothing was signed or sent.
 *
 * @example
 * ```ts
 * createLedgerClient({ deployment, rpcUrl, account: "0x…" }).sendTransfers({ transfers }); // throws LocalAccountRequiredError
 * ```
 */
export class LocalAccountRequiredError extends LedgerError {
  override name = "LocalAccountRequiredError";
  /** The client's account address. */
  readonly account: Address;
  /** The client's account type (`json-rpc`, `smart`, …). */
  readonly accountType: string;
  /**
   * @param account - the client's account address.
   * @param accountType - its type.
   */
  constructor(account: Address, accountType: string) {
    super(`pipelined submission signs transactions locally, but account ${account} is a ${accountType} account: create the client with a local account (privateKeyToAccount, mnemonicToAccount); nothing was sent`);
    this.account = account;
    this.accountType = accountType;
  }
}

/** What the pipeline knows about one transfer it reports. */
export type PipelineTransactionRef = {
  /** Position of the transfer in the run. */
  index: number;
  /** Hash of its signed transaction (keccak256 of `raw`). */
  hash: Hex;
  /** Its nonce. */
  nonce: number;
};

/**
 * A transfer of a pipeline never executed and never will: the chain holds another transaction of the same
 * account at its nonce (`usedBy`). Either a node refused the transfer outright and the pipeline filled its
 * nonce with a no-op (`refused` is the refusal), or another process used the key. Nothing moved; it is safe to
 * pay again (a new payment). Final once the block holding `usedBy` is final (at once on Besu QBFT/IBFT).
 *
 * @example
 * ```ts
 * if (o.status === "rejected") retry.push({ to: o.to, amount: o.amount }); // o.error.usedBy took the nonce
 * ```
 */
export class TransferRejectedError extends LedgerError {
  override name = "TransferRejectedError";
  /** Position of the transfer in the run. */
  readonly index: number;
  /** Hash of the transfer, which can never execute. */
  readonly hash: Hex;
  /** Its nonce. */
  readonly nonce: number;
  /** Hash of the transaction the chain holds at that nonce instead. */
  readonly usedBy: Hex;
  /** The node's refusal of the transfer, when a node refused it (the nonce then went to the pipeline's no-op). */
  readonly refused: unknown;
  /**
   * @param ref - index, hash and nonce of the transfer.
   * @param usedBy - the transaction that holds its nonce.
   * @param refused - the node's refusal, when there was one.
   */
  constructor(ref: PipelineTransactionRef, usedBy: Hex, refused?: unknown) {
    super(
      refused === undefined
        ? `transaction ${ref.index} (nonce ${ref.nonce}) never executed: another transaction of this account (${usedBy}) holds its nonce; nothing moved, it is safe to pay again`
        : `the node refused transaction ${ref.index} (nonce ${ref.nonce}) and its nonce went to a no-op; nothing moved, it is safe to pay again`,
      { details: `hash ${ref.hash}, nonce used by ${usedBy}`, ...(refused === undefined ? {} : { cause: refused }) },
    );
    this.index = ref.index;
    this.hash = ref.hash;
    this.nonce = ref.nonce;
    this.usedBy = usedBy;
    this.refused = refused;
  }
}

/**
 * The pipeline could not settle a transfer before its deadline: it may have executed, or may still execute.
 * **Do not pay it again.** Reconcile it later from its signed bytes (`reconcileTransfers({ transactions: [raw] })`
 * re-broadcasts them and settles from the chain) or by `hash`: the pipeline never replaces a transaction that
 * may have reached a node.
 * `nonceConsumed` says whether some endpoint already reported the account's nonce past this transfer's (then it
 * either executed or lost its nonce to another transaction, and only a receipt or that block tells which).
 *
 * @example
 * ```ts
 * if (o.status === "unknown") await client.reconcileTransfers({ transactions: [o.error.raw] });
 * ```
 */
export class TransferUnknownError extends LedgerError {
  override name = "TransferUnknownError";
  /** Position of the transfer in the run. */
  readonly index: number;
  /** Hash to reconcile by. */
  readonly hash: Hex;
  /** Its nonce. */
  readonly nonce: number;
  /** The signed transaction, to re-broadcast byte for byte. */
  readonly raw: Hex;
  /** Whether an endpoint reported the account's nonce past this one. */
  readonly nonceConsumed: boolean;
  /**
   * @param ref - index, hash and nonce of the transfer.
   * @param raw - its signed bytes.
   * @param nonceConsumed - whether the account's nonce moved past it.
   * @param cause - the last error seen while sending or settling it.
   */
  constructor(ref: PipelineTransactionRef, raw: Hex, nonceConsumed: boolean, cause?: unknown) {
    super(
      `transaction ${ref.index} (nonce ${ref.nonce}) could not be confirmed before the deadline; it may have executed or may still execute, so do not resend it as a new payment: reconcile it by hash`,
      { details: `hash ${ref.hash}; ${nonceConsumed ? "the account's nonce moved past it, but no endpoint returned its receipt" : "the account's nonce has not reached it yet"}`, ...(cause === undefined ? {} : { cause }) },
    );
    this.index = ref.index;
    this.hash = ref.hash;
    this.nonce = ref.nonce;
    this.raw = raw;
    this.nonceConsumed = nonceConsumed;
  }
}
