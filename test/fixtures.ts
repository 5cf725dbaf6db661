/**
 * Shared fixtures: a ledger deployed through the Ignition module on a connection from `network.create()`.
 *
 * ```ts
 * const connection = await network.create();
 * const { deployLedgerFixture, fundedLedgerFixture } = ledgerFixtures(connection);
 * const ledger = await connection.networkHelpers.loadFixture(fundedLedgerFixture);
 * await ledger.token.connect(ledger.alice).transfer(ledger.bob.address, 1n);
 * ```
 *
 * Shape (stable; other suites rely on it): {@link Ledger} and {@link FundedLedger}.
 */
import type { Contract, ContractRunner } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkConnection } from "hardhat/types/network";
import LedgerModule, { DEFAULT_ROLE_ACCOUNTS, DEFAULT_TIER_LIMITS } from "../ignition/modules/Ledger.js";

/** Seconds in a day; days are UTC day numbers, `timestamp / DAY`. */
export const DAY = 86_400n;
/** Token units per whole token (6 decimals). */
export const UNIT = 1_000_000n;

/** WalletRole values (IWalletRegistry.WalletRole). */
export const WalletRole = { None: 0, Individual: 1, Agent: 2, Merchant: 3, Institution: 4 } as const;
/** WalletStatus values (IWalletRegistry.WalletStatus). */
export const WalletStatus = { Unregistered: 0, Active: 1, Frozen: 2, Closed: 3 } as const;
/** LotStatus values (IReserveRegistry.LotStatus). */
export const LotStatus = { None: 0, Active: 1, Disputed: 2, Released: 3 } as const;

/** An ethers Contract whose `connect` keeps the ABI's methods (ethers types its result as a bare BaseContract). */
export type LedgerContract = { connect(runner: ContractRunner | null): LedgerContract } & Contract;

/** The role holders, at the account indexes of `DEFAULT_ROLE_ACCOUNTS`. */
export interface RoleSigners {
  admin: HardhatEthersSigner;
  pauser: HardhatEthersSigner;
  registrar: HardhatEthersSigner;
  compliance: HardhatEthersSigner;
  issuer: HardhatEthersSigner;
  custodian: HardhatEthersSigner;
  auditor: HardhatEthersSigner;
}

/** What {@link deployLedger} returns: the contracts (connected to the admin), role signers, other accounts. */
export interface Ledger extends RoleSigners {
  connection: NetworkConnection;
  token: LedgerContract;
  reserveRegistry: LedgerContract;
  /** Accounts 7.. : not registered, no roles. */
  users: HardhatEthersSigner[];
}

/** What {@link fundLedger} adds. */
export interface FundedLedger extends Ledger {
  /** Lot "LOT-A": 10,000,000 tokens of maize, expires in 365 days; 1,000,000 issued. */
  lotA: string;
  /** Lot "LOT-B": 2,000,000 tokens of rice, expires in 30 days; nothing issued. */
  lotB: string;
  /** Registered wallets: tier-1 individual (100,000 tokens), tier-2 individual (100,000 tokens), tier-3 merchant
   * (0), and the issuer's tier-3 institution wallet (800,000 tokens: the rest of the 1,000,000 issued). */
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  merchant: HardhatEthersSigner;
  /** users[3..]: not registered. */
  others: HardhatEthersSigner[];
  /** A KYC expiry day one year ahead (for registering more wallets). */
  kycExpiryDay: bigint;
}

/** A lot id: keccak256 of a label, as bytes32 hex. */
export function lotId(connection: NetworkConnection, label: string): string {
  return connection.ethers.id(label);
}

/** The chain's current UTC day number. */
export async function currentDay(connection: NetworkConnection): Promise<bigint> {
  return BigInt(await connection.networkHelpers.time.latest()) / DAY;
}

/**
 * Deploys the ledger through the Ignition module with the default role accounts and sets the default tier limits
 * (tiers 1–3) from the compliance account.
 *
 * @param connection - a connection from `network.create()`.
 * @param options - module parameters other than the role holders (for example `adminDelay`, in seconds).
 * @returns the contracts and signers.
 */
export async function deployLedger(connection: NetworkConnection, options: { adminDelay?: bigint } = {}): Promise<Ledger> {
  const { ethers, ignition } = connection;
  const signers = await ethers.getSigners();
  const at = (i: number) => signers[i];
  const roleSigners: RoleSigners = {
    admin: at(DEFAULT_ROLE_ACCOUNTS.admin),
    pauser: at(DEFAULT_ROLE_ACCOUNTS.pauser),
    registrar: at(DEFAULT_ROLE_ACCOUNTS.registrar),
    compliance: at(DEFAULT_ROLE_ACCOUNTS.compliance),
    issuer: at(DEFAULT_ROLE_ACCOUNTS.issuer),
    custodian: at(DEFAULT_ROLE_ACCOUNTS.custodian),
    auditor: at(DEFAULT_ROLE_ACCOUNTS.auditor),
  };
  const { admin: _deployer, ...holders } = roleSigners;
  const parameters = {
    Ledger: {
      ...Object.fromEntries(Object.entries(holders).map(([role, signer]) => [role, signer.address])),
      ...(options.adminDelay === undefined ? {} : { adminDelay: options.adminDelay }),
    },
  };
  const deployed = await ignition.deploy(LedgerModule, { displayUi: false, parameters });
  const token = deployed.token as LedgerContract;
  const reserveRegistry = deployed.reserveRegistry as LedgerContract;
  const asCompliance = token.connect(roleSigners.compliance) as Contract;
  for (const t of DEFAULT_TIER_LIMITS) {
    await (await asCompliance.setTierLimits(t.tier, t.maxBalance, t.maxTransfer, t.dailyOutflow)).wait();
  }
  return { connection, token, reserveRegistry, ...roleSigners, users: signers.slice(7) };
}

/**
 * {@link deployLedger}, then: lots A and B attested by the custodian; the issuer's institution wallet, alice
 * (tier 1), bob (tier 2) and a tier-3 merchant registered; 1,000,000 tokens issued against lot A to the issuer's
 * wallet, which sends 100,000 to alice and to bob.
 *
 * @param connection - a connection from `network.create()`.
 * @returns the funded ledger.
 */
export async function fundLedger(connection: NetworkConnection): Promise<FundedLedger> {
  const ledger = await deployLedger(connection);
  const { ethers } = connection;
  const { token, reserveRegistry, registrar, issuer, custodian, users } = ledger;
  const [alice, bob, merchant, ...others] = users;
  const now = BigInt(await connection.networkHelpers.time.latest());
  const kycExpiryDay = now / DAY + 365n;

  const lotA = lotId(connection, "LOT-A");
  const lotB = lotId(connection, "LOT-B");
  const asCustodian = reserveRegistry.connect(custodian) as Contract;
  await (await asCustodian.attestLot(lotA, attestation(ethers, "MAIZE", 500_000n, 10_000_000n * UNIT, now + 365n * DAY))).wait();
  await (await asCustodian.attestLot(lotB, attestation(ethers, "RICE", 80_000n, 2_000_000n * UNIT, now + 30n * DAY))).wait();

  const asRegistrar = token.connect(registrar) as Contract;
  await (
    await asRegistrar.registerWallets([
      { account: issuer.address, role: WalletRole.Institution, tier: 3, region: 1, institution: 1, kycExpiryDay },
      { account: alice.address, role: WalletRole.Individual, tier: 1, region: 1, institution: 1, kycExpiryDay },
      { account: bob.address, role: WalletRole.Individual, tier: 2, region: 2, institution: 2, kycExpiryDay },
      { account: merchant.address, role: WalletRole.Merchant, tier: 3, region: 2, institution: 2, kycExpiryDay },
    ])
  ).wait();

  const asIssuer = token.connect(issuer) as Contract;
  await (await asIssuer.issue(lotA, issuer.address, 1_000_000n * UNIT, ethers.id("cash-in-0"))).wait();
  await (await asIssuer.batchTransfer([alice.address, bob.address], [100_000n * UNIT, 100_000n * UNIT])).wait();
  return { ...ledger, lotA, lotB, alice, bob, merchant, others, kycExpiryDay };
}

/**
 * A `LotAttestation` struct for `attestLot`.
 *
 * @param ethers - the connection's ethers.
 * @param classCode - goods class (encoded as bytes32).
 * @param quantity - quantity in kg.
 * @param valuation - valuation in token units.
 * @param expiresAt - unix seconds.
 */
export function attestation(
  ethers: NetworkConnection["ethers"],
  classCode: string,
  quantity: bigint,
  valuation: bigint,
  expiresAt: bigint,
) {
  return {
    classCode: ethers.encodeBytes32String(classCode),
    quantity,
    unit: ethers.encodeBytes32String("kg"),
    valuation,
    location: ethers.encodeBytes32String("NG-KN-WH01"),
    attestationHash: ethers.id(`attestation:${classCode}:${expiresAt}`),
    attestationURI: `ipfs://attestations/${classCode.toLowerCase()}`,
    expiresAt,
  };
}

/**
 * Named fixtures bound to one connection, for `networkHelpers.loadFixture` (which needs a named function that
 * takes no arguments).
 *
 * @param connection - a connection from `network.create()`.
 */
export function ledgerFixtures(connection: NetworkConnection) {
  return {
    /** {@link deployLedger}. */
    deployLedgerFixture: async function deployLedgerFixture() {
      return deployLedger(connection);
    },
    /** {@link fundLedger}. */
    fundedLedgerFixture: async function fundedLedgerFixture() {
      return fundLedger(connection);
    },
  };
}
