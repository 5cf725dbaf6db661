/**
 * The snapshot of a v1 ledger for the v1 → v2 migration (docs/DESIGN.md §5): every wallet record, alias
 * commitment, lot (attestation and figures), tier and balance, all read at ONE block, pinned by its hash.
 *
 * Which wallets, lots and tiers exist comes from v1's events up to the pinned block; their values come from the
 * chain's views called at that block hash (EIP-1898), so every figure belongs to the same block and a reorg that
 * replaced it makes the call fail instead of mixing two states.
 */
import { decodeFunctionResult, encodeFunctionData, getAddress, parseAbi, type Abi, type Address, type Hex, type PublicClient } from "viem";
import { CliError } from "../errors.js";

/** The parts of v1's ABI the snapshot reads (contracts/v1, GoodsTokenV1 and ReserveRegistryV1). */
export const v1Abi = parseAbi([
  "event WalletRegistered(address indexed account, address indexed registrar, uint8 role, uint8 tier, uint16 region, uint16 institution, uint24 kycExpiryDay)",
  "event WalletDenylisted(address indexed account, address indexed officer, bytes32 reasonCode)",
  "event AliasLinked(address indexed account, bytes32 indexed aliasCommitment, address indexed officer)",
  "event TierLimitsSet(uint8 indexed tier, uint64 maxBalance, uint64 maxTransfer, uint64 dailyOutflow, address indexed officer)",
  "event LotAttested(bytes32 indexed lot, address indexed custodian, bytes32 indexed classCode, uint128 quantity, bytes32 unit, uint96 valuation, bytes32 location, bytes32 attestationHash, string attestationURI, uint40 expiresAt)",
  "event Transfer(address indexed from, address indexed to, uint256 value)",
  "function walletOf(address account) view returns ((uint8 status, uint8 role, uint8 tier, bool denylisted, uint16 region, uint16 institution, uint24 kycExpiryDay, uint24 spentDay, uint64 spentToday, uint256 balance, bytes32 aliasCommitment))",
  "function tierLimits(uint8 tier) view returns ((uint64 maxBalance, uint64 maxTransfer, uint64 dailyOutflow))",
  "function lotInfo(bytes32 lot) view returns ((uint96 valuation, uint96 issued, uint40 expiresAt, uint8 status, address custodian, uint96 redeemed, uint128 quantity, uint40 attestedAt, bytes32 classCode, bytes32 unit, bytes32 location, bytes32 attestationHash, string attestationURI))",
  "function goodsReleaseCount() view returns (uint256)",
  "function goodsRelease(uint256 releaseId) view returns ((bytes32 lot, uint96 amount, uint40 releasedAt, uint128 quantity, bytes32 ref))",
  "function totalSupply() view returns (uint256)",
  "function paused() view returns (bool)",
  "function hasRole(bytes32 role, address account) view returns (bool)",
]);

/** Where a v1 ledger is. */
export interface V1Ledger {
  chainId: number;
  token: Address;
  reserveRegistry: Address;
  /** The first block of the deployment (events are read from here). */
  startBlock: number;
}

/** One wallet as v1 recorded it (a `WalletImport` of v2). */
export interface WalletSnapshot {
  account: Address;
  role: number;
  tier: number;
  /** 1 active, 2 frozen, 3 closed. */
  status: number;
  denylisted: boolean;
  region: number;
  institution: number;
  kycExpiryDay: number;
  balance: bigint;
  /** 0x0…0 when none. */
  aliasCommitment: Hex;
}

/** One lot as v1 recorded it (a `LotImport` of v2). */
export interface LotSnapshot {
  lot: Hex;
  custodian: Address;
  /** 1 active, 2 disputed, 3 released. */
  status: number;
  attestedAt: number;
  expiresAt: number;
  valuation: bigint;
  quantity: bigint;
  issued: bigint;
  redeemed: bigint;
  /** Σ of the lot's goods-release records (v1 keeps no total). */
  released: bigint;
  classCode: Hex;
  unit: Hex;
  location: Hex;
  attestationHash: Hex;
  attestationURI: string;
}

/** A configured tier. */
export interface TierSnapshot {
  tier: number;
  maxBalance: bigint;
  maxTransfer: bigint;
  dailyOutflow: bigint;
}

/** Everything a migration carries, at one block. */
export interface Snapshot {
  source: V1Ledger;
  blockNumber: bigint;
  blockHash: Hex;
  tiers: TierSnapshot[];
  /** Registered wallets (status 1–3), in order of first registration. */
  wallets: WalletSnapshot[];
  /** Unregistered addresses that v1's compliance denylisted (v2 gets them through `denylist`). */
  denylistedUnregistered: Address[];
  lots: LotSnapshot[];
  totalSupply: bigint;
}

/**
 * Checks that the chain's block at `blockNumber` still has `blockHash`.
 *
 * @throws CliError (code `reorg`) naming both hashes otherwise.
 */
export async function verifyPinnedBlock(client: PublicClient, blockNumber: bigint, blockHash: Hex): Promise<void> {
  const block = await client.getBlock({ blockNumber }).catch(() => undefined);
  if (block?.hash?.toLowerCase() !== blockHash.toLowerCase()) {
    throw new CliError(
      `the v1 chain's block ${blockNumber} no longer has the snapshot's hash ${blockHash} (now ${block?.hash ?? "missing"}): a reorg replaced it; the migration refuses to mix two states (remove the checkpoint to start again)`,
      { code: "reorg" },
    );
  }
}

/** eth_call at a block hash (EIP-1898, `requireCanonical`), decoded. */
async function callAt<T>(client: PublicClient, blockHash: Hex, to: Address, functionName: string, args: readonly unknown[] = []): Promise<T> {
  const data = encodeFunctionData({ abi: v1Abi as Abi, functionName, args } as never);
  const raw = (await client.request({
    method: "eth_call",
    params: [{ to, data }, { blockHash, requireCanonical: true } as never],
  } as never)) as Hex;
  return decodeFunctionResult({ abi: v1Abi as Abi, functionName, data: raw } as never) as T;
}

/**
 * Takes the snapshot of a v1 ledger at `blockNumber` (default: the head).
 *
 * @param client - a public client on the v1 chain.
 * @param v1 - where the v1 ledger is.
 * @param pin - a block to pin to (number and, on resume, the hash it must still have).
 * @returns the snapshot.
 */
export async function takeSnapshot(client: PublicClient, v1: V1Ledger, pin?: { blockNumber: bigint; blockHash?: Hex }): Promise<Snapshot> {
  const block = pin === undefined ? await client.getBlock({ blockTag: "latest" }) : await client.getBlock({ blockNumber: pin.blockNumber });
  const blockNumber = block.number!;
  const blockHash = block.hash!;
  if (pin?.blockHash !== undefined) await verifyPinnedBlock(client, blockNumber, pin.blockHash);
  const range = { fromBlock: BigInt(v1.startBlock), toBlock: blockNumber };
  const [registered, denylisted, transfers, tierEvents, attested] = await Promise.all([
    client.getLogs({ address: v1.token, event: v1Abi[0], ...range }),
    client.getLogs({ address: v1.token, event: v1Abi[1], ...range }),
    client.getLogs({ address: v1.token, event: v1Abi[5], ...range }),
    client.getLogs({ address: v1.token, event: v1Abi[3], ...range }),
    client.getLogs({ address: v1.reserveRegistry, event: v1Abi[4], ...range }),
  ]);
  const accounts = new Set<Address>();
  for (const log of registered) accounts.add(getAddress(log.args.account!));
  // A balance can only reach a registered wallet, but list every recipient so none is missed.
  for (const log of transfers) if (BigInt(log.args.to!) !== 0n) accounts.add(getAddress(log.args.to!));
  const candidates = [...accounts, ...denylisted.map((l) => getAddress(l.args.account!)).filter((a) => !accounts.has(a))];

  type V1Wallet = { status: number; role: number; tier: number; denylisted: boolean; region: number; institution: number; kycExpiryDay: number; balance: bigint; aliasCommitment: Hex };
  const wallets: WalletSnapshot[] = [];
  const denylistedUnregistered: Address[] = [];
  for (const account of candidates) {
    const w = await callAt<V1Wallet>(client, blockHash, v1.token, "walletOf", [account]);
    if (w.status === 0) {
      if (w.denylisted) denylistedUnregistered.push(account);
      if (w.balance !== 0n) throw new CliError(`v1 wallet ${account} is unregistered but holds ${w.balance} units: v1's own rules are broken; not migrating`, { code: "bad-snapshot" });
      continue;
    }
    wallets.push({
      account, role: Number(w.role), tier: Number(w.tier), status: Number(w.status), denylisted: w.denylisted, region: Number(w.region),
      institution: Number(w.institution), kycExpiryDay: Number(w.kycExpiryDay), balance: w.balance, aliasCommitment: w.aliasCommitment,
    });
  }

  const tierNumbers = [...new Set(tierEvents.map((l) => Number(l.args.tier)))].sort((a, b) => a - b);
  const tiers: TierSnapshot[] = [];
  for (const tier of tierNumbers) {
    const t = await callAt<{ maxBalance: bigint; maxTransfer: bigint; dailyOutflow: bigint }>(client, blockHash, v1.token, "tierLimits", [tier]);
    if (t.maxBalance === 0n && t.maxTransfer === 0n && t.dailyOutflow === 0n) continue;
    tiers.push({ tier, maxBalance: t.maxBalance, maxTransfer: t.maxTransfer, dailyOutflow: t.dailyOutflow });
  }

  const released = new Map<string, bigint>();
  const releaseCount = await callAt<bigint>(client, blockHash, v1.reserveRegistry, "goodsReleaseCount");
  for (let id = 1n; id <= releaseCount; id++) {
    const r = await callAt<{ lot: Hex; quantity: bigint }>(client, blockHash, v1.reserveRegistry, "goodsRelease", [id]);
    released.set(r.lot.toLowerCase(), (released.get(r.lot.toLowerCase()) ?? 0n) + r.quantity);
  }
  type V1Lot = { valuation: bigint; issued: bigint; expiresAt: number; status: number; custodian: Address; redeemed: bigint; quantity: bigint; attestedAt: number; classCode: Hex; unit: Hex; location: Hex; attestationHash: Hex; attestationURI: string };
  const lots: LotSnapshot[] = [];
  for (const lot of [...new Set(attested.map((l) => l.args.lot! as Hex))]) {
    const l = await callAt<V1Lot>(client, blockHash, v1.reserveRegistry, "lotInfo", [lot]);
    lots.push({
      lot, custodian: getAddress(l.custodian), status: Number(l.status), attestedAt: Number(l.attestedAt), expiresAt: Number(l.expiresAt),
      valuation: l.valuation, quantity: l.quantity, issued: l.issued, redeemed: l.redeemed, released: released.get(lot.toLowerCase()) ?? 0n,
      classCode: l.classCode, unit: l.unit, location: l.location, attestationHash: l.attestationHash, attestationURI: l.attestationURI,
    });
  }
  const totalSupply = await callAt<bigint>(client, blockHash, v1.token, "totalSupply");
  const sum = wallets.reduce((s, w) => s + w.balance, 0n);
  if (sum !== totalSupply) {
    throw new CliError(`v1 at block ${blockNumber}: Σ balances ${sum} ≠ totalSupply ${totalSupply}; a wallet is missing from the snapshot`, { code: "bad-snapshot" });
  }
  // The pin still holds after every read (requireCanonical already refused a replaced block).
  await verifyPinnedBlock(client, blockNumber, blockHash);
  return { source: v1, blockNumber, blockHash, tiers, wallets, denylistedUnregistered, lots, totalSupply };
}
