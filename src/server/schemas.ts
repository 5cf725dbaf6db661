/**
 * The API's JSON Schemas: one per route, used by Fastify (Ajv) to validate every parameter and body before any
 * work, and by @fastify/swagger to describe the API as OpenAPI 3.1 at `/api/openapi.json`. One source, so the
 * document and the validation cannot drift apart.
 */
import { ALERT_TYPES } from "../trace/alerts.js";
import { EXPORT_FORMATS } from "../trace/export.js";
import { EXPOSURE_POLICIES, SOURCE_REASONS } from "../trace/exposure.js";
import { MAX_HOPS, MAX_MAX_EDGES, MIN_HOPS } from "../trace/options.js";
import { PROVENANCE_POLICIES } from "../trace/provenance.js";
import { MAX_WALLET_RECORDS } from "./records.js";

/**
 * Caps on the alert rule parameters that drive a query's cost (documented in the README and in the OpenAPI
 * document as `maximum`). Together with the per-query deadline they keep one query from holding a worker for
 * long: the fan-in and structuring scans keep a window of transfers per wallet, so their cost grows with the
 * window and with the counts they wait for.
 */
export const ALERT_CAPS = {
  /** Largest `windowSeconds` of any rule: 31 days. */
  windowSeconds: 31 * 86_400,
  /** Largest `fanIn.minSenders`. */
  minSenders: 1_000,
  /** Largest `structuring.minCount`. */
  minCount: 1_000,
  /** Largest `velocity.lookbackDays`. */
  lookbackDays: 90,
  /** Largest `roundTrip.hops`. */
  roundTripHops: 6,
} as const;

const ADDRESS = "^0x[0-9a-fA-F]{40}$";
const ADDRESS_LIST = "^0x[0-9a-fA-F]{40}(,0x[0-9a-fA-F]{40})*$";
const DIGITS = "^[0-9]{1,78}$";
const list = (values: readonly string[]) => `^(${values.join("|")})(,(${values.join("|")}))*$`;

type Schema = Record<string, unknown>;

const address = (description: string): Schema => ({ type: "string", pattern: ADDRESS, description });
const block = (description: string): Schema => ({ type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });
const transferId: Schema = { type: "string", minLength: 1, maxLength: 100, description: "a transfer id: block.tx.log, the 32-digit checkpoint, or txHash:logIndex" };
const amount = (description: string): Schema => ({ type: "string", pattern: DIGITS, description: `${description}, in base units (a whole number as a string)` });

/** Parameters shared by forward, backward and path (query-string and JSON forms are the same). */
const traceParams: Record<string, Schema> = {
  hops: { type: "integer", minimum: MIN_HOPS, maximum: MAX_HOPS, default: 3, description: "how many transfers deep to follow" },
  hubDegree: { type: "integer", minimum: 1, maximum: 1_000_000_000, description: "wallets touched by more transfers than this are reported, not followed (default 1,000)" },
  maxEdges: { type: "integer", minimum: 1, maximum: MAX_MAX_EDGES, description: "cap on the edges returned (default 10,000); `truncated` says when it bit" },
  fromBlock: block("first block followed (inclusive)"),
  toBlock: block("last block followed (inclusive)"),
  fromTime: block("first timestamp followed, unix seconds (inclusive)"),
  toTime: block("last timestamp followed, unix seconds (inclusive)"),
  minAmount: amount("smallest amount followed"),
  maxAmount: amount("largest amount followed"),
};

/** The response formats of a GET query. */
const format: Schema = { type: "string", enum: [...EXPORT_FORMATS], default: "json", description: "json (default), csv or graphml" };

/** Query-string schemas of `GET /api/<kind>`, by kind. Lists are comma-separated. */
export const QUERY_STRINGS: Record<string, { description: string; properties: Record<string, Schema>; required?: string[] }> = {
  forward: {
    description: "Where funds went: a forward trace from a wallet or one transfer (give exactly one).",
    properties: { wallet: address("start wallet"), transfer: transferId, ...traceParams },
  },
  backward: {
    description: "Where funds came from: a backward trace into a wallet or one transfer (give exactly one).",
    properties: { wallet: address("end wallet"), transfer: transferId, ...traceParams },
  },
  path: {
    description: "Every transfer on a time-respecting path from one wallet to another.",
    properties: { from: address("source wallet"), to: address("target wallet"), ...traceParams },
    required: ["from", "to"],
  },
  provenance: {
    description: "Which lots a wallet's balance comes from, under FIFO or haircut.",
    properties: { wallet: address("the wallet"), policy: { type: "string", enum: [...PROVENANCE_POLICIES], default: "fifo" }, atBlock: block("as of this block (default: the indexed tip)") },
    required: ["wallet"],
  },
  exposure: {
    description: "A wallet's exposure to flagged, frozen or denylisted sources; the index's flag list is always among the sources.",
    properties: {
      wallet: address("the wallet"),
      policy: { type: "string", enum: [...EXPOSURE_POLICIES], default: "haircut" },
      atBlock: block("as of this block (default: the indexed tip)"),
      flagged: { type: "string", pattern: ADDRESS_LIST, description: "extra flagged wallets, comma-separated" },
      reasons: { type: "string", pattern: list(SOURCE_REASONS), description: `which kinds of source count, comma-separated: ${SOURCE_REASONS.join(", ")}` },
    },
    required: ["wallet"],
  },
  alerts: {
    description: "Pattern alerts (structuring, velocity, fan-in, round trip, pass-through) with their evidence transfers. Without a wallet this scans every wallet: refused with 400 too-costly when the index holds more transfers than the server's scan cap.",
    properties: {
      wallet: address("only alerts about this wallet"),
      types: { type: "string", pattern: list(ALERT_TYPES), description: `only these types, comma-separated: ${ALERT_TYPES.join(", ")}` },
      atBlock: block("only transfers up to this block"),
    },
  },
  asof: {
    description: "Registry state as of a block: a wallet, a transfer's two sides, or a lot (give exactly one).",
    properties: {
      wallet: address("the wallet"), transfer: transferId,
      lot: { type: "string", minLength: 1, maxLength: 200, description: "a lot: its label as attested (e.g. WR-0001, whose keccak256 is the id) or its id (0x + 64 hex digits)" },
      block: block("as of this block (default: the indexed tip)"),
    },
  },
};

/**
 * What a query's JSON answer holds (`GET /api/<kind>` with format=json, as the CLI's `--json`): the engine's result
 * with amounts in base units, each with its amount in tokens beside it, and each lot with its label (docs/TRACE.md
 * O1, O2). Described, not used to serialize: the worker writes the body.
 */
export const QUERY_ANSWER: Schema = {
  type: "object",
  additionalProperties: true,
  required: ["kind", "result"],
  properties: {
    kind: { type: "string", description: "the query kind" },
    result: {
      description:
        "the answer. Every amount `x` is in base units, a whole number as a decimal string (e.g. \"amount\": \"1500000\"), " +
        "and the same amount in tokens is beside it as `xTokens`, a decimal string (\"amountTokens\": \"1.5\", 6 decimals). " +
        "Every `lot` (an id, or null for value no issue explains) has `lotLabel` beside it: the lot's attested label where the " +
        "index knows one (`trace label`, `serve --lot-labels`), else null.",
    },
  },
};

/** The JSON Schema of a GET query's query string (no other parameter is accepted). */
export function queryStringSchema(kind: string): Schema {
  const q = QUERY_STRINGS[kind]!;
  return { type: "object", additionalProperties: false, properties: { ...q.properties, format }, ...(q.required ? { required: q.required } : {}) };
}

const positive = (max: number, description: string): Schema => ({ type: "number", exclusiveMinimum: 0, maximum: max, description });
const window = (description: string): Schema => ({ type: "integer", minimum: 1, maximum: ALERT_CAPS.windowSeconds, description: `${description} (at most ${ALERT_CAPS.windowSeconds} s, 31 days)` });
const rules: Schema = {
  type: "object",
  additionalProperties: false,
  description: "alert thresholds; missing ones take the defaults. Cost-driving ones are capped.",
  properties: {
    structuring: {
      type: "object", additionalProperties: false, properties: {
        windowSeconds: window("window"), minCount: { type: "integer", minimum: 2, maximum: ALERT_CAPS.minCount },
        margin: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
      },
    },
    velocity: {
      type: "object", additionalProperties: false, properties: {
        factor: positive(1e9, "outflow ÷ mean daily outflow"), lookbackDays: { type: "integer", minimum: 1, maximum: ALERT_CAPS.lookbackDays },
        minAmount: { type: "string", pattern: DIGITS, description: "base units" },
      },
    },
    fanIn: {
      type: "object", additionalProperties: false, properties: {
        windowSeconds: window("window"), minSenders: { type: "integer", minimum: 2, maximum: ALERT_CAPS.minSenders },
      },
    },
    roundTrip: {
      type: "object", additionalProperties: false, properties: {
        hops: { type: "integer", minimum: 2, maximum: ALERT_CAPS.roundTripHops }, windowSeconds: window("window"),
      },
    },
    passThrough: {
      type: "object", additionalProperties: false, properties: {
        windowSeconds: window("window"), ratio: { type: "number", exclusiveMinimum: 0, maximum: 1 },
      },
    },
  },
};

const listOf = (item: Schema): Schema => ({ type: "array", items: item, maxItems: 10_000 });

/** The JSON form of each query kind, as `POST /api/evidence` takes it and a pack records it. */
function jsonQuery(kind: string): Schema {
  const q = QUERY_STRINGS[kind]!;
  const properties: Record<string, Schema> = { kind: { type: "string", enum: [kind] } };
  for (const [name, schema] of Object.entries(q.properties)) properties[name] = schema;
  if (kind === "exposure") {
    // A flagged wallet counts from block 0 as a bare address, or from the block given with it (docs/TRACE.md F1):
    // the server lists the index's flags with their blocks, so a pack it makes records them that way.
    properties.flagged = listOf({
      anyOf: [
        { type: "string", pattern: ADDRESS },
        {
          type: "object", additionalProperties: false, required: ["wallet"],
          properties: { wallet: { type: "string", pattern: ADDRESS }, block: { anyOf: [{ type: "integer", minimum: 0 }, { type: "null" }] } },
        },
      ],
    });
    properties.reasons = listOf({ type: "string", enum: [...SOURCE_REASONS] });
  }
  if (kind === "alerts") {
    properties.types = listOf({ type: "string", enum: [...ALERT_TYPES] });
    properties.rules = rules;
  }
  return { type: "object", additionalProperties: false, required: ["kind", ...(q.required ?? [])], properties };
}

/** Body of `POST /api/evidence`. */
export const EVIDENCE_BODY: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["query"],
  properties: {
    query: {
      type: "object",
      description: "the query to answer and seal, in the same terms as the GET routes (lists as JSON arrays)",
      discriminator: { propertyName: "kind" },
      required: ["kind"],
      oneOf: Object.keys(QUERY_STRINGS).map(jsonQuery),
    },
  },
};

/** Body of `PUT /api/flags/{wallet}`. */
export const FLAG_BODY: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["reason"],
  properties: { reason: { type: "string", minLength: 1, maxLength: 1_000, pattern: "\\S", description: "why the wallet is flagged (recorded with the caller's token name)" } },
};

/** Path parameters of `/api/flags/{wallet}`. */
export const FLAG_PARAMS: Schema = { type: "object", additionalProperties: false, required: ["wallet"], properties: { wallet: address("the wallet") } };

/** The JSON error body every failure returns. */
export const ERROR: Schema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "the rule that refused the request" },
        message: { type: "string", description: "one line for a person" },
        field: { type: "string", description: "the parameter or body field at fault, when one is" },
      },
    },
  },
};

/** Body of `POST /api/asof/wallets`: up to {@link MAX_WALLET_RECORDS} distinct wallets and an optional block. */
export const WALLETS_BODY: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["wallets"],
  properties: {
    wallets: { type: "array", minItems: 1, maxItems: MAX_WALLET_RECORDS, uniqueItems: true, items: address("a wallet"), description: `the wallets (1 to ${MAX_WALLET_RECORDS}, each once)` },
    block: block("as of this block (default: the indexed tip)"),
  },
};

/** A query string that takes no parameter. */
export const NO_PARAMS: Schema = { type: "object", additionalProperties: false, properties: {} };

/**
 * Body of `POST /api/evidence/verify`: `{ pack }`, an evidence pack as `POST /api/evidence` gives it. The shape is
 * checked here (400 naming the field); what the fields say (format, digest, chain, block, policy, results) is
 * what the verification checks, each reported by name.
 */
export const VERIFY_BODY: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["pack"],
  properties: {
    pack: {
      type: "object",
      description: "the evidence pack to verify against this index",
      required: ["format", "query", "policy", "chain", "code", "createdAt", "results", "sha256"],
      properties: {
        format: { type: "string", maxLength: 100 },
        query: { type: "object", required: ["kind"], properties: { kind: { type: "string", enum: Object.keys(QUERY_STRINGS) } } },
        policy: { type: "object" },
        chain: {
          type: "object",
          required: ["chainId", "token", "reserveRegistry", "startBlock", "block"],
          properties: {
            chainId: { type: "integer", minimum: 0 },
            token: { type: "string" },
            reserveRegistry: { type: "string" },
            startBlock: block("the deployment's first block"),
            block: { type: "object", required: ["number", "hash"], properties: { number: block("the block the pack is pinned to"), hash: { type: "string" } } },
          },
        },
        code: { type: "object" },
        createdAt: { type: "string" },
        results: {},
        sha256: { type: "string" },
      },
    },
  },
};
