import type { Store } from "../indexer/store/store.js";
import { indexedDeployment } from "../indexer/sync.js";
import { TraceInputError } from "../trace/errors.js";
import { PACK_FORMAT, POLICY_VERSION, packDigest, type EvidencePack, type PackCheck } from "../trace/evidence.js";
import { sameResults } from "../trace/evidence.js";
import type { TraceModel } from "../trace/model.js";
import { runQuery, type QueryResult } from "../trace/query.js";

/**
 * The checks of an evidence pack against the served index that read only the index (cheap, on the server's
 * thread), with the checks of `verifyPack` but reading the index instead of a node: the pack's format and digest;
 * that the index holds the pack's deployment (chain id, token, reserve registry, start block) and the pack's
 * block with the pack's hash; the policy version. `goods-ledger trace verify` checks against the chain itself.
 * @returns the checks, and the pack's block when they all pass (the results check, {@link checkResults}, runs
 * the query again on the trace model of that block: heavy work, for the query pool).
 */
export async function precheckPack(pack: EvidencePack, store: Store): Promise<{ checks: PackCheck[]; block: number | null }> {
  const checks: PackCheck[] = [];
  const done = () => ({ checks, block: checks.every((c) => c.ok) ? pack.chain.block.number : null });
  const formatOk = pack?.format === PACK_FORMAT;
  checks.push({ check: "format", ok: formatOk, detail: formatOk ? PACK_FORMAT : `unknown format "${String(pack?.format)}", expected ${PACK_FORMAT}` });
  if (!formatOk) return done();
  const digest = packDigest(pack);
  checks.push({ check: "digest", ok: digest === pack.sha256, detail: digest === pack.sha256 ? `sha256 ${digest}` : `content hashes to ${digest}, the pack says ${pack.sha256}: the pack was altered` });
  const indexed = await indexedDeployment(store);
  const same = indexed !== null && indexed.chainId === pack.chain?.chainId && indexed.startBlock === pack.chain.startBlock &&
    indexed.token.toLowerCase() === String(pack.chain.token).toLowerCase() && indexed.reserveRegistry.toLowerCase() === String(pack.chain.reserveRegistry).toLowerCase();
  checks.push({
    check: "chain-id", ok: same,
    detail: same ? `chain ${indexed!.chainId}, token ${indexed!.token}` : `the pack is for chain ${pack.chain?.chainId} token ${pack.chain?.token}; this index holds ${indexed === null ? "nothing" : `chain ${indexed.chainId} token ${indexed.token}`}`,
  });
  const number = pack.chain?.block?.number;
  const [header] = Number.isSafeInteger(number) && number >= 0 ? await store.headers(number, number) : [];
  const sameBlock = header !== undefined && header.hash === pack.chain.block.hash;
  checks.push({
    check: "block-hash", ok: sameBlock,
    detail: sameBlock ? `block ${number} is ${header!.hash} in the index` : `block ${number} is ${header?.hash ?? "not"} in the index, the pack says ${pack.chain?.block?.hash}`,
  });
  checks.push({ check: "policy-version", ok: pack.policy?.version === POLICY_VERSION, detail: pack.policy?.version === POLICY_VERSION ? POLICY_VERSION : `pack computed under ${pack.policy?.version}, this code implements ${POLICY_VERSION}` });
  return done();
}

/**
 * The results check: the pack's query run again on `model` (the index up to the pack's block) gives the pack's
 * results. A query the engine refuses at that block fails the check (it does not throw).
 */
export function checkResults(pack: EvidencePack, model: TraceModel): PackCheck {
  const number = pack.chain.block.number;
  let again: QueryResult["result"];
  try {
    again = runQuery(model, pack.query).result;
  } catch (error) {
    if (!(error instanceof TraceInputError)) throw error;
    return { check: "results", ok: false, detail: `the query cannot be answered at block ${number}: ${error.message}` };
  }
  const same = sameResults(pack.results, again);
  return { check: "results", ok: same, detail: same ? `the query gives the same results at block ${number}` : `the query gives different results at block ${number}` };
}
