/**
 * Random ledger histories for property tests: wallets registered, lots attested, tier limits set, then a
 * random sequence of issues, transfers (self-transfers and zero amounts included), redemptions, seizures,
 * recoveries, freezes, denylistings, tier-limit changes, wallet updates (tier and KYC expiry), and blocks that
 * hold only a registry event. KYC expiry days fall inside the history, so wallets do expire. Amounts reach 2^64
 * when asked. Every history is one the contracts could have produced as far as balances go (nobody sends more
 * than they hold; frozen, denylisted, closed and KYC-expired wallets neither send nor receive, except that a
 * seizure takes from them).
 */
import fc from "fast-check";
import { encodeCheckpoint } from "../../src/indexer/checkpoint.js";
import type { Address, Hex, JsonValue, LedgerEventRow, TransferKind, TransferRow } from "../../src/indexer/types.js";
import { ZERO_ADDRESS } from "../../src/indexer/types.js";
import { buildModel } from "../../src/trace/model.js";
import type { Store } from "../../src/indexer/store/store.js";

/** A generated history. */
export interface History {
  transfers: TransferRow[];
  events: LedgerEventRow[];
  /** Registered wallets; wallets[0] is the issuer's treasury, wallets[1] compliance's escrow. */
  wallets: Address[];
  lots: Hex[];
  /** Last block. */
  tip: number;
  /** Timestamp of every block 1..tip (index = block number; 0 unused). */
  times: number[];
}

type Op =
  | { op: "issue"; lot: number; to: number; amount: bigint }
  | { op: "transfer"; from: number; to: number; part: number }
  | { op: "redeem"; lot: number; part: number }
  | { op: "seize"; from: number; part: number }
  | { op: "recover"; lost: number }
  | { op: "freeze" | "unfreeze" | "denylist" | "clear"; wallet: number }
  | { op: "block"; seconds: number }
  | { op: "limits"; tier: number; maxTransfer: number }
  | { op: "update"; wallet: number; tier: number; kycDays: number }
  | { op: "zero"; from: number; to: number }
  | { op: "registry-block"; wallet: number; seconds: number };

const hex = (n: number, bytes: number): Hex => `0x${n.toString(16).padStart(bytes * 2, "0")}` as Hex;
/** The i-th test wallet's address. */
export const walletAddress = (i: number): Address => hex(0x1000 + i, 20) as Address;
/** The i-th test lot's id. */
export const lotIdOf = (i: number): Hex => hex(0xa000 + i, 32);

/**
 * A fast-check arbitrary of histories.
 * @param size.wallets - number of registered wallets (at least 4).
 * @param size.ops - maximum number of operations.
 * @param size.lots - number of lots.
 * @param size.maxAmount - largest issue, in base units (up to 2^64; the references move runs of units, not units).
 * @param size.huge - when true, issues are scaled into 2^53..2^64 base units (beyond a float's exact range).
 */
export function historyArbitrary(size: { wallets?: number; ops?: number; lots?: number; maxAmount?: number; huge?: boolean } = {}): fc.Arbitrary<History> {
  const wallets = size.wallets ?? 6;
  const lots = size.lots ?? 3;
  const maxAmount = size.maxAmount ?? 40;
  const w = fc.integer({ min: 0, max: wallets - 1 });
  const part = fc.integer({ min: 1, max: 100 });
  const amount = size.huge === true
    ? fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n })
    : fc.integer({ min: 1, max: maxAmount }).map(BigInt);
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant("issue" as const), lot: fc.integer({ min: 0, max: lots - 1 }), to: w, amount }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("limits" as const), tier: fc.integer({ min: 1, max: 3 }), maxTransfer: fc.integer({ min: 5, max: 60 }) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("update" as const), wallet: w, tier: fc.integer({ min: 1, max: 3 }), kycDays: fc.integer({ min: 0, max: 12 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("zero" as const), from: w, to: w }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("registry-block" as const), wallet: w, seconds: fc.integer({ min: 1, max: 200_000 }) }) },
    { weight: 16, arbitrary: fc.record({ op: fc.constant("transfer" as const), from: w, to: w, part }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("redeem" as const), lot: fc.integer({ min: 0, max: lots - 1 }), part }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("seize" as const), from: w, part }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("recover" as const), lost: w }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constantFrom("freeze" as const, "unfreeze" as const, "denylist" as const, "clear" as const), wallet: w }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant("block" as const), seconds: fc.oneof(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 3_600, max: 200_000 })) }) },
  );
  return fc.array(op, { minLength: Math.floor((size.ops ?? 160) / 2), maxLength: size.ops ?? 160, size: "max" }).map((ops) => interpret(ops, wallets, lots));
}

function interpret(ops: readonly Op[], walletCount: number, lotCount: number): History {
  const transfers: TransferRow[] = [];
  const events: LedgerEventRow[] = [];
  const wallets = Array.from({ length: walletCount }, (_, i) => walletAddress(i));
  const lots = Array.from({ length: lotCount }, (_, i) => lotIdOf(i));
  const balance = new Map<Address, bigint>();
  const status = new Map<Address, "active" | "frozen" | "closed">();
  const denied = new Set<Address>();
  const kycDay = new Map<Address, number>();
  const tierOf = new Map<Address, number>();
  const times: number[] = [0];
  const outstanding = new Map<Hex, bigint>();
  let block = 1;
  let time = 1_700_000_000;
  let tx = 0;
  let log = 0;
  let releases = 0;
  const officer = walletAddress(999);
  const position = () => {
    times[block] = time;
    const p = { checkpoint: encodeCheckpoint({ block, txIndex: tx, logIndex: log }), block, txIndex: tx, logIndex: log, txHash: hex(block * 1000 + tx, 32), timestamp: time };
    log++;
    return p;
  };
  const event = (contract: "token" | "reserve", name: string, args: Record<string, JsonValue>) => events.push({ ...position(), contract, name, args });
  const move = (from: Address, to: Address, amount: bigint, kind: TransferKind, lot: Hex | null) => {
    if (from !== ZERO_ADDRESS) balance.set(from, (balance.get(from) ?? 0n) - amount);
    if (to !== ZERO_ADDRESS) balance.set(to, (balance.get(to) ?? 0n) + amount);
    transfers.push({ ...position(), from, to, amount, kind, lot, reference: null });
  };
  const day = () => Math.floor(time / 86_400);
  const canMove = (a: Address) => status.get(a) === "active" && !denied.has(a) && day() < (kycDay.get(a) ?? 0);
  const newBlock = (seconds: number) => {
    times[block] = time;
    block++;
    time += seconds;
    tx = 0;
    log = 0;
  };
  const nextTx = () => {
    tx++;
    if (tx > 3) newBlock(12);
  };
  const firstDay = Math.floor(1_700_000_000 / 86_400);

  for (let t = 1; t <= 3; t++) {
    event("token", "TierLimitsSet", { tier: t, maxBalance: String(1000 * t), maxTransfer: String(20 * t), dailyOutflow: String(100 * t), officer });
  }
  wallets.forEach((a, i) => {
    status.set(a, "active");
    // The treasury, the escrow and every odd wallet expire far in the future; the other wallets' KYC expires
    // within the history (a wallet update may renew it).
    const expiry = i < 2 || i % 2 === 1 ? 30_000 : firstDay + 2 + i;
    kycDay.set(a, expiry);
    tierOf.set(a, (i % 3) + 1);
    event("token", "WalletRegistered", { account: a, registrar: officer, role: i === 0 ? 4 : (i % 3) + 1, tier: (i % 3) + 1, region: i % 2, institution: 1 + (i % 2), kycExpiryDay: expiry });
  });
  lots.forEach((lot) => {
    outstanding.set(lot, 0n);
    event("reserve", "LotAttested", {
      lot, custodian: officer, classCode: hex(7, 32), quantity: "1000", unit: hex(1, 32), valuation: "1000000", location: hex(2, 32),
      attestationHash: hex(3, 32), attestationURI: "ipfs://x", expiresAt: time + 10_000_000,
    });
  });
  newBlock(12);

  for (const o of ops) {
    nextTx();
    switch (o.op) {
      case "block":
        newBlock(o.seconds);
        break;
      case "issue": {
        const to = wallets[o.to]!;
        if (!canMove(to)) break;
        const lot = lots[o.lot]!;
        move(ZERO_ADDRESS, to, o.amount, "issue", lot);
        outstanding.set(lot, outstanding.get(lot)! + o.amount);
        break;
      }
      case "limits":
        event("token", "TierLimitsSet", { tier: o.tier, maxBalance: String(1000 * o.tier), maxTransfer: String(o.maxTransfer), dailyOutflow: String(100 * o.tier), officer });
        break;
      case "update": {
        const a = wallets[o.wallet]!;
        if (status.get(a) === "closed" || o.wallet < 2) break;
        const expiry = day() + o.kycDays;
        kycDay.set(a, expiry);
        tierOf.set(a, o.tier);
        event("token", "WalletUpdated", { account: a, officer, role: (o.wallet % 3) + 1, tier: o.tier, region: o.wallet % 2, institution: 1 + (o.wallet % 2), kycExpiryDay: expiry });
        break;
      }
      case "zero": {
        // Anyone can log a zero transferFrom; the ledger records it as an ordinary transfer of 0.
        const from = wallets[o.from]!;
        const to = wallets[o.to]!;
        if (!canMove(from) || !canMove(to)) break;
        move(from, to, 0n, "transfer", null);
        break;
      }
      case "registry-block": {
        // A block that holds only a registry event.
        newBlock(o.seconds);
        const a = wallets[o.wallet]!;
        if (status.get(a) === "closed") {
          newBlock(12);
          break;
        }
        if (status.get(a) === "frozen") {
          status.set(a, "active");
          event("token", "WalletUnfrozen", { account: a, officer, reasonCode: hex(5, 32) });
        } else if (o.wallet >= 2) {
          // A KYC renewal (or lapse) in a block of its own.
          const expiry = day() + (o.seconds % 5);
          kycDay.set(a, expiry);
          event("token", "WalletUpdated", { account: a, officer, role: (o.wallet % 3) + 1, tier: tierOf.get(a)!, region: o.wallet % 2, institution: 1 + (o.wallet % 2), kycExpiryDay: expiry });
        }
        newBlock(12);
        break;
      }
      case "transfer": {
        const from = wallets[o.from]!;
        const to = wallets[o.to]!;
        const have = balance.get(from) ?? 0n;
        if (!canMove(from) || !canMove(to) || have === 0n) break;
        move(from, to, (have * BigInt(o.part) + 99n) / 100n, "transfer", null);
        break;
      }
      case "redeem": {
        const issuer = wallets[0]!;
        const lot = lots[o.lot]!;
        const have = balance.get(issuer) ?? 0n;
        const cap = outstanding.get(lot)!;
        const amount = (((have < cap ? have : cap) * BigInt(o.part)) + 99n) / 100n;
        if (!canMove(issuer) || amount === 0n) break;
        move(issuer, ZERO_ADDRESS, amount, "redeem", lot);
        outstanding.set(lot, cap - amount);
        event("reserve", "GoodsReleased", { releaseId: String(++releases), lot, amount: String(amount), quantity: "1", reference: hex(0, 32) });
        break;
      }
      case "seize": {
        const from = wallets[o.from]!;
        const escrow = wallets[1]!;
        const have = balance.get(from) ?? 0n;
        if (from === escrow || have === 0n || status.get(escrow) !== "active") break;
        move(from, escrow, (have * BigInt(o.part) + 99n) / 100n, "seizure", null);
        break;
      }
      case "recover": {
        const lost = wallets[o.lost]!;
        if (o.lost < 2 || status.get(lost) === "closed") break;
        // As the contract does: Transfer, WalletClosed, WalletRecovered; the record (status included) moves.
        const replacement = walletAddress(100 + wallets.length);
        wallets.push(replacement);
        status.set(replacement, status.get(lost)!);
        kycDay.set(replacement, kycDay.get(lost)!);
        tierOf.set(replacement, tierOf.get(lost)!);
        const have = balance.get(lost) ?? 0n;
        if (have > 0n) move(lost, replacement, have, "recovery", null);
        status.set(lost, "closed");
        event("token", "WalletClosed", { account: lost, officer, reasonCode: hex(9, 32) });
        event("token", "WalletRecovered", { lost, replacement, amount: String(have), officer, reasonCode: hex(9, 32), legalRef: hex(8, 32) });
        break;
      }
      case "freeze":
      case "unfreeze": {
        const a = wallets[o.wallet]!;
        const from = o.op === "freeze" ? "active" : "frozen";
        if (status.get(a) !== from) break;
        status.set(a, o.op === "freeze" ? "frozen" : "active");
        event("token", o.op === "freeze" ? "WalletFrozen" : "WalletUnfrozen", { account: a, officer, reasonCode: hex(5, 32) });
        break;
      }
      case "denylist":
      case "clear": {
        const a = wallets[o.wallet]!;
        if (denied.has(a) === (o.op === "denylist")) break;
        if (o.op === "denylist") denied.add(a);
        else denied.delete(a);
        event("token", o.op === "denylist" ? "WalletDenylisted" : "WalletDenylistCleared", { account: a, officer, reasonCode: hex(6, 32) });
        break;
      }
    }
  }
  times[block] = time;
  for (let b = 1; b <= block; b++) times[b] ??= times[b - 1]!; // never read: every block 1..tip is set above
  return { transfers, events, wallets, lots, tip: block, times };
}

/** The block hash a committed history's block gets (headers are synthetic). */
export const blockHash = (n: number): Hex => hex(n, 32);

/**
 * Commits a history into a store through {@link Store.commit}, in batches ending at the given blocks (and at
 * the tip); each batch carries the header of its last block, with the block's time in the history.
 */
export async function commitHistory(store: Store, h: History, cuts: readonly number[] = []): Promise<void> {
  const ends = [...new Set([...cuts.map((c) => 1 + (c % h.tip)), h.tip])].sort((a, b) => a - b);
  let from = 1;
  for (const end of ends) {
    if (end < from) continue;
    await commitRange(store, h, from, end);
    from = end + 1;
  }
}

/** Commits blocks `from..to` of a history as one batch, with the header of block `to`. */
export async function commitRange(store: Store, h: History, from: number, to: number): Promise<void> {
  await store.commit({
    fromBlock: from, toBlock: to, toHash: blockHash(to),
    headers: [{ number: to, hash: blockHash(to), parentHash: blockHash(to - 1), timestamp: h.times[to]! }],
    transfers: h.transfers.filter((t) => t.block >= from && t.block <= to),
    events: h.events.filter((e) => e.block >= from && e.block <= to),
  });
}

/** The trace model of a history, with the history's last block (and its time) as its tip. */
export function modelOf(h: History) {
  return buildModel(h.transfers, h.events, { block: h.tip, hash: null, timestamp: h.times[h.tip]! });
}

/** What a history holds of the cases the comparisons must meet (docs/TRACE.md S1, Z1, T1, X1). */
export interface HistoryFeatures {
  /** Transfers from a wallet to itself (S1). */
  selfTransfers: number;
  /** Transfers of 0 units (Z1). */
  zeroAmounts: number;
  /** Blocks that hold a registry event and no transfer (T1). */
  eventOnlyBlocks: number;
  /** Transfers of 2^53 units or more, beyond a float's exact range (X1). */
  beyondFloat: number;
  /** Transfers of more than 2^63 units, towards the 2^64 bound. */
  over2to63: number;
}

/** Counts the {@link HistoryFeatures} of a history. */
export function historyFeatures(h: History): HistoryFeatures {
  const withTransfer = new Set(h.transfers.map((t) => t.block));
  return {
    selfTransfers: h.transfers.filter((t) => t.from === t.to).length,
    zeroAmounts: h.transfers.filter((t) => t.amount === 0n).length,
    eventOnlyBlocks: new Set(h.events.filter((e) => !withTransfer.has(e.block)).map((e) => e.block)).size,
    beyondFloat: h.transfers.filter((t) => t.amount >= 2n ** 53n).length,
    over2to63: h.transfers.filter((t) => t.amount > 2n ** 63n).length,
  };
}

/**
 * A tally of the cases a property met, so a test can show its generators produced each one (not merely could):
 * `seen.add(name)` while running, then `seen.expect(names)` after.
 */
export class Seen {
  readonly counts = new Map<string, number>();
  add(name: string, n = 1): void {
    if (n > 0) this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }
  /** Adds every history feature present. */
  history(h: History): void {
    for (const [k, v] of Object.entries(historyFeatures(h))) this.add(k, v);
  }
  /** Asserts each named case was met at least once; the message lists the tally. */
  expect(names: readonly string[]): void {
    const missing = names.filter((n) => !this.counts.has(n));
    if (missing.length > 0) throw new Error(`the generators never produced: ${missing.join(", ")} (seen: ${JSON.stringify(Object.fromEntries(this.counts))})`);
  }
}
