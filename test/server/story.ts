/**
 * The demo's story as an index, for the analyst page's browser test: the same people, banks and lots as
 * `npm run demo` (Amani Bank in Nairobi, Pwani Bank in Mombasa, coffee lot WR-NBO-0001, maize lot WR-MSA-0001),
 * written straight into a store instead of played on a chain (seconds instead of a minute), plus the patterns
 * the page must show: a referenced (QR) payment, a freeze and a seizure, a lost phone recovered to a wallet that
 * is then frozen, a denylisted wallet, a mule that passes a flagged wallet's funds on within minutes, structuring
 * just under a tier limit, and a fan-in.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, stringToHex } from "viem";
import { encodeCheckpoint } from "../../src/indexer/checkpoint.js";
import type { Store } from "../../src/indexer/store/store.js";
import type { Address, Hex, JsonValue, LedgerEventRow, TransferKind, TransferRow } from "../../src/indexer/types.js";
import { ZERO_ADDRESS } from "../../src/indexer/types.js";
import { lotId } from "@goods-ledger/sdk";
import { addToken, readTokens } from "../../src/server/auth.js";
import { startServer, type RunningServer } from "../../src/server/server.js";
import { commitHistory, type History } from "../trace/history.js";

/** Base units per token (6 decimals, as GoodsToken). */
const T = 1_000_000n;
const ROLE = { individual: 1, agent: 2, merchant: 3, institution: 4 } as const;
/** The story's people: name → [role, institution, region, tier]. */
const PEOPLE = {
  treasury: ["institution", 1, 1, 3], escrow: ["institution", 1, 1, 3], agent: ["agent", 1, 1, 3], merchant: ["merchant", 2, 2, 2],
  amina: ["individual", 1, 1, 1], baraka: ["individual", 2, 2, 1], chen: ["individual", 1, 1, 1], mule: ["individual", 2, 2, 2],
  dan: ["individual", 2, 2, 1], dan2: ["individual", 2, 2, 1], eve: ["individual", 1, 1, 1],
  s1: ["individual", 1, 1, 1], s2: ["individual", 1, 1, 1], s3: ["individual", 2, 2, 1], s4: ["individual", 2, 2, 1], s5: ["individual", 1, 1, 1],
} as const;
export type Person = keyof typeof PEOPLE;
/** A person's address (a stable hash of the name). */
export const who = (name: Person): Address => keccak256(stringToHex(`goods-ledger story ${name}`)).slice(0, 42) as Address;
export const COFFEE = "WR-NBO-0001";
export const MAIZE = "WR-MSA-0001";
export const INSTITUTIONS = { "1": "Amani Bank", "2": "Pwani Bank" };
/** The flag the story's compliance officer raised. */
export const FLAG = { wallet: who("chen"), reason: "case 2026-114: sanctions screening hit" };
const ref = (text: string): Hex => `0x${Buffer.from(text).toString("hex").padEnd(64, "0")}` as Hex;
const code = ref;

/** The story as a history (transfers and registry events, block by block). */
export function storyHistory(): History {
  const transfers: TransferRow[] = [];
  const events: LedgerEventRow[] = [];
  let block = 1;
  let time = Date.UTC(2026, 10, 2, 8, 0, 0) / 1000;
  let tx = 0;
  let log = 0;
  /** The time of every block 1..tip (History.times): each block's own, whether or not it holds an event. */
  const times: number[] = [0, time];
  const officer = who("treasury");
  const position = () => {
    const p = { checkpoint: encodeCheckpoint({ block, txIndex: tx, logIndex: log }), block, txIndex: tx, logIndex: log, txHash: keccak256(stringToHex(`tx ${block}.${tx}`)), timestamp: time };
    log++;
    return p;
  };
  const next = (seconds = 12) => {
    block++;
    time += seconds;
    times[block] = time;
    tx = 0;
    log = 0;
  };
  const txn = () => {
    tx++;
    log = 0;
  };
  const event = (contract: "token" | "reserve", name: string, args: Record<string, JsonValue>) => events.push({ ...position(), contract, name, args });
  const move = (from: Address, to: Address, tokens: number, kind: TransferKind, lot: string | null = null, reference: string | null = null) => {
    transfers.push({ ...position(), from, to, amount: BigInt(Math.round(tokens * 100)) * (T / 100n), kind, lot: lot === null ? null : lotId(lot), reference: reference === null ? null : ref(reference) });
    txn();
  };

  for (const [tier, max] of [[1, 100n], [2, 2_000n], [3, 1_000_000n]] as const) {
    event("token", "TierLimitsSet", { tier, maxBalance: String(max * 20n * T), maxTransfer: String(max * T), dailyOutflow: String(max * 5n * T), officer });
  }
  for (const [name, [role, institution, region, tier]] of Object.entries(PEOPLE)) {
    event("token", "WalletRegistered", { account: who(name as Person), registrar: officer, role: ROLE[role], tier, region, institution, kycExpiryDay: 21_000 });
  }
  for (const [label, cls, valuation] of [[COFFEE, "COFFEE-AA", 100_000n], [MAIZE, "MAIZE-WHITE", 60_000n]] as const) {
    event("reserve", "LotAttested", {
      lot: lotId(label), custodian: officer, classCode: code(cls), quantity: "1200", unit: code("bag"), valuation: String(valuation * T), location: code("NBO"),
      attestationHash: ref("doc"), attestationURI: `https://custodian.example/${label}`, expiresAt: time + 365 * 86_400,
    });
  }
  next();
  // Issues against the lots.
  move(ZERO_ADDRESS, who("agent"), 5_000, "issue", COFFEE, "ISSUE-1");
  move(ZERO_ADDRESS, who("treasury"), 2_000, "issue", MAIZE, "ISSUE-2");
  move(who("treasury"), who("agent"), 1_000, "transfer");
  next(600);
  // Cash-in at the agent, float to the treasury's customers.
  move(who("agent"), who("amina"), 300, "transfer");
  move(who("agent"), who("chen"), 500, "transfer");
  move(who("agent"), who("eve"), 30, "transfer");
  for (const s of ["s1", "s2", "s3", "s4", "s5"] as const) move(who("agent"), who(s), 20, "transfer");
  next(3_600);
  // A referenced payment and a QR payment.
  move(who("amina"), who("baraka"), 40, "transfer", null, "RENT-SHARE-NOV");
  next(900);
  move(who("baraka"), who("merchant"), 25.5, "transfer", null, "QR-INV-0042");
  next(1_800);
  // Chen (flagged) to a mule, who passes it on within minutes.
  move(who("chen"), who("mule"), 450, "transfer");
  next(240);
  move(who("mule"), who("baraka"), 420, "transfer");
  next(600);
  // Fan-in: five senders pay the merchant within the hour.
  for (const s of ["s1", "s2", "s3", "s4", "s5"] as const) {
    move(who(s), who("merchant"), 12, "transfer", null, `QR-${s}`);
    next(300);
  }
  // Structuring: three payments just under Amina's 100-token limit within a day.
  for (const amount of [95, 96, 97] as const) {
    move(who("amina"), who("dan"), amount, "transfer");
    next(1_200);
  }
  // Dan loses his phone: his balance is recovered to a new wallet, which is later frozen.
  move(who("dan"), who("dan2"), 288, "recovery");
  event("token", "WalletClosed", { account: who("dan"), officer, reasonCode: code("LOST-DEVICE") });
  event("token", "WalletRecovered", { lost: who("dan"), replacement: who("dan2"), amount: String(288n * T), officer, reasonCode: code("LOST-DEVICE"), legalRef: code("AFFIDAVIT-77") });
  next(86_400);
  // Compliance freezes Chen and seizes the rest; Dan's new wallet is frozen; Eve is denylisted.
  event("token", "WalletFrozen", { account: who("chen"), officer, reasonCode: code("SANCTIONS_HIT") });
  txn();
  move(who("chen"), who("escrow"), 50, "seizure");
  event("token", "WalletFrozen", { account: who("dan2"), officer, reasonCode: code("REVIEW") });
  txn();
  event("token", "WalletDenylisted", { account: who("eve"), officer, reasonCode: code("FRAUD") });
  next(3_600);
  // The agent settles float; the treasury redeems against the maize lot and goods are released.
  move(who("agent"), who("treasury"), 1_000, "transfer");
  next(600);
  move(who("treasury"), ZERO_ADDRESS, 500, "redeem", MAIZE, "REDEEM-1");
  event("reserve", "GoodsReleased", { releaseId: "1", lot: lotId(MAIZE), amount: String(500n * T), quantity: "100", reference: ref("REDEEM-1") });
  next(60);
  const lots = [lotId(COFFEE), lotId(MAIZE)];
  return { transfers, events, wallets: Object.keys(PEOPLE).map((n) => who(n as Person)), lots, tip: block, times };
}

/** What {@link serveStory} returns. */
export interface ServedStory {
  server: RunningServer;
  history: History;
  analyst: string;
  admin: string;
  close(): Promise<void>;
}

/** Commits the story into an empty store, flags Chen, creates an analyst and an admin token, and serves it. */
export async function serveStory(store: Store): Promise<ServedStory> {
  const history = storyHistory();
  await commitHistory(store, history, [4, 9]);
  await store.setMeta("deployment", JSON.stringify({ chainId: 31337, token: "0x00000000000000000000000000000000000000aa", reserveRegistry: "0x00000000000000000000000000000000000000bb", startBlock: 1 }));
  await store.setFlag({ ...FLAG, createdAt: "2026-11-03T09:00:00.000Z" });
  const dir = mkdtempSync(join(tmpdir(), "goods-ledger-story-"));
  const file = join(dir, "tokens.json");
  const analyst = addToken(file, "ana", "analyst");
  const admin = addToken(file, "boss", "admin");
  const server = await startServer({
    store, tokens: () => readTokens(file), code: { name: "goods-ledger", version: "test", commit: null },
    labels: { token: { symbol: "GNGN", decimals: 6 }, lots: [COFFEE, MAIZE], institutions: INSTITUTIONS },
  });
  return {
    server, history, analyst, admin,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
