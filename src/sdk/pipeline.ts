import { keccak256, type Account, type Address, type Chain, type Client, type Hex, type Transport } from "viem";
import { LedgerError } from "./errors/base.js";
import { getRpcError } from "./errors/rpc.js";
import type { NonceAllocator } from "./nonces.js";

/** One transaction for {@link sendPipelined}: target, calldata and a gas limit (prefilled, never estimated). */
export type PipelineCall = { to: Address; data: Hex; gas: bigint };

/** Fees for every transaction of a pipeline: EIP-1559 or legacy. */
export type PipelineFees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | { gasPrice: bigint };

/** Calls signed ahead of submission by {@link signCalls}: nonces taken, fees fixed. */
export type SignedCalls = {
  /** The account that signed them: only a client of this account may submit them. */
  from: Address;
  fees: PipelineFees;
  calls: readonly { call: PipelineCall; nonce: number; raw: Hex }[];
};

/**
 * What became of one call.
 * - `success`: mined and executed.
 * - `reverted`: mined, reverted, nothing moved; `error` names the rule.
 * - `rejected`: the node refused it; its nonce was filled with a no-op, so it can never execute. Safe to retry.
 * - `pending`: not confirmed before the deadline. It may still execute: do NOT resend; check `hash` later.
 */
export type PipelineOutcome =
  | { status: "success"; index: number; hash: Hex; nonce: number; blockNumber: bigint }
  | { status: "reverted"; index: number; hash: Hex; nonce: number; blockNumber: bigint; error: LedgerError }
  | { status: "rejected" | "pending"; index: number; hash: Hex; nonce: number; error: LedgerError };

/** Tuning and hooks for {@link sendPipelined}. */
export type PipelineOptions = {
  /** Hands out this account's nonces. */
  nonces: NonceAllocator;
  /** Most transactions per JSON-RPC batch. Default 100. */
  batchSize?: number | undefined;
  /**
   * JSON-RPC batches in flight at once. Default 1: an automining node (Hardhat) refuses a nonce that arrives
   * before its predecessor ("can't be queued"), and two HTTP batches in flight can be processed interleaved;
   * signing goes on meanwhile either way. Raise it for a node that queues future nonces (Besu); a reordered
   * transaction is repaired anyway, at the cost of a stall.
   */
  maxInFlight?: number | undefined;
  /** Fees for every transaction; read once from the node when omitted. */
  fees?: PipelineFees | undefined;
  /** Give up waiting after this many ms and report the rest as `pending`. Default 120 000. */
  timeout?: number | undefined;
  /** Treat the account's nonce as stuck after this many ms without progress. Default 3 × polling interval. */
  stallTimeout?: number | undefined;
  /**
   * Optional fast path: the hashes, among `hashes`, of transactions that succeeded between the two blocks
   * (e.g. from one `eth_getLogs`). The rest are settled from their receipts.
   */
  findSucceeded?: ((range: { fromBlock: bigint; hashes: ReadonlySet<Hex> }) => Promise<Map<Hex, bigint>>) | undefined;
  /** Turns a revert (the error of a send, or of replaying the call) into a named error. */
  describeRevert: (error: unknown) => LedgerError;
};

/** Longest stretch of signing, in ms, before the pipeline lets pending I/O (and the sender) run. */
const SIGNING_SLICE_MS = 2;

/** One signed transaction of the pipeline. */
class Slot {
  /** The hash the node answered `eth_sendRawTransaction` with; matched against logs to confirm cheaply. */
  sentHash: Hex | undefined;
  /** The last error a send of these bytes returned (a revert on an automining node carries its reason). */
  sendError: unknown;
  outcome: PipelineOutcome | undefined;
  /** The nonce went to another transaction: this one can never execute and was re-signed. */
  superseded = false;
  #hash: Hex | undefined;

  constructor(
    readonly index: number,
    readonly call: PipelineCall,
    readonly nonce: number,
    readonly raw: Hex,
  ) {}

  /**
   * keccak256 of the signed bytes, computed here on first use: every decision that could re-sign relies on
   * it, never on the node's word. Most transactions are confirmed through `sentHash` and never need it.
   */
  get hash(): Hex {
    return (this.#hash ??= keccak256(this.raw));
  }

  /** The hash to look the transaction up by: the node's answer when there was one. */
  get lookupHash(): Hex {
    return this.sentHash ?? this.hash;
  }
}

type LocalAccount = Account & { signTransaction: NonNullable<Extract<Account, { type: "local" }>["signTransaction"]> };

/**
 * Sends many transactions from one local account without waiting for each receipt: nonces come from a
 * local allocator, chain id, gas and fees are prefilled (no per-transaction round trip), transactions are
 * signed in time slices into a queue, and a sender sends whatever is signed as one JSON-RPC batch (when the
 * transport batches) as soon as a send slot is free.
 *
 * Then it settles every call against the chain, never trusting a send's answer alone:
 * - a nonce gap or a dropped transaction is repaired by resending the **same signed bytes** (same nonce,
 *   same hash), so nothing is ever sent twice;
 * - a call whose nonce went to another transaction (the key used elsewhere) is re-signed with a new nonce
 *   only once the chain proves the old one can never execute (nonce consumed, hash unknown);
 * - a call the node refuses outright is reported `rejected`, and its nonce is filled with a no-op so the
 *   calls after it still go through.
 *
 * @param client - a viem client with a chain and a local account (it signs).
 * @param input - the transactions in nonce order, or transactions already signed by {@link signCalls}.
 * @param options - nonce allocator, batching, fees, deadlines and hooks.
 * @returns one outcome per call, in input order.
 * @example
 * ```ts
 * const outcomes = await sendPipelined(client, calls, { nonces, describeRevert: toLedgerError });
 * ```
 */
export async function sendPipelined(
  client: Client<Transport, Chain, Account>,
  input: readonly PipelineCall[] | SignedCalls,
  options: PipelineOptions,
): Promise<PipelineOutcome[]> {
  return new Pipeline(client, localAccount(client), options).execute(input);
}

/**
 * Signs calls ahead of submission (nonces from the allocator, fees read once), for {@link sendPipelined} to
 * submit later: a payout file signed in advance, then sent in its window.
 *
 * @param client - a viem client with a chain and a local account.
 * @param calls - the transactions, in nonce order.
 * @param options - the nonce allocator and optional fees.
 * @returns the signed transactions.
 * @example
 * ```ts
 * const signed = await signCalls(client, calls, { nonces });
 * const outcomes = await sendPipelined(client, signed, { nonces, describeRevert: toLedgerError });
 * ```
 */
export async function signCalls(
  client: Client<Transport, Chain, Account>,
  calls: readonly PipelineCall[],
  options: Pick<PipelineOptions, "nonces" | "fees">,
): Promise<SignedCalls> {
  const account = localAccount(client);
  const [fees, first] = await Promise.all([options.fees ?? readFees(client), options.nonces.take(calls.length)]);
  const signed: SignedCalls["calls"][number][] = [];
  for (const [i, call] of calls.entries()) signed.push({ call, nonce: first + i, raw: await signCall(client, account, fees, call, first + i) });
  return { from: account.address, fees, calls: signed };
}

function localAccount(client: Client<Transport, Chain, Account>): LocalAccount {
  const account = client.account;
  if (account.type !== "local" || !account.signTransaction) {
    throw new LedgerError("pipelined submission signs transactions locally: create the client with a local account (privateKeyToAccount, mnemonicToAccount)");
  }
  return account as LocalAccount;
}

async function readFees(client: Client<Transport, Chain, Account>): Promise<PipelineFees> {
  const rpc = <T>(method: string, params: unknown[]) => client.request({ method, params } as never) as Promise<T>;
  const block = await rpc<{ baseFeePerGas?: Hex | null }>("eth_getBlockByNumber", ["latest", false]);
  if (block.baseFeePerGas == null) return { gasPrice: BigInt(await rpc<Hex>("eth_gasPrice", [])) };
  const priority = BigInt(await rpc<Hex>("eth_maxPriorityFeePerGas", []));
  // Twice the base fee: room for six consecutive full blocks (+12.5% each) before a transaction stalls.
  return { maxFeePerGas: BigInt(block.baseFeePerGas) * 2n + priority, maxPriorityFeePerGas: priority };
}

function signCall(client: Client<Transport, Chain, Account>, account: LocalAccount, fees: PipelineFees, call: PipelineCall, nonce: number): Promise<Hex> {
  const typed = "gasPrice" in fees ? { type: "legacy" as const, ...fees } : { type: "eip1559" as const, ...fees };
  return account.signTransaction({ chainId: client.chain.id, nonce, to: call.to, data: call.data, gas: call.gas, ...typed });
}

class Pipeline {
  readonly #client: Client<Transport, Chain, Account>;
  readonly #account: LocalAccount;
  readonly #options: PipelineOptions;
  readonly #slots: Slot[] = [];
  #fees: PipelineFees = { gasPrice: 0n };
  /** Signed transactions in nonce order; the sender takes them from the front. */
  readonly #signed: Slot[] = [];
  #wakeSender: (() => void) | undefined;
  #fromBlock = 0n;

  constructor(client: Client<Transport, Chain, Account>, account: LocalAccount, options: PipelineOptions) {
    this.#client = client;
    this.#account = account;
    this.#options = options;
  }

  async execute(input: readonly PipelineCall[] | SignedCalls): Promise<PipelineOutcome[]> {
    const presigned = "calls" in input ? input : undefined;
    // Another account's transactions would never consume this account's nonces: settling would re-sign them
    // as this account while the originals stay valid, so both could execute.
    if (presigned && presigned.from.toLowerCase() !== this.#account.address.toLowerCase()) {
      throw new LedgerError(`these transactions were signed by ${presigned.from}, not by this client's account ${this.#account.address}; nothing was sent`);
    }
    const count = presigned ? presigned.calls.length : (input as readonly PipelineCall[]).length;
    if (count === 0) return [];
    const [fees, block, first] = await Promise.all([
      presigned?.fees ?? this.#options.fees ?? readFees(this.#client),
      this.#rpc<Hex>("eth_blockNumber", []),
      presigned ? 0 : this.#options.nonces.take(count),
    ]);
    this.#fees = fees;
    this.#fromBlock = BigInt(block);
    if (presigned) this.#signed.push(...presigned.calls.map((c, i) => new Slot(i, c.call, c.nonce, c.raw)));
    const producing = presigned ? Promise.resolve() : this.#signAll(input as readonly PipelineCall[], first);
    await Promise.all([producing, this.#sendSigned(count)]);
    await this.#settle();
    const outcomes: PipelineOutcome[] = [];
    for (const slot of this.#slots) if (slot.outcome) outcomes[slot.index] = slot.outcome;
    return outcomes;
  }

  /**
   * Producer: signs every call in nonce order into the queue. Signing is CPU-bound, so it gives the event loop
   * a turn every few ms; otherwise a batch in flight would sit half-written in its socket, its response
   * unread, while the next transactions are signed.
   */
  async #signAll(calls: readonly PipelineCall[], first: number): Promise<void> {
    let slice = performance.now();
    for (const [index, call] of calls.entries()) {
      this.#signed.push(await this.#sign(index, call, first + index));
      this.#wakeSender?.();
      if (performance.now() - slice > SIGNING_SLICE_MS) {
        await sleep(0);
        slice = performance.now();
      }
    }
  }

  /**
   * Consumer: as soon as a send slot is free, sends everything signed so far (up to `batchSize`) as one
   * batch. Batches grow by themselves while the node is busy, and the node never waits for a whole batch
   * to be signed.
   */
  async #sendSigned(total: number): Promise<void> {
    const batchSize = this.#options.batchSize ?? 100;
    const maxInFlight = this.#options.maxInFlight ?? 1;
    const inFlight = new Set<Promise<unknown>>();
    for (let sent = 0; sent < total; ) {
      if (this.#signed.length === sent) {
        await new Promise<void>((resolve) => (this.#wakeSender = resolve));
        this.#wakeSender = undefined;
        continue;
      }
      const batch = this.#signed.slice(sent, sent + batchSize);
      sent += batch.length;
      this.#slots.push(...batch);
      const sending: Promise<unknown> = this.#send(batch).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }

  async #sign(index: number, call: PipelineCall, nonce: number): Promise<Slot> {
    return new Slot(index, call, nonce, await signCall(this.#client, this.#account, this.#fees, call, nonce));
  }

  /** Sends signed bytes; errors are only hints (the chain is asked later), so each is kept on its slot. */
  async #send(slots: Slot[]): Promise<(unknown | undefined)[]> {
    return Promise.all(
      slots.map((slot) =>
        this.#client.request({ method: "eth_sendRawTransaction", params: [slot.raw] }, { retryCount: 0 }).then(
          (hash) => {
            slot.sentHash = hash;
            slot.sendError = undefined;
            return undefined;
          },
          (error: unknown) => {
            slot.sendError = isAlreadyKnown(error) ? undefined : error;
            return slot.sendError;
          },
        ),
      ),
    ) as Promise<(unknown | undefined)[]>;
  }

  async #settle(): Promise<void> {
    const polling = this.#client.pollingInterval;
    const deadline = Date.now() + (this.#options.timeout ?? 120_000);
    const stallTimeout = this.#options.stallTimeout ?? 3 * polling;
    let lastCount = -1;
    let lastProgress = Date.now();
    for (;;) {
      const open = this.#open();
      if (open.length === 0) return;
      const count = Number(await this.#rpc<Hex>("eth_getTransactionCount", [this.#account.address, "latest"]));
      if (count !== lastCount) [lastCount, lastProgress] = [count, Date.now()];
      const consumed = open.filter((s) => s.nonce < count);
      if (consumed.length > 0) await this.#resolveConsumed(consumed, count);
      if (this.#open().length === 0) return;
      if (Date.now() > deadline) {
        for (const slot of this.#open()) slot.outcome = { status: "pending", index: slot.index, hash: slot.hash, nonce: slot.nonce, error: notConfirmed(slot) };
        return;
      }
      const waiting = this.#open().filter((s) => s.nonce >= count).sort((a, b) => a.nonce - b.nonce);
      if (waiting.length > 0 && Date.now() - lastProgress > stallTimeout) {
        await this.#unstick(waiting, count);
        lastProgress = Date.now();
      }
      await sleep(polling);
    }
  }

  #open(): Slot[] {
    return this.#slots.filter((s) => !s.outcome && !s.superseded);
  }

  /** Settles slots whose nonce the chain has consumed: mined (success or revert), or superseded. */
  async #resolveConsumed(consumed: Slot[], count: number): Promise<void> {
    const hashes = new Set(consumed.map((s) => s.lookupHash));
    const succeeded = this.#options.findSucceeded ? await this.#options.findSucceeded({ fromBlock: this.#fromBlock, hashes }) : new Map<Hex, bigint>();
    const rest: Slot[] = [];
    for (const slot of consumed) {
      const blockNumber = succeeded.get(slot.lookupHash);
      if (blockNumber === undefined) rest.push(slot);
      else slot.outcome = { status: "success", index: slot.index, hash: slot.lookupHash, nonce: slot.nonce, blockNumber };
    }
    const receipts = await this.#batch(rest, (s) => this.#rpc<{ status: Hex; blockNumber: Hex } | null>("eth_getTransactionReceipt", [s.hash]));
    const unmined: Slot[] = [];
    await Promise.all(
      rest.map(async (slot, i) => {
        const receipt = receipts[i];
        if (!receipt) return unmined.push(slot);
        const blockNumber = BigInt(receipt.blockNumber);
        const base = { index: slot.index, hash: slot.hash, nonce: slot.nonce, blockNumber };
        slot.outcome = receipt.status === "0x1" ? { status: "success", ...base } : { status: "reverted", ...base, error: await this.#revertReason(slot, blockNumber) };
      }),
    );
    if (unmined.length === 0) return;
    // Consumed nonce and no receipt: superseded only if the node does not know the hash at all.
    const known = await this.#batch(unmined, (s) => this.#rpc<unknown>("eth_getTransactionByHash", [s.hash]));
    const dead = unmined.filter((_, i) => known[i] == null);
    if (dead.length === 0) return;
    const first = await this.#options.nonces.take(dead.length, count);
    const replacements: Slot[] = [];
    for (const [i, slot] of dead.entries()) {
      slot.superseded = true;
      replacements.push(await this.#sign(slot.index, slot.call, first + i));
    }
    this.#slots.push(...replacements);
    await this.#send(replacements);
  }

  /**
   * The chain waits for nonce `count`. Resend, in nonce order, the waiting transactions the node does not
   * know (same bytes: no double send). If the node refuses the lowest outright, fill its nonce with a no-op.
   */
  async #unstick(waiting: Slot[], count: number): Promise<void> {
    const window = waiting.slice(0, this.#options.batchSize ?? 100);
    const known = await this.#batch(window, (s) => this.#rpc<unknown>("eth_getTransactionByHash", [s.hash]));
    const unknown = window.filter((_, i) => known[i] == null);
    if (unknown.length === 0) return;
    const errors = await this.#send(unknown);
    const lowest = unknown[0]!;
    const refusal = errors[0];
    if (lowest.nonce !== count || refusal === undefined || isTransient(refusal)) return;
    lowest.outcome = {
      status: "rejected",
      index: lowest.index,
      hash: lowest.hash,
      nonce: lowest.nonce,
      error: new LedgerError(`the node refused transaction ${lowest.index} (nonce ${lowest.nonce}); nothing moved and its nonce was filled with a no-op`, { cause: refusal }),
    };
    const noop = { to: this.#account.address, data: "0x" as Hex, gas: 21_000n };
    const filler = await signCall(this.#client, this.#account, this.#fees, noop, lowest.nonce);
    await this.#client.request({ method: "eth_sendRawTransaction", params: [filler] }, { retryCount: 0 }).catch(() => undefined);
  }

  async #revertReason(slot: Slot, blockNumber: bigint): Promise<LedgerError> {
    if (slot.sendError !== undefined && hasRevertData(slot.sendError)) return this.#options.describeRevert(slot.sendError);
    try {
      await this.#rpc("eth_call", [
        { from: this.#account.address, to: slot.call.to, data: slot.call.data, gas: `0x${slot.call.gas.toString(16)}` },
        `0x${(blockNumber - 1n).toString(16)}`,
      ]);
    } catch (error) {
      return this.#options.describeRevert(error);
    }
    return new LedgerError(`transaction ${slot.index} reverted, and replaying it before its block did not reproduce the reason`, {
      details: `hash ${slot.hash}`,
    });
  }

  #rpc<T>(method: string, params: unknown[]): Promise<T> {
    return this.#client.request({ method, params } as never) as Promise<T>;
  }

  /** Runs one request per slot, `batchSize` at a time (one HTTP batch each on a batching transport). */
  async #batch<T>(slots: Slot[], fn: (slot: Slot) => Promise<T>): Promise<T[]> {
    const size = this.#options.batchSize ?? 100;
    const out: T[] = [];
    for (let i = 0; i < slots.length; i += size) out.push(...(await Promise.all(slots.slice(i, i + size).map(fn))));
    return out;
  }
}

function notConfirmed(slot: Slot): LedgerError {
  return new LedgerError(`transaction ${slot.index} (nonce ${slot.nonce}) was not confirmed before the deadline; it may still execute, so do not resend it`, {
    details: `hash ${slot.hash}`,
    ...(slot.sendError === undefined ? {} : { cause: slot.sendError }),
  });
}

function messageOf(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const { details, message } = e as { details?: unknown; message?: unknown };
    parts.push(String(details ?? ""), String(message ?? ""));
  }
  return parts.join(" ").toLowerCase();
}

function isAlreadyKnown(error: unknown): boolean {
  return /already known|known transaction|alreadyknown|already imported/.test(messageOf(error));
}

/** Errors after which the same bytes may still be accepted: transport failures and nonce ordering. */
function isTransient(error: unknown): boolean {
  return getRpcError(error) !== undefined || /nonce too (low|high)|future nonce|nonce gap|can't be queued/.test(messageOf(error));
}

function hasRevertData(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const data = (e as { data?: unknown }).data;
    if (typeof data === "string" && data.length >= 10) return true;
    if (data && typeof data === "object" && typeof (data as { data?: unknown }).data === "string") return true;
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
