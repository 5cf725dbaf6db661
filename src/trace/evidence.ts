import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpc, numberToHex } from "../indexer/rpc.js";
import { SqliteStore } from "../indexer/store/sqlite.js";
import type { Store } from "../indexer/store/store.js";
import { Syncer, indexedDeployment } from "../indexer/sync.js";
import type { SyncTarget } from "../indexer/sync.js";
import type { Hex } from "../indexer/types.js";
import { DEFAULT_ALERT_RULES } from "./alerts.js";
import { TraceInputError } from "./errors.js";
import { canonicalJson, plain } from "./export.js";
import { loadModel } from "./model.js";
import { forPeople } from "./present.js";
import type { TraceModel } from "./model.js";
import { runQuery } from "./query.js";
import type { QueryResult, TraceQuery } from "./query.js";

/** The pack format this code writes and reads. */
export const PACK_FORMAT = "goods-ledger-evidence/1";
/**
 * The version of the query semantics (time-respecting rules, taint and provenance policies, alert definitions).
 * Bump it whenever a query can answer differently on the same history.
 */
export const POLICY_VERSION = "goods-ledger-trace/2";

/** The CLI command that answers a query again (for the message that refuses an older pack). */
export function rerunCommand(query: TraceQuery, block: number): string {
  const q = query as Record<string, unknown>;
  const at = ["provenance", "exposure", "alerts"].includes(query.kind) ? ` --at-block ${q.atBlock ?? block}` : query.kind === "asof" ? ` --block ${q.block ?? block}` : "";
  const subject = query.kind === "path" ? `${q.from} ${q.to}` : query.kind === "alerts" ? "" : String(q.wallet ?? q.transfer ?? "");
  const policy = typeof q.policy === "string" ? ` --policy ${q.policy}` : "";
  return `goods-ledger trace ${query.kind}${subject === "" ? "" : ` ${subject}`}${policy}${at} --evidence <new-pack.json>`;
}

/** One evidence file: the query, its policy, the chain state it was computed at, the code, the results, a digest. */
export interface EvidencePack {
  format: typeof PACK_FORMAT;
  query: TraceQuery;
  policy: { version: string; name: string | null; rules?: unknown };
  chain: { chainId: number; token: string; reserveRegistry: string; startBlock: number; block: { number: number; hash: Hex } };
  code: { name: string; version: string; commit: string | null };
  createdAt: string;
  /** The query's answer as JSON (bigints as decimal strings). */
  results: unknown;
  /** sha256 (hex) of the canonical JSON of every other field. */
  sha256: string;
}

/** sha256 of a pack's canonical JSON without its `sha256` field. */
export function packDigest(pack: Omit<EvidencePack, "sha256"> & { sha256?: string }): string {
  const { sha256: _ignored, ...content } = pack;
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}

/**
 * Builds an evidence pack for a query answered on `model`.
 * @param chain - the deployment indexed; the block is the model's tip, whose hash must be known.
 * @throws RangeError when the model's tip hash is unknown (the store lacks that header).
 */
export function buildPack(args: {
  query: TraceQuery;
  answer: QueryResult;
  model: TraceModel;
  chain: Omit<EvidencePack["chain"], "block">;
  code: EvidencePack["code"];
  createdAt?: string;
}): EvidencePack {
  const { query, answer, model } = args;
  if (model.tip.hash === null) throw new RangeError(`the hash of block ${model.tip.block} is not in the store: index to the head, then query at the indexed position`);
  const policy: EvidencePack["policy"] =
    query.kind === "provenance" || query.kind === "exposure"
      ? { version: POLICY_VERSION, name: query.policy }
      : query.kind === "alerts"
        ? { version: POLICY_VERSION, name: "alerts", rules: plain({ ...DEFAULT_ALERT_RULES, ...Object.fromEntries(Object.entries(query.rules ?? {}).map(([k, v]) => [k, { ...DEFAULT_ALERT_RULES[k as keyof typeof DEFAULT_ALERT_RULES], ...v }])) }) }
        : { version: POLICY_VERSION, name: null };
  const content = {
    format: PACK_FORMAT,
    query,
    policy,
    chain: { ...args.chain, block: { number: model.tip.block, hash: model.tip.hash } },
    code: args.code,
    createdAt: args.createdAt ?? new Date().toISOString(),
    results: packResults(answer.result),
  } as const;
  return { ...content, sha256: packDigest(content) };
}

/**
 * A pack's results (rule O3): the answer in base units with each amount also in tokens (`xTokens`, 6 decimals),
 * both fixed by the chain's history; no lot labels (they are the index's knowledge, not the chain's).
 */
export function packResults(result: QueryResult["result"]): unknown {
  return forPeople(result, { labels: false });
}

/**
 * Whether a pack's results are what the query answers now: the same text as {@link packResults}, or as the base
 * units alone (packs written before amounts in tokens were added). Either form is compared whole.
 */
export function sameResults(recorded: unknown, result: QueryResult["result"]): boolean {
  const text = canonicalJson(recorded);
  return text === canonicalJson(packResults(result)) || text === canonicalJson(plain(result));
}

/** One check of {@link verifyPack}. */
export interface PackCheck {
  check: "format" | "digest" | "chain-id" | "block-hash" | "policy-version" | "results";
  ok: boolean;
  detail: string;
}

/** The answer of {@link verifyPack}. */
export interface PackVerification {
  ok: boolean;
  checks: PackCheck[];
}

/**
 * Verifies an evidence pack against the chain: its digest; that the chain has the same id and still holds the
 * pack's block with the pack's hash; that the policy version is this code's; and that running the query again
 * on the chain's history up to that block gives the same results. The history comes from `store` when it indexes the
 * pack's deployment (chain, token, reserve registry, start block) and its
 * header of that block has the pack's hash, else from a fresh index of the chain into a temporary SQLite file.
 * @param pack - the parsed pack.
 * @param rpcUrl - the chain's JSON-RPC URL.
 */
export async function verifyPack(pack: EvidencePack, rpcUrl: string, options: { store?: Store } = {}): Promise<PackVerification> {
  const checks: PackCheck[] = [];
  const done = () => ({ ok: checks.every((c) => c.ok), checks });
  checks.push({ check: "format", ok: pack.format === PACK_FORMAT, detail: pack.format === PACK_FORMAT ? PACK_FORMAT : `unknown format "${pack.format}", expected ${PACK_FORMAT}` });
  if (!checks[0]!.ok) return done();
  // A pack of another semantics version cannot be re-checked by this code: refuse it before asking the chain.
  checks.push({
    check: "policy-version", ok: pack.policy.version === POLICY_VERSION,
    detail: pack.policy.version === POLICY_VERSION
      ? POLICY_VERSION
      : `pack computed under ${pack.policy.version}, this code implements ${POLICY_VERSION} (exact amounts and the written conventions of docs/TRACE.md), so its results cannot be re-checked; ` +
        `re-run the query on an index that holds block ${pack.chain.block.number} to make a ${POLICY_VERSION} pack: ${rerunCommand(pack.query, pack.chain.block.number)}`,
  });
  if (!checks[1]!.ok) return done();
  const digest = packDigest(pack);
  checks.push({ check: "digest", ok: digest === pack.sha256, detail: digest === pack.sha256 ? `sha256 ${digest}` : `content hashes to ${digest}, the pack says ${pack.sha256}: the pack was altered` });
  const rpc = new JsonRpc(rpcUrl);
  const chainId = Number.parseInt(await rpc.call<string>("eth_chainId"), 16);
  checks.push({ check: "chain-id", ok: chainId === pack.chain.chainId, detail: `chain ${chainId}${chainId === pack.chain.chainId ? "" : `, the pack is for chain ${pack.chain.chainId}`}` });
  const block = await rpc.call<{ hash: string } | null>("eth_getBlockByNumber", [numberToHex(pack.chain.block.number), false]);
  const hash = block?.hash.toLowerCase() ?? null;
  const sameBlock = hash === pack.chain.block.hash;
  checks.push({
    check: "block-hash", ok: sameBlock,
    detail: sameBlock ? `block ${pack.chain.block.number} is ${hash}` : `block ${pack.chain.block.number} is ${hash ?? "missing"} on the chain, the pack says ${pack.chain.block.hash}`,
  });
  if (!checks.every((c) => c.ok)) return done();

  let store = options.store;
  let temp: string | null = null;
  const [stored] = store === undefined ? [] : await store.headers(pack.chain.block.number, pack.chain.block.number);
  // The store's history only stands for the pack's when it indexes the same deployment from the same block.
  const indexed = store === undefined ? null : await indexedDeployment(store);
  const sameDeployment = indexed !== null && indexed.chainId === pack.chain.chainId && indexed.startBlock === pack.chain.startBlock &&
    indexed.token.toLowerCase() === pack.chain.token.toLowerCase() && indexed.reserveRegistry.toLowerCase() === pack.chain.reserveRegistry.toLowerCase();
  if (store === undefined || !sameDeployment || stored?.hash !== pack.chain.block.hash) {
    temp = mkdtempSync(join(tmpdir(), "goods-ledger-verify-"));
    store = new SqliteStore(join(temp, "index.sqlite"));
  }
  try {
    if (temp !== null) {
      const target: SyncTarget = { rpcUrl, chainId: pack.chain.chainId, token: pack.chain.token, reserveRegistry: pack.chain.reserveRegistry, startBlock: pack.chain.startBlock };
      await new Syncer(store, target, { finalityDepth: 0 }).syncOnce(pack.chain.block.number);
    }
    const model = await loadModel(store, { toBlock: pack.chain.block.number });
    let again: QueryResult["result"];
    try {
      again = runQuery(model, pack.query).result;
    } catch (error) {
      if (!(error instanceof TraceInputError)) throw error;
      checks.push({ check: "results", ok: false, detail: `the query cannot be answered at block ${pack.chain.block.number}: ${error.message}` });
      return done();
    }
    const same = sameResults(pack.results, again);
    checks.push({ check: "results", ok: same, detail: same ? `the query gives the same results at block ${pack.chain.block.number}` : `the query gives different results at block ${pack.chain.block.number}` });
  } finally {
    if (temp !== null) {
      await store.close();
      rmSync(temp, { recursive: true, force: true });
    }
  }
  return done();
}
