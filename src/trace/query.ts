import { alerts } from "./alerts.js";
import type { Alert, AlertOptions, AlertRules } from "./alerts.js";
import { asOf } from "./asof.js";
import type { AsOfResult } from "./asof.js";
import { TraceInputError } from "./errors.js";
import { exposure } from "./exposure.js";
import type { ExposureResult, FlagInput, SourceReason } from "./exposure.js";
import type { TraceModel } from "./model.js";
import type { WindowOptions } from "./options.js";
import { findPaths } from "./paths.js";
import type { PathResult } from "./paths.js";
import { provenance } from "./provenance.js";
import type { ProvenanceResult } from "./provenance.js";
import { traceBackward, traceForward } from "./trace.js";
import type { TraceResult } from "./trace.js";

/** A window as JSON: amounts are base-unit decimal strings. */
export interface WindowParams {
  fromBlock?: number;
  toBlock?: number;
  fromTime?: number;
  toTime?: number;
  minAmount?: string;
  maxAmount?: string;
}

/** Trace limits as JSON. */
export interface TraceParams extends WindowParams {
  hops: number;
  hubDegree?: number;
  maxEdges?: number;
}

/**
 * Every query the engine answers, as plain JSON: what the CLI parses into, the HTTP API accepts, and an
 * evidence pack records (so it can be run again to verify the pack).
 */
export type TraceQuery =
  | ({ kind: "forward" | "backward"; wallet?: string; transfer?: string } & TraceParams)
  | ({ kind: "path"; from: string; to: string } & TraceParams)
  | { kind: "provenance"; wallet: string; policy: string; atBlock?: number }
  | { kind: "exposure"; wallet: string; policy: string; atBlock?: number; flagged?: FlagInput[]; reasons?: string[] }
  | { kind: "alerts"; wallet?: string; types?: string[]; atBlock?: number; rules?: { [K in keyof AlertRules]?: Record<string, number | string> } }
  | { kind: "asof"; wallet?: string; transfer?: string; lot?: string; block?: number };

/** Every query kind. */
export const QUERY_KINDS = ["forward", "backward", "path", "provenance", "exposure", "alerts", "asof"] as const;

/** The result of each query kind. */
export type QueryResult =
  | { kind: "forward" | "backward"; result: TraceResult }
  | { kind: "path"; result: PathResult }
  | { kind: "provenance"; result: ProvenanceResult }
  | { kind: "exposure"; result: ExposureResult }
  | { kind: "alerts"; result: Alert[] }
  | { kind: "asof"; result: AsOfResult };

function amount(name: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(String(value))) throw new TraceInputError("bad-amount", `${name} must be a whole number of base units, got "${value}"`);
  return BigInt(value);
}

function window(p: WindowParams): WindowOptions {
  return {
    fromBlock: p.fromBlock, toBlock: p.toBlock, fromTime: p.fromTime, toTime: p.toTime,
    minAmount: amount("minAmount", p.minAmount), maxAmount: amount("maxAmount", p.maxAmount),
  };
}

function rules(r: Extract<TraceQuery, { kind: "alerts" }>["rules"]): AlertOptions["rules"] {
  if (r === undefined) return undefined;
  const out = { ...r } as NonNullable<AlertOptions["rules"]>;
  if (r.velocity?.minAmount !== undefined) out.velocity = { ...r.velocity, minAmount: amount("velocity.minAmount", String(r.velocity.minAmount)) } as Partial<AlertRules["velocity"]>;
  return out;
}

/**
 * Runs a query against a model. The one entry point the CLI, the HTTP API and pack verification share.
 * @throws TraceInputError for a query the engine cannot answer (unknown kind, wallet, policy…).
 * @example runQuery(model, { kind: "forward", wallet: "0xabc…", hops: 3 })
 */
export function runQuery(model: TraceModel, q: TraceQuery): QueryResult {
  switch (q.kind) {
    case "forward":
    case "backward": {
      if ((q.wallet === undefined) === (q.transfer === undefined)) throw new TraceInputError("bad-parameter", `a ${q.kind} trace starts from exactly one of a wallet or a transfer`);
      const start = q.wallet !== undefined ? { wallet: q.wallet } : { transfer: q.transfer! };
      const options = { ...window(q), hops: q.hops, hubDegree: q.hubDegree, maxEdges: q.maxEdges };
      return { kind: q.kind, result: (q.kind === "forward" ? traceForward : traceBackward)(model, start, options) };
    }
    case "path":
      return { kind: "path", result: findPaths(model, q.from, q.to, { ...window(q), hops: q.hops, hubDegree: q.hubDegree, maxEdges: q.maxEdges }) };
    case "provenance":
      return { kind: "provenance", result: provenance(model, q.wallet, { policy: q.policy, atBlock: q.atBlock }) };
    case "exposure":
      return { kind: "exposure", result: exposure(model, q.wallet, { policy: q.policy, atBlock: q.atBlock, flagged: q.flagged, reasons: q.reasons as SourceReason[] | undefined }) };
    case "alerts":
      if (q.types !== undefined && (!Array.isArray(q.types) || q.types.some((t) => typeof t !== "string"))) {
        throw new TraceInputError("bad-parameter", "alert types must be a list of alert type names");
      }
      if (q.rules !== undefined && (q.rules === null || typeof q.rules !== "object" || Array.isArray(q.rules))) {
        throw new TraceInputError("bad-parameter", "alert rules must be an object of rule settings by alert type");
      }
      return { kind: "alerts", result: alerts(model, { wallet: q.wallet, types: q.types, atBlock: q.atBlock, rules: rules(q.rules) }) };
    case "asof": {
      const given = [q.wallet, q.transfer, q.lot].filter((x) => x !== undefined).length;
      if (given !== 1) throw new TraceInputError("bad-parameter", "asof takes exactly one of a wallet, a transfer or a lot");
      const target = q.transfer !== undefined ? { transfer: q.transfer } : q.lot !== undefined ? { lot: q.lot, block: q.block } : { wallet: q.wallet!, block: q.block };
      return { kind: "asof", result: asOf(model, target) };
    }
    default:
      throw new TraceInputError("bad-parameter", `unknown query kind "${(q as { kind: string }).kind}": use ${QUERY_KINDS.join(", ")}`);
  }
}

/** The block a query reads the chain at: its own `atBlock` / `block`, else the model's tip. */
export function queryBlock(q: TraceQuery): number | undefined {
  if (q.kind === "provenance" || q.kind === "exposure" || q.kind === "alerts") return q.atBlock;
  if (q.kind === "asof") return q.block;
  return undefined;
}
