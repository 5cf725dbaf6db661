/**
 * Reconciles a migrated v2 ledger against the v1 snapshot it was built from (docs/DESIGN.md §5): every wallet
 * record, alias and balance, every lot's attestation and figures, every tier and the total supply must be equal.
 */
import { zeroAddress, type Address, type Hex, type PublicClient } from "viem";
import { goodsTokenAbi } from "@goods-ledger/sdk";
import { reserveRegistryAbi } from "@goods-ledger/sdk";
import type { Snapshot } from "./snapshot.js";

/** One difference: what, and the two values. */
export interface MigrationDifference {
  what: string;
  v1: string;
  v2: string;
}

/** The result of {@link reconcileMigration}. */
export interface MigrationReconciliation {
  ok: boolean;
  checked: { wallets: number; aliases: number; lots: number; tiers: number };
  differences: MigrationDifference[];
}

const str = (v: unknown) => (typeof v === "bigint" || typeof v === "number" ? BigInt(v).toString() : String(v).toLowerCase());

/**
 * Reads v2 and compares it with the snapshot, field by field.
 *
 * @param client - a public client on the v2 chain.
 * @param v2 - the v2 contracts.
 * @param snapshot - the v1 snapshot.
 */
export async function reconcileMigration(client: PublicClient, v2: { token: Address; reserveRegistry: Address }, snapshot: Snapshot): Promise<MigrationReconciliation> {
  const differences: MigrationDifference[] = [];
  const compare = (what: string, v1: unknown, v2value: unknown) => {
    if (str(v1) !== str(v2value)) differences.push({ what, v1: str(v1), v2: str(v2value) });
  };
  let aliases = 0;
  for (const w of snapshot.wallets) {
    const on = await client.readContract({ address: v2.token, abi: goodsTokenAbi, functionName: "walletOf", args: [w.account] });
    for (const f of ["status", "role", "tier", "denylisted", "region", "institution", "kycExpiryDay", "balance", "aliasCommitment"] as const) {
      compare(`wallet ${w.account} ${f}`, w[f], on[f]);
    }
    if (BigInt(w.aliasCommitment) !== 0n) {
      aliases++;
      compare(`alias ${w.aliasCommitment} holder`, w.account, await client.readContract({ address: v2.token, abi: goodsTokenAbi, functionName: "walletByAlias", args: [w.aliasCommitment] }));
    }
  }
  for (const a of snapshot.denylistedUnregistered) {
    const on = await client.readContract({ address: v2.token, abi: goodsTokenAbi, functionName: "walletOf", args: [a] });
    compare(`unregistered ${a} denylisted`, true, on.denylisted);
  }
  for (const l of snapshot.lots) {
    const on = await client.readContract({ address: v2.reserveRegistry, abi: reserveRegistryAbi, functionName: "lotInfo", args: [l.lot as Hex] });
    for (const f of ["custodian", "status", "attestedAt", "expiresAt", "valuation", "quantity", "issued", "redeemed", "released", "classCode", "unit", "location", "attestationHash", "attestationURI"] as const) {
      compare(`lot ${l.lot} ${f}`, l[f], on[f]);
    }
  }
  for (const t of snapshot.tiers) {
    const on = await client.readContract({ address: v2.token, abi: goodsTokenAbi, functionName: "tierLimits", args: [t.tier] });
    for (const f of ["maxBalance", "maxTransfer", "dailyOutflow"] as const) compare(`tier ${t.tier} ${f}`, t[f], on[f]);
  }
  compare("totalSupply", snapshot.totalSupply, await client.readContract({ address: v2.token, abi: goodsTokenAbi, functionName: "totalSupply" }));
  const mints = await client.getContractEvents({ address: v2.token, abi: goodsTokenAbi, eventName: "Transfer", args: { from: zeroAddress }, fromBlock: 0n });
  compare("Σ imported mints", snapshot.totalSupply, mints.reduce((s, m) => s + (m.args.value ?? 0n), 0n));
  return {
    ok: differences.length === 0,
    checked: { wallets: snapshot.wallets.length, aliases, lots: snapshot.lots.length, tiers: snapshot.tiers.length },
    differences,
  };
}
