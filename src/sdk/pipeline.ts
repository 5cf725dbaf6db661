import { isAddressEqual, keccak256, parseTransaction, recoverTransactionAddress, type Account, type Address, type Chain, type Client, type Hex, type Transport } from "viem";
import { endpointsOf, maxCount, readTransactionCount, within, type Endpoint } from "./endpoints.js";
import { LedgerError } from "./errors/base.js";
import { LocalAccountRequiredError, TransferRejectedError, TransferUnknownError } from "./errors/pipeline.js";
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
 * What became of one call. The rule behind every state: the pipeline never signs a second payment for a call
 * whose transaction may have reached a node; it re-broadcasts the same signed bytes, or reports `unknown`.
 * - `success`: mined and executed.
 * - `reverted`: mined, reverted, nothing moved; `error` names the rule.
 * - `rejected`: never executed and never will: the chain holds another transaction of this account at its nonce
 *   (`error.usedBy`): the pipeline's no-op after a node refused the call outright, or another process's. Safe
 *   to pay again.
 * - `unknown`: not settled before the deadline; it may have executed or may still execute. Do NOT pay again:
 *   reconcile by `hash`, or re-broadcast `error.raw` (the same signed bytes).
 */
export type PipelineOutcome =
  | { status: "success"; index: number; hash: Hex; nonce: number; blockNumber: bigint }
  | { status: "reverted"; index: number; hash: Hex; nonce: number; blockNumber: bigint; error: LedgerError }
  | { status: "rejected"; index: number; hash: Hex; nonce: number; error: TransferRejectedError }
  | { status: "unknown"; index: number; hash: Hex; nonce: number; error: TransferUnknownError };

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
   * transaction is repaired anyway (re-broadcast), at the cost of a stall.
   */
  maxInFlight?: number | undefined;
  /** Fees for every transaction; read once from the node when omitted. */
  fees?: PipelineFees | undefined;
  /** Give up waiting after this many ms and report the rest as `unknown`. Default 120 000. */
  timeout?: number | undefined;
  /**
   * After this many ms without progress, re-broadcast the waiting transactions; a consumed nonce without a
   * receipt on any endpoint for this long is looked up in the chain's blocks. Default 3 × polling interval.
   */
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

/**
 * Signed runs (their `calls` arrays) this process has started to submit. A run signed ahead whose bytes never
 * left this process may have a call re-signed when another transaction took its nonce first; once submitted,
 * never again.
 */
const submittedRuns = new WeakSet<object>();

type Receipt = { status: Hex; blockNumber: Hex } | null;

/** One signed transaction of the pipeline. */
class Slot {
  /** The last error a send of these bytes returned (a revert on an automining node carries its reason). */
  sendError: unknown;
  outcome: PipelineOutcome | undefined;
  /** These bytes were handed to a transport at least once: they may have reached a node. */
  sent = false;
  /** The no-op at the same nonce, signed after a node refused these bytes outright. */
  filler: { raw: Hex; hash: Hex } | undefined;
  /** The outright refusal that made the pipeline sign the filler. */
  refusal: unknown;
  /** When the pipeline first saw the account's nonce past this one while no endpoint had a receipt. */
  consumedSince: number | undefined;
  #hash: Hex | undefined;

  constructor(
    readonly index: number,
    readonly call: PipelineCall,
    readonly nonce: number,
    readonly raw: Hex,
  ) {}

  /** The hash a node answered `eth_sendRawTransaction` with: matched against the sender's logs, nothing more. */
  sentHash: Hex | undefined;

  /**
   * keccak256 of the signed bytes, computed on first use: receipts, block searches and every `rejected` or
   * `unknown` outcome rely on it, never on a node's word. A transfer confirmed by its logs through `sentHash`
   * never needs it (hashing every transaction would cost the client several percent of a payout run's time).
   */
  get hash(): Hex {
    return (this.#hash ??= keccak256(this.raw));
  }

  /** The hash to match the logs with: the node's answer when there was one. */
  get lookupHash(): Hex {
    return this.sentHash ?? this.hash;
  }

  ref(): { index: number; hash: Hex; nonce: number } {
    return { index: this.index, hash: this.hash, nonce: this.nonce };
  }
}

type LocalAccount = Account & { signTransaction: NonNullable<Extract<Account, { type: "local" }>["signTransaction"]> };

/**
 * Sends many transactions from one local account without waiting for each receipt: nonces come from a
 * local allocator, chain id, gas and fees are prefilled (no per-transaction round trip), transactions are
 * signed in time slices into a queue, and a sender sends whatever is signed as one JSON-RPC batch (when the
 * transport batches) as soon as a send slot is free.
 *
 * Then it settles every call against the chain, never trusting a send's answer alone, under one rule: **a
 * transaction that may have reached any node is never replaced by another payment.**
 * - a nonce gap, a dropped transaction or a lost answer is repaired by re-broadcasting the **same signed
 *   bytes** (same nonce, same hash), to every endpoint;
 * - a consumed nonce is settled by the transaction's receipt, looked up on every endpoint (a `fallback`
 *   transport's each); without one, by the block that holds the account's transaction at that nonce: if it is
 *   another transaction, the call is `rejected` (it can never execute);
 * - a call a node refuses outright gets a no-op at its nonce so the calls after it still go through; the chain
 *   decides which of the two executes, and the outcome follows the chain;
 * - anything not settled by the deadline is `unknown`, with its hash and signed bytes for later reconciliation.
 *
 * @param client - a viem client with a chain and a local account (it signs).
 * @param input - the transactions in nonce order, or transactions already signed by {@link signCalls}.
 * @param options - nonce allocator, batching, fees, deadlines and hooks.
 * @returns one outcome per call, in input order.
 * @throws {LocalAccountRequiredError} when the client's account does not sign locally.
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
 * submit later: a payout file signed in advance, then sent in its window. On the run's first submission from
 * this process, a call whose nonce the chain has given to another transaction meanwhile (the block holding it
 * shows) is re-signed with a new nonce; after that, never.
 *
 * @param client - a viem client with a chain and a local account.
 * @param calls - the transactions, in nonce order.
 * @param options - the nonce allocator and optional fees.
 * @returns the signed transactions.
 * @throws {LocalAccountRequiredError} when the client's account does not sign locally.
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

/**
 * Settles transactions from their signed bytes (the `raw` of `unknown` outcomes): re-broadcasts each byte for
 * byte to every endpoint and settles it as {@link sendPipelined} does. Never re-signs: the bytes may have
 * reached a node. A transaction still unsettled at the deadline stays `unknown`.
 *
 * @param client - a viem client with a chain and the local account that signed them.
 * @param raws - the signed transactions, preferably in nonce order.
 * @param options - nonce allocator (for a no-op after an outright refusal), deadlines and hooks.
 * @returns one outcome per transaction, in input order.
 * @throws {LedgerError} when a transaction was not signed by the client's account, before anything is sent.
 * @example
 * ```ts
 * const later = await reconcileSigned(client, unknown.map((o) => o.error.raw), { nonces, describeRevert: toLedgerError });
 * ```
 */
export async function reconcileSigned(
  client: Client<Transport, Chain, Account>,
  raws: readonly Hex[],
  options: PipelineOptions,
): Promise<PipelineOutcome[]> {
  const account = localAccount(client);
  const calls = await Promise.all(
    raws.map(async (raw, i) => {
      const tx = parseTransaction(raw);
      const signer = await recoverTransactionAddress({ serializedTransaction: raw as Parameters<typeof recoverTransactionAddress>[0]["serializedTransaction"] });
      if (!isAddressEqual(signer, account.address) || tx.to == null || tx.nonce === undefined || tx.gas === undefined) {
        throw new LedgerError(`transaction ${i} was not signed by this client's account ${account.address} (or is not a call); nothing was sent`);
      }
      return { call: { to: tx.to, data: tx.data ?? "0x", gas: tx.gas }, nonce: tx.nonce, raw, fees: tx.gasPrice !== undefined && tx.maxFeePerGas === undefined ? { gasPrice: tx.gasPrice } : { maxFeePerGas: tx.maxFeePerGas ?? 0n, maxPriorityFeePerGas: tx.maxPriorityFeePerGas ?? 0n } };
    }),
  );
  if (calls.length === 0) return [];
  const run: SignedCalls = { from: account.address, fees: calls[0]!.fees, calls: calls.map(({ call, nonce, raw }) => ({ call, nonce, raw })) };
  submittedRuns.add(run.calls); // these bytes may have reached a node: re-broadcast only
  return sendPipelined(client, run, options);
}

function localAccount(client: Client<Transport, Chain, Account>): LocalAccount {
  const account = client.account;
  if (account.type !== "local" || !account.signTransaction) throw new LocalAccountRequiredError(account.address, account.type);
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
  /** The client's endpoints: a `fallback` transport's each, else the client's one; the preferred first. */
  readonly #endpoints: Endpoint[];
  readonly #slots: Slot[] = [];
  #fees: PipelineFees = { gasPrice: 0n };
  /** Signed transactions in nonce order; the sender takes them from the front. */
  readonly #signed: Slot[] = [];
  #wakeSender: (() => void) | undefined;
  #fromBlock = 0n;
  /** The highest `latest` transaction count any endpoint has reported: the chain's count never goes down. */
  #count = 0;
  /** The last failure of a read while settling, kept for the `unknown` outcomes' cause. */
  #lastError: unknown;
  /** With several endpoints, one that has not answered after this long is passed over for this round. */
  readonly #endpointTimeout: number | undefined;

  constructor(client: Client<Transport, Chain, Account>, account: LocalAccount, options: PipelineOptions) {
    this.#client = client;
    this.#account = account;
    this.#options = options;
    this.#endpoints = endpointsOf(client);
    this.#endpointTimeout = this.#endpoints.length > 1 ? Math.max(2_000, 2 * (options.stallTimeout ?? 3 * client.pollingInterval)) : undefined;
  }

  /** One request to one endpoint, within the endpoint timeout. */
  #ask<T>(endpoint: Endpoint, method: string, params: unknown[]): Promise<T> {
    return within(endpoint.request({ method, params }, { retryCount: 0 }), this.#endpointTimeout, endpoint, method) as Promise<T>;
  }

  async execute(input: readonly PipelineCall[] | SignedCalls): Promise<PipelineOutcome[]> {
    const presigned = "calls" in input ? input : undefined;
    // Another account's transactions would never consume this account's nonces, so they could never settle.
    if (presigned && presigned.from.toLowerCase() !== this.#account.address.toLowerCase()) {
      throw new LedgerError(`these transactions were signed by ${presigned.from}, not by this client's account ${this.#account.address}; nothing was sent`);
    }
    const count = presigned ? presigned.calls.length : (input as readonly PipelineCall[]).length;
    if (count === 0) return [];
    // A second look at the chain's count: behind a balancer, the allocator's first read may come from a lagging
    // node, and a nonce below any count seen is certainly used (and a run signed ahead may have lost nonces).
    const latest = maxCount(this.#endpoints, this.#account.address, "latest", this.#endpointTimeout);
    const [fees, block, first, consumedCount] = await Promise.all([
      presigned?.fees ?? this.#options.fees ?? readFees(this.#client),
      this.#rpc<Hex>("eth_blockNumber", []),
      presigned ? 0 : latest.then((floor) => this.#options.nonces.take(count, floor)),
      latest,
    ]);
    this.#fees = fees;
    this.#fromBlock = BigInt(block);
    if (presigned) this.#signed.push(...(await this.#adoptSigned(presigned, consumedCount)));
    const producing = presigned ? Promise.resolve() : this.#signAll(input as readonly PipelineCall[], first);
    await Promise.all([producing, this.#sendSigned(count)]);
    await this.#settle();
    const outcomes: PipelineOutcome[] = [];
    for (const slot of this.#slots) if (slot.outcome) outcomes[slot.index] = slot.outcome;
    return outcomes;
  }

  /**
   * The slots of a run signed ahead. On its first submission from this process, a call whose nonce the chain
   * has already given to another transaction of this key (sent meanwhile), as the block holding it shows, is
   * re-signed with a new nonce: its bytes never left this process, and could never execute anyway. A run
   * submitted before keeps its bytes.
   */
  async #adoptSigned(presigned: SignedCalls, consumedCount: number): Promise<Slot[]> {
    const slots = presigned.calls.map((c, i) => new Slot(i, c.call, c.nonce, c.raw));
    const neverSent = !submittedRuns.has(presigned.calls);
    submittedRuns.add(presigned.calls);
    if (!neverSent) return slots;
    const holders = await Promise.all(slots.map((s) => (s.nonce < consumedCount ? this.#transactionAtNonce(s.nonce) : undefined)));
    // Only a nonce proven held by another transaction; ours mined (the bytes did leave) or not found: keep them.
    const taken = slots.filter((s, i) => holders[i] !== undefined && holders[i] !== s.hash);
    if (taken.length === 0) return slots;
    const floor = await readTransactionCount(this.#client, this.#account.address, "pending");
    const first = await this.#options.nonces.take(taken.length, floor);
    const replacements = new Map<number, Slot>();
    for (const [i, slot] of taken.entries()) replacements.set(slot.index, await this.#sign(slot.index, slot.call, first + i));
    // Nonce order: the untouched calls keep theirs, the re-signed ones follow.
    return [...slots.filter((s) => !replacements.has(s.index)), ...replacements.values()];
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

  /**
   * Sends signed bytes through the client's transport; errors are only hints (the chain is asked later), so
   * each is kept on its slot, and so is the hash a node answered (to match the logs' fast path without hashing).
   */
  async #send(slots: Slot[]): Promise<void> {
    await Promise.all(
      slots.map((slot) => {
        slot.sent = true;
        return this.#client.request({ method: "eth_sendRawTransaction", params: [slot.raw] }, { retryCount: 0 }).then(
          (hash) => {
            if (typeof hash === "string" && /^0x[0-9a-fA-F]{64}$/.test(hash)) slot.sentHash = hash.toLowerCase() as Hex;
            slot.sendError = undefined;
          },
          (error: unknown) => (slot.sendError = isAlreadyKnown(error) ? undefined : error),
        );
      }),
    );
  }

  /**
   * Re-broadcasts the same bytes to every endpoint.
   *
   * @returns per transaction: undefined when an endpoint accepted it (or already had it), else the first
   *   endpoint's error.
   */
  async #rebroadcast(raws: Hex[]): Promise<unknown[]> {
    const perEndpoint = await Promise.all(
      this.#endpoints.map((endpoint) =>
        Promise.all(
          raws.map((raw) =>
            this.#ask(endpoint, "eth_sendRawTransaction", [raw]).then(
              () => undefined,
              (error: unknown) => (isAlreadyKnown(error) ? undefined : error),
            ),
          ),
        ),
      ),
    );
    return raws.map((_, i) => (perEndpoint.some((errors) => errors[i] === undefined) ? undefined : perEndpoint[0]![i]));
  }

  async #settle(): Promise<void> {
    const polling = this.#client.pollingInterval;
    const deadline = Date.now() + (this.#options.timeout ?? 120_000);
    const stallTimeout = this.#options.stallTimeout ?? 3 * polling;
    let lastProgress = Date.now();
    for (;;) {
      if (this.#open().length === 0) return;
      try {
        const count = await maxCount(this.#endpoints, this.#account.address, "latest", this.#endpointTimeout);
        if (count > this.#count) [this.#count, lastProgress] = [count, Date.now()];
      } catch (error) {
        this.#lastError = error; // no endpoint answered: try again next round
      }
      const consumed = this.#open().filter((s) => s.nonce < this.#count);
      if (consumed.length > 0) await this.#resolveConsumed(consumed, stallTimeout).catch((error: unknown) => (this.#lastError = error));
      if (this.#open().length === 0) return;
      if (Date.now() > deadline) {
        for (const slot of this.#open()) {
          const ref = slot.ref();
          const cause = slot.sendError ?? slot.refusal ?? this.#lastError;
          slot.outcome = { status: "unknown", ...ref, error: new TransferUnknownError(ref, slot.raw, slot.nonce < this.#count, cause) };
        }
        return;
      }
      const waiting = this.#open().filter((s) => s.nonce >= this.#count).sort((a, b) => a.nonce - b.nonce);
      if (waiting.length > 0 && Date.now() - lastProgress > stallTimeout) {
        await this.#unstick(waiting).catch((error: unknown) => (this.#lastError = error));
        lastProgress = Date.now();
      }
      await sleep(polling);
    }
  }

  #open(): Slot[] {
    return this.#slots.filter((s) => !s.outcome);
  }

  /**
   * Settles slots whose nonce the chain has consumed: by the transaction's receipt (or its filler's), looked up
   * on every endpoint; a nonce consumed without any receipt for `stallTimeout` is looked up in the blocks.
   */
  async #resolveConsumed(consumed: Slot[], stallTimeout: number): Promise<void> {
    let rest = consumed;
    if (this.#options.findSucceeded) {
      const succeeded = await this.#options.findSucceeded({ fromBlock: this.#fromBlock, hashes: new Set(consumed.map((s) => s.lookupHash)) }).catch((error: unknown) => {
        this.#lastError = error;
        return new Map<Hex, bigint>();
      });
      rest = [];
      for (const slot of consumed) {
        const blockNumber = succeeded.get(slot.lookupHash);
        if (blockNumber === undefined) rest.push(slot);
        else slot.outcome = { status: "success", index: slot.index, hash: slot.lookupHash, nonce: slot.nonce, blockNumber };
      }
    }
    // Every endpoint in turn, each asked only for what the ones before it lacked.
    for (const endpoint of this.#endpoints) {
      const lookups = rest.flatMap((slot) => [{ slot, hash: slot.hash }, ...(slot.filler ? [{ slot, hash: slot.filler.hash }] : [])]);
      if (lookups.length === 0) break;
      const receipts = await this.#batch(lookups, ({ hash }) =>
        this.#ask<Receipt>(endpoint, "eth_getTransactionReceipt", [hash]).then(
          (r) => r,
          (error: unknown) => {
            this.#lastError = error;
            return null;
          },
        ),
      );
      await Promise.all(
        lookups.map(async ({ slot, hash }, i) => {
          const receipt = receipts[i];
          if (!receipt || slot.outcome) return;
          const blockNumber = BigInt(receipt.blockNumber);
          if (hash !== slot.hash) {
            slot.outcome = { status: "rejected", ...slot.ref(), error: new TransferRejectedError(slot.ref(), hash, slot.refusal) };
            return;
          }
          const base = { ...slot.ref(), blockNumber };
          slot.outcome = receipt.status === "0x1" ? { status: "success", ...base } : { status: "reverted", ...base, error: await this.#revertReason(slot, blockNumber) };
        }),
      );
      rest = rest.filter((s) => !s.outcome);
    }
    const now = Date.now();
    for (const slot of rest) slot.consumedSince ??= now;
    // No endpoint has a receipt for a while: the block that holds the account's transaction at that nonce tells.
    const overdue = rest.filter((s) => now - s.consumedSince! > stallTimeout).slice(0, this.#options.batchSize ?? 100);
    await Promise.all(
      overdue.map(async (slot) => {
        const holder = await this.#transactionAtNonce(slot.nonce);
        if (holder === undefined || holder === slot.hash) return; // not found yet, or ours (its receipt will come)
        slot.outcome = { status: "rejected", ...slot.ref(), error: new TransferRejectedError(slot.ref(), holder, slot.filler?.hash === holder ? slot.refusal : undefined) };
      }),
    );
  }

  /**
   * The hash of this account's transaction at `nonce`, read from the chain's blocks: a binary search for the
   * first block after which the account's count exceeds `nonce`, then that block's transactions. Only a block
   * that really holds a transaction of this account at this nonce counts, so a lagging or inconsistent endpoint
   * can delay the answer but never falsify it. Undefined when no endpoint can tell yet.
   */
  async #transactionAtNonce(nonce: number): Promise<Hex | undefined> {
    const address = this.#account.address;
    for (const endpoint of this.#endpoints) {
      const ask = <T>(method: string, params: unknown[]) => this.#ask<T>(endpoint, method, params);
      const countAt = async (block: bigint) => Number(await ask<Hex>("eth_getTransactionCount", [address, `0x${block.toString(16)}`]));
      try {
        let hi = BigInt(await ask<Hex>("eth_blockNumber", []));
        if ((await countAt(hi)) <= nonce) continue;
        let lo = this.#fromBlock > 0n ? this.#fromBlock - 1n : 0n;
        if (lo > 0n && (await countAt(lo)) > nonce) lo = 0n;
        // Invariant: count(lo) <= nonce < count(hi) (the genesis count is 0 for a sending account).
        while (hi - lo > 1n) {
          const mid = (lo + hi) / 2n;
          if ((await countAt(mid)) > nonce) hi = mid;
          else lo = mid;
        }
        const block = await ask<{ transactions: { hash: Hex; from: Address; nonce: Hex }[] } | null>("eth_getBlockByNumber", [`0x${hi.toString(16)}`, true]);
        const found = block?.transactions.find((tx) => tx.from.toLowerCase() === address.toLowerCase() && Number(tx.nonce) === nonce);
        if (found) return found.hash;
      } catch (error) {
        this.#lastError = error; // this endpoint cannot tell now: ask the next
      }
    }
    return undefined;
  }

  /**
   * The chain waits for nonce `count`. Re-broadcast, in nonce order and to every endpoint, the waiting
   * transactions the node does not know: the same bytes, so nothing can execute twice. If every endpoint refuses
   * the lowest outright, sign a no-op at its nonce (once) so the later ones can go through; which of the two
   * the chain includes decides the outcome.
   */
  async #unstick(waiting: Slot[]): Promise<void> {
    const window = waiting.slice(0, this.#options.batchSize ?? 100);
    const known = await this.#batch(window, (s) => this.#rpc<unknown>("eth_getTransactionByHash", [s.hash]).catch(() => null));
    const unknown = window.filter((s, i) => known[i] == null || s.filler);
    if (unknown.length === 0) return;
    const errors = await this.#rebroadcast(unknown.map((s) => s.raw));
    for (const [i, slot] of unknown.entries()) if (errors[i] !== undefined) slot.sendError = errors[i];
    const fillers = unknown.flatMap((s) => (s.filler ? [s.filler.raw] : []));
    if (fillers.length > 0) await this.#rebroadcast(fillers);
    const lowest = unknown[0]!;
    const refusal = errors[0];
    if (lowest.nonce !== this.#count || lowest.filler || refusal === undefined || isTransient(refusal)) return;
    const noop = { to: this.#account.address, data: "0x" as Hex, gas: 21_000n };
    const raw = await signCall(this.#client, this.#account, this.#fees, noop, lowest.nonce);
    lowest.filler = { raw, hash: keccak256(raw) };
    lowest.refusal = refusal;
    await this.#rebroadcast([raw]);
  }

  async #revertReason(slot: Slot, blockNumber: bigint): Promise<LedgerError> {
    if (slot.sendError !== undefined && hasRevertData(slot.sendError)) return this.#options.describeRevert(slot.sendError);
    try {
      await this.#rpc("eth_call", [
        { from: this.#account.address, to: slot.call.to, data: slot.call.data, gas: `0x${slot.call.gas.toString(16)}` },
        `0x${(blockNumber - 1n).toString(16)}`,
      ]);
    } catch (error) {
      if (getRpcError(error) === undefined) return this.#options.describeRevert(error);
    }
    return new LedgerError(`transaction ${slot.index} reverted, and replaying it before its block did not reproduce the reason`, {
      details: `hash ${slot.hash}`,
    });
  }

  #rpc<T>(method: string, params: unknown[]): Promise<T> {
    return this.#client.request({ method, params } as never) as Promise<T>;
  }

  /** Runs one request per item, `batchSize` at a time (one HTTP batch each on a batching transport). */
  async #batch<I, T>(items: I[], fn: (item: I) => Promise<T>): Promise<T[]> {
    const size = this.#options.batchSize ?? 100;
    const out: T[] = [];
    for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
    return out;
  }
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
