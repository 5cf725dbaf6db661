import { blockEnd } from "../indexer/checkpoint.js";
import type { Address, Hex, JsonValue, LedgerEventRow } from "../indexer/types.js";

/** A wallet's lifecycle status, as in the contract's `WalletStatus`. */
export type WalletStatus = "unregistered" | "active" | "frozen" | "closed";
/** A wallet's kind of party, as in the contract's `WalletRole`. */
export type WalletRole = "none" | "individual" | "agent" | "merchant" | "institution";
/** A lot's lifecycle status, as in the contract's `LotStatus`. */
export type LotStatus = "none" | "active" | "disputed" | "released";

const ROLES: readonly WalletRole[] = ["none", "individual", "agent", "merchant", "institution"];

/** A wallet's registry record at one point in time. */
export interface WalletState {
  /** Lifecycle status. */
  status: WalletStatus;
  /** On compliance's denylist (independent of status). */
  denylisted: boolean;
  /** Kind of party. */
  role: WalletRole;
  /** KYC tier. */
  tier: number;
  /** Region code. */
  region: number;
  /** Institution id of the registering bank. */
  institution: number;
  /** First UTC day on which the wallet may no longer move value. */
  kycExpiryDay: number;
  /** Linked alias commitment, or null. */
  alias: Hex | null;
  /** Checkpoint of the last registry event that changed this record, or null if none did. */
  since: string | null;
}

/** A goods lot's reserve record at one point in time. */
export interface LotState {
  /** Lifecycle status. */
  status: LotStatus;
  /** Valuation in token base units. */
  valuation: bigint;
  /** Attestation expiry, unix seconds. */
  expiresAt: number;
  /** The custodian who attested it. */
  custodian: Address | null;
  /** Goods class code (bytes32 hex). */
  classCode: Hex | null;
  /** Tokens redeemed against it so far (from goods-release records). */
  redeemed: bigint;
  /** Checkpoint of the last event that changed it, or null. */
  since: string | null;
}

/** Limits of one KYC tier (base units; 2^64-1 = unlimited). */
export interface TierLimits {
  maxBalance: bigint;
  maxTransfer: bigint;
  dailyOutflow: bigint;
}

/** The record of an address the registry never saw. */
export const UNREGISTERED: WalletState = Object.freeze({
  status: "unregistered", denylisted: false, role: "none", tier: 0, region: 0, institution: 0, kycExpiryDay: 0, alias: null, since: null,
}) as WalletState;

const NO_LOT: LotState = Object.freeze({ status: "none", valuation: 0n, expiresAt: 0, custodian: null, classCode: null, redeemed: 0n, since: null }) as LotState;

/** The registry and reserve events the timeline understands (others are ignored). */
export const REGISTRY_EVENTS = [
  "WalletRegistered", "WalletUpdated", "WalletFrozen", "WalletUnfrozen", "WalletClosed", "WalletDenylisted",
  "WalletDenylistCleared", "AliasLinked", "AliasUnlinked", "WalletRecovered", "TierLimitsSet",
  "LotAttested", "AttestationRenewed", "LotDisputed", "LotDisputeResolved", "LotReleased", "GoodsReleased",
] as const;

interface Snapshot<T> {
  checkpoint: string;
  state: T;
}

function num(value: JsonValue | undefined): number {
  return Number(value ?? 0);
}

function big(value: JsonValue | undefined): bigint {
  return BigInt((value ?? 0) as string | number);
}

function addr(value: JsonValue | undefined): Address {
  return String(value).toLowerCase() as Address;
}

/** Latest snapshot with checkpoint ≤ `at` (binary search), or undefined. */
function snapshotAt<T>(list: readonly Snapshot<T>[] | undefined, at: string): T | undefined {
  if (list === undefined) return undefined;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.checkpoint <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : list[lo - 1]!.state;
}

/**
 * Wallet records, tier limits and lot records over time, replayed from the registry and reserve events.
 * Every read takes a checkpoint and answers with the state after every event at or before it.
 */
export class RegistryTimeline {
  readonly #wallets = new Map<Address, Snapshot<WalletState>[]>();
  readonly #lots = new Map<Hex, Snapshot<LotState>[]>();
  readonly #tiers = new Map<number, Snapshot<TierLimits>[]>();

  /** @param events - registry and reserve events in checkpoint order (others are skipped). */
  constructor(events: readonly LedgerEventRow[]) {
    for (const e of events) this.apply(e);
  }

  #pushWallet(account: Address, checkpoint: string, change: (s: WalletState) => WalletState): void {
    let list = this.#wallets.get(account);
    if (list === undefined) this.#wallets.set(account, (list = []));
    const prev = list.at(-1)?.state ?? UNREGISTERED;
    list.push({ checkpoint, state: { ...change(prev), since: checkpoint } });
  }

  #pushLot(lot: Hex, checkpoint: string, change: (s: LotState) => LotState): void {
    let list = this.#lots.get(lot);
    if (list === undefined) this.#lots.set(lot, (list = []));
    const prev = list.at(-1)?.state ?? NO_LOT;
    list.push({ checkpoint, state: { ...change(prev), since: checkpoint } });
  }

  /**
   * Applies one more event (after every event applied so far, in checkpoint order): the live model appends
   * each new block's events this way.
   * @returns the wallet or lot whose record the event changed, if any (the model numbers it).
   */
  apply(e: LedgerEventRow): { wallet?: Address; lot?: Hex } {
    this.#change(e);
    if (e.name === "WalletRecovered") return { wallet: addr(e.args.replacement) };
    if (e.name === "TierLimitsSet" || !REGISTRY_EVENTS.includes(e.name as (typeof REGISTRY_EVENTS)[number])) return {};
    if (e.args.account !== undefined) return { wallet: addr(e.args.account) };
    return { lot: (e.args.lot ?? "") as Hex };
  }

  #change(e: LedgerEventRow): void {
    const a = e.args;
    const cp = e.checkpoint;
    const record = (s: WalletState): WalletState => ({
      ...s, role: ROLES[num(a.role)] ?? "none", tier: num(a.tier), region: num(a.region), institution: num(a.institution), kycExpiryDay: num(a.kycExpiryDay),
    });
    const lot = (a.lot ?? "") as Hex;
    switch (e.name) {
      case "WalletRegistered": return this.#pushWallet(addr(a.account), cp, (s) => ({ ...record(s), status: "active" }));
      case "WalletUpdated": return this.#pushWallet(addr(a.account), cp, record);
      case "WalletFrozen": return this.#pushWallet(addr(a.account), cp, (s) => ({ ...s, status: "frozen" }));
      case "WalletUnfrozen": return this.#pushWallet(addr(a.account), cp, (s) => ({ ...s, status: "active" }));
      case "WalletClosed": return this.#pushWallet(addr(a.account), cp, (s) => ({ ...s, status: "closed", alias: null }));
      case "WalletDenylisted": return this.#pushWallet(addr(a.account), cp, (s) => ({ ...s, denylisted: true }));
      case "WalletDenylistCleared": return this.#pushWallet(addr(a.account), cp, (s) => ({ ...s, denylisted: false }));
      case "AliasLinked": return this.#pushWallet(addr(a.account), cp, (s) => ({ ...s, alias: a.aliasCommitment as Hex }));
      case "AliasUnlinked": return this.#pushWallet(addr(a.account), cp, (s) => ({ ...s, alias: null }));
      case "WalletRecovered": {
        // The record moves to the replacement; the denylist flag stays with the lost address.
        const lost = [...(this.#wallets.get(addr(a.lost)) ?? [])].reverse().find((x) => x.state.status !== "closed")?.state ?? UNREGISTERED;
        return this.#pushWallet(addr(a.replacement), cp, (s) => ({ ...lost, denylisted: s.denylisted, alias: s.alias }));
      }
      case "TierLimitsSet": {
        const tier = num(a.tier);
        let list = this.#tiers.get(tier);
        if (list === undefined) this.#tiers.set(tier, (list = []));
        list.push({ checkpoint: cp, state: { maxBalance: big(a.maxBalance), maxTransfer: big(a.maxTransfer), dailyOutflow: big(a.dailyOutflow) } });
        return;
      }
      case "LotAttested":
        return this.#pushLot(lot, cp, (s) => ({
          ...s, status: "active", valuation: big(a.valuation), expiresAt: num(a.expiresAt), custodian: addr(a.custodian), classCode: a.classCode as Hex,
        }));
      case "AttestationRenewed": return this.#pushLot(lot, cp, (s) => ({ ...s, valuation: big(a.valuation), expiresAt: num(a.expiresAt) }));
      case "LotDisputed": return this.#pushLot(lot, cp, (s) => ({ ...s, status: "disputed" }));
      case "LotDisputeResolved": return this.#pushLot(lot, cp, (s) => ({ ...s, status: "active" }));
      case "LotReleased": return this.#pushLot(lot, cp, (s) => ({ ...s, status: "released" }));
      case "GoodsReleased": return this.#pushLot(lot, cp, (s) => ({ ...s, redeemed: s.redeemed + big(a.amount) }));
      default: return;
    }
  }

  /** Every address the registry has a record or denylist entry for. */
  wallets(): IterableIterator<Address> {
    return this.#wallets.keys();
  }

  /** Every lot id with a reserve record. */
  lotIds(): IterableIterator<Hex> {
    return this.#lots.keys();
  }

  /** Whether the registry ever saw this address. */
  knows(account: Address): boolean {
    return this.#wallets.has(account);
  }

  /**
   * A wallet's record after every event at or before `checkpoint`.
   * @param account - lower-case address.
   * @param checkpoint - encoded checkpoint (use `blockEnd(n)` for "as of block n").
   */
  walletAt(account: Address, checkpoint: string): WalletState {
    return snapshotAt(this.#wallets.get(account), checkpoint) ?? UNREGISTERED;
  }

  /** A wallet's record as of the end of `block`. */
  walletAtBlock(account: Address, block: number): WalletState {
    return this.walletAt(account, blockEnd(block));
  }

  /** Every change of a wallet's record, in order. */
  walletHistory(account: Address): WalletState[] {
    return (this.#wallets.get(account) ?? []).map((s) => s.state);
  }

  /** A lot's record after every event at or before `checkpoint`. */
  lotAt(lot: Hex, checkpoint: string): LotState {
    return snapshotAt(this.#lots.get(lot), checkpoint) ?? NO_LOT;
  }

  /** A tier's limits after every event at or before `checkpoint`, or null if never set. */
  tierAt(tier: number, checkpoint: string): TierLimits | null {
    return snapshotAt(this.#tiers.get(tier), checkpoint) ?? null;
  }
}
