/**
 * A ledger on a real `hardhat node` (test/sdk/support/ledgerNode.ts) with every kind of event the indexer
 * must understand: issues against two lots, transfers, a batch, a referenced payment, a freeze, a seizure from
 * the frozen wallet, a denylisting, a lost-wallet recovery and a redemption, plus plain transfers for volume.
 */
import { keccak256, stringToHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { lotId, waitForTransaction, type LedgerClient } from "@goods-ledger/sdk";
import type { SyncTarget } from "../../src/indexer/sync.js";
import { deployNodeLedger, nodeRoles, type NodeLedger } from "../sdk/support/ledgerNode.js";

/** What {@link playActivity} did, for assertions. */
export interface Activity {
  ledger: NodeLedger;
  target: SyncTarget;
  lotA: Hex;
  lotB: Hex;
  /** Frozen, then seized from (into `escrow`). */
  frozen: Address;
  escrow: Address;
  /** Lost wallet and its replacement. */
  lost: Address;
  replacement: Address;
  /** The payer and payee of the referenced payment, and its reference. */
  payer: Address;
  payee: Address;
  reference: Hex;
}

async function confirm(client: LedgerClient, hash: Promise<Hex>): Promise<void> {
  await waitForTransaction(client, { hash: await hash });
}

/** The sync target of a node ledger. */
export function targetOf(ledger: NodeLedger): SyncTarget {
  const d = ledger.deployment as NodeLedger["deployment"] & { startBlock: number };
  return { rpcUrl: ledger.url, chainId: d.chainId, token: d.contracts.token, reserveRegistry: d.contracts.reserveRegistry, startBlock: d.startBlock };
}

/**
 * Deploys and plays the story.
 * @param url - the node.
 * @param extraTransfers - plain transfers among the funded senders, for volume.
 */
export async function playActivity(url: string, extraTransfers = 20): Promise<Activity> {
  const ledger = await deployNodeLedger(url, { senders: 3, perSender: "100000" });
  const [s0, s1, s2] = ledger.senders as [typeof ledger.senders[0], typeof ledger.senders[0], typeof ledger.senders[0]];
  const [i0, i1, i2] = ledger.individuals as [typeof ledger.individuals[0], typeof ledger.individuals[0], typeof ledger.individuals[0]];
  const as = ledger.clientFor;
  const compliance = as(nodeRoles.compliance);
  const issuer = as(nodeRoles.issuer);

  const lotB = lotId("NODE-LOT-B");
  const custodian = as(nodeRoles.custodian);
  const now = BigInt(Math.floor(Date.now() / 1000));
  await confirm(custodian, custodian.attestLot({
    lot: lotB, classCode: "RICE", quantity: 80_000n, unit: "kg", valuation: "2000000", location: "KE-MSA-WH2",
    attestationHash: keccak256(stringToHex("node-lot-b")), attestationURI: "ipfs://node-lot-b", expiresAt: now + 90n * 86_400n,
  }));
  await confirm(issuer, issuer.issue({ lot: lotB, to: s2.address, amount: "5000", reference: "CASH-IN-B" }));

  await confirm(as(s0), as(s0).transfer({ to: i0.address, amount: "500" }));
  await confirm(as(s1), as(s1).transfer({ to: i1.address, amount: "700.5" }));
  await confirm(as(s0), as(s0).batchTransfer({ transfers: [i0, i1, i2].map((i) => ({ to: i.address, amount: "25" })).concat([{ to: ledger.merchant.address, amount: "1" }]) }));
  const reference = keccak256(stringToHex("INVOICE-42"));
  await confirm(as(i0), as(i0).transfer({ to: ledger.merchant.address, amount: "100", reference }));

  await confirm(compliance, compliance.freezeWallet({ account: i1.address, reasonCode: "SANCTIONS_HIT" }));
  await confirm(compliance, compliance.seize({ from: i1.address, to: s2.address, amount: "200", reasonCode: "COURT_ORDER", legalRef: keccak256(stringToHex("order-7")) }));
  await confirm(compliance, compliance.denylist({ account: i2.address, reasonCode: "FRAUD" }));
  await confirm(compliance, compliance.removeFromDenylist({ account: i2.address, reasonCode: "CLEARED" }));

  const replacement = privateKeyToAccount(generatePrivateKey()).address;
  await confirm(compliance, compliance.recoverWallet({ lost: i0.address, replacement, reasonCode: "LOST_PHONE", legalRef: keccak256(stringToHex("affidavit-1")) }));
  await confirm(issuer, issuer.redeem({ lot: ledger.lot, amount: "1000", reference: "RELEASE-1" }));

  const senders = [s0, s1, s2];
  for (let k = 0; k < extraTransfers; k++) {
    const from = senders[k % 3]!;
    const to = senders[(k + 1) % 3]!;
    await confirm(as(from), as(from).transfer({ to: to.address, amount: `${1 + (k % 7)}.25` }));
  }
  return {
    ledger, target: targetOf(ledger), lotA: ledger.lot, lotB, frozen: i1.address, escrow: s2.address,
    lost: i0.address, replacement, payer: i0.address, payee: ledger.merchant.address, reference,
  };
}
