import type { Store } from "../indexer/store/store.js";
import { indexedDeployment } from "../indexer/sync.js";
import { TraceInputError } from "../trace/errors.js";
import { PACK_FORMAT, POLICY_VERSION, packDigest, type EvidencePack, type PackCheck, type PackVerification } from "../trace/evidence.js";
import { canonicalJson, plain } from "../trace/export.js";
import { loadModel } from "../trace/model.js";
import { runQuery } from "../trace/query.js";

/**
 * Verifies an evidence pack against the served index (the page's "verify an uploaded pack"), with the checks of
 * `verifyPack` but reading the index instead of a node: the pack's format and digest; that the index holds the
 * pack's deployment (chain id, token, reserve registry, start block) and the pack's block with the pack's hash;
 * the policy version; and that the query run again on the index up to that block gives the same results.
 * `goods-ledger trace verify` checks against the chain itself.
 */
export async function verifyPackInStore(pack: EvidencePack, store: Store): Promise<PackVerification> {
  const checks: PackCheck[] = [];
  const done = () => ({ ok: checks.every((c) => c.ok), checks });
  const formatOk = pack?.format === PACK_FORMAT;
  checks.push({ check: "format", ok: formatOk, detail: formatOk ? PACK_FORMAT : `unknown format "${String(pack?.format)}", expected ${PACK_FORMAT}` });
  if (!formatOk) return done();
  const digest = packDigest(pack);
  checks.push({ check: "digest", ok: digest === pack.sha256, detail: digest === pack.sha256 ? `sha256 ${digest}` : `content hashes to ${digest}, the pack says ${pack.sha256}: the pack was altered` });
  const indexed = await indexedDeployment(store);
  const same = indexed !== null && indexed.chainId === pack.chain?.chainId && indexed.startBlock === pack.chain.startBlock &&
    indexed.token.toLowerCase() === pack.chain.token.toLowerCase() && indexed.reserveRegistry.toLowerCase() === pack.chain.reserveRegistry.toLowerCase();
  checks.push({
    check: "chain-id", ok: same,
    detail: same ? `chain ${indexed!.chainId}, token ${indexed!.token}` : `the pack is for chain ${pack.chain?.chainId} token ${pack.chain?.token}; this index holds ${indexed === null ? "nothing" : `chain ${indexed.chainId} token ${indexed.token}`}`,
  });
  const number = pack.chain?.block?.number;
  const [header] = Number.isSafeInteger(number) ? await store.headers(number, number) : [];
  const sameBlock = header !== undefined && header.hash === pack.chain.block.hash;
  checks.push({
    check: "block-hash", ok: sameBlock,
    detail: sameBlock ? `block ${number} is ${header!.hash} in the index` : `block ${number} is ${header?.hash ?? "not"} in the index, the pack says ${pack.chain?.block?.hash}`,
  });
  checks.push({ check: "policy-version", ok: pack.policy?.version === POLICY_VERSION, detail: pack.policy?.version === POLICY_VERSION ? POLICY_VERSION : `pack computed under ${pack.policy?.version}, this code implements ${POLICY_VERSION}` });
  if (!checks.every((c) => c.ok)) return done();
  const model = await loadModel(store, { toBlock: number });
  let again: string;
  try {
    again = canonicalJson(plain(runQuery(model, pack.query).result));
  } catch (error) {
    if (!(error instanceof TraceInputError)) throw error;
    checks.push({ check: "results", ok: false, detail: `the query cannot be answered at block ${number}: ${error.message}` });
    return done();
  }
  const sameResults = again === canonicalJson(pack.results);
  checks.push({ check: "results", ok: sameResults, detail: sameResults ? `the query gives the same results at block ${number}` : `the query gives different results at block ${number}` });
  return done();
}
