import fastifySwagger from "@fastify/swagger";
import { Ajv, type ErrorObject, type Options as AjvOptions } from "ajv";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Store } from "../indexer/store/store.js";
import { SQLITE_FILE } from "../indexer/store/open.js";
import { indexedDeployment } from "../indexer/sync.js";
import { toAddress } from "../indexer/types.js";
import type { EvidencePack, PackCheck } from "../trace/evidence.js";
import type { FlagInput } from "../trace/exposure.js";
import { QUERY_KINDS, type TraceQuery } from "../trace/query.js";
import { defaultSnapshotPath } from "../trace/snapshot.js";
import { loadLotLabels } from "../trace/present.js";
import { authenticate, type Role, type TokenEntry, type TokenFile } from "./auth.js";
import { labelsRoute, type PageLabels } from "./labels.js";
import { TokenLimits, type LimitOptions } from "./limits.js";
import type { ServerMetrics } from "./metrics.js";
import { PoolError, QueryPool, type CostClass, type PoolStats } from "./pool.js";
import { ERROR, EVIDENCE_BODY, QUERY_ANSWER, FLAG_BODY, FLAG_PARAMS, NO_PARAMS, QUERY_STRINGS, VERIFY_BODY, WALLETS_BODY, queryStringSchema } from "./schemas.js";
import { DEFAULT_HUB_DEGREE, DEFAULT_MAX_EDGES } from "../trace/options.js";
import type { Job } from "./worker.js";
import { precheckPack } from "./verify.js";

/** Defaults of the bounds on work (README, "Limits"). */
export const SERVER_DEFAULTS = {
  /** A query runs at most this long, then is stopped (504). */
  deadlineMs: 5_000,
  /** Query worker threads. */
  workers: 2,
  /** Per token: sustained requests per second, burst, and queries in flight. */
  limits: { ratePerSecond: 20, burst: 40, maxInFlight: 4 } satisfies LimitOptions,
  /**
   * The all-wallet alerts scan is refused above this many transfers: it cost about 170 µs a transfer on 2 busy
   * cores (100,000 transfers: 16.6 s), so 20,000 stays inside the default deadline. Raise it with the deadline.
   */
  maxScanTransfers: 20_000,
  /** /readyz wants the index within this many blocks of the chain head. */
  readyLagBlocks: 5,
  /** Largest request body. */
  bodyLimit: 1_000_000,
} as const;

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** The index to serve (status, flags; the worker threads open their own handles through `storeSpec`). */
  store: Store;
  /** The index as `openStore` takes it, for the worker threads. Default: the SQLite store's folder. */
  storeSpec?: string;
  /**
   * The trace model's snapshot the workers start from (`index --follow` keeps it fresh); null: build from the
   * index's rows. Default: beside a SQLite index (`trace-model.snapshot`), none for PostgreSQL.
   */
  snapshot?: string | null;
  /** Who may call the API (tokens hashed). Re-read through `tokens()` on every request when a function. */
  tokens: TokenFile | (() => TokenFile);
  /** The code version written into evidence packs. */
  code: EvidencePack["code"];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Names the page shows: token symbol, lot labels, institution names (`GET /api/labels`, `GET /api/institutions`). */
  labels?: PageLabels;
  /** Per-query deadline in ms (default {@link SERVER_DEFAULTS}.deadlineMs). */
  deadlineMs?: number;
  /** Query worker threads (default 2). */
  workers?: number;
  /** Per-token rate and concurrency limits. */
  limits?: Partial<LimitOptions>;
  /** Cap of the all-wallet alerts scan, in transfers. */
  maxScanTransfers?: number;
  /** The chain head, for /readyz (e.g. eth_blockNumber); absent: readiness does not check the lag. */
  head?: () => Promise<number>;
  /** /readyz lag bound in blocks. */
  readyLagBlocks?: number;
  /** Where denied requests and server errors are logged, one line each (default stderr). Never given a token. */
  log?: (line: string) => void;
  /** Prometheus series to record requests, queries, model loads and errors in (served elsewhere: `serveMetrics`). */
  metrics?: ServerMetrics;
}

/** A running server. */
export interface RunningServer {
  url: string;
  server: Server;
  /** The query pool's counters. */
  stats(): PoolStats;
  close(): Promise<void>;
}

/** An HTTP error with a code naming the rule, sent as `{ error: { code, message, field? } }`. */
class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string, readonly retryAfter?: number) {
    super(message);
  }
}

const PUBLIC = fileURLToPath(new URL("./public/", import.meta.url));
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon",
  ".json": "application/json", ".woff2": "font/woff2", ".map": "application/json",
};
const FORMAT_TYPES: Record<string, string> = { json: "application/json", csv: "text/csv; charset=utf-8", graphml: "application/graphml+xml" };

/** The security headers on every response. */
export const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
} as const;

/**
 * The files the page is served from, fixed at start-up: every file directly in `public/` (by its name; `/` is
 * index.html) plus the vendor files `public/vendor.json` lists (`{ "/vendor/<file>": "<package>/<path>" }`,
 * resolved inside node_modules). No other path reaches the file system.
 */
export function staticFiles(dir = PUBLIC, warn: (line: string) => void = () => {}): Map<string, { file: string; type: string }> {
  const files = new Map<string, { file: string; type: string }>();
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    const type = TYPES[extname(name)];
    if (name === "vendor.json" || type === undefined || !statSync(file).isFile()) continue;
    files.set(name === "index.html" ? "/" : `/${name}`, { file, type });
  }
  const listing = join(dir, "vendor.json");
  if (existsSync(listing)) {
    const require = createRequire(import.meta.url); // the project's own node_modules
    for (const [url, target] of Object.entries(JSON.parse(readFileSync(listing, "utf8")) as Record<string, string>)) {
      const type = TYPES[extname(url)];
      if (!/^\/vendor\/[A-Za-z0-9._-]+$/.test(url) || type === undefined || typeof target !== "string") {
        warn(`vendor.json: skipped "${url}" (a URL must be /vendor/<file> with a known extension)`);
        continue;
      }
      try {
        files.set(url, { file: require.resolve(target), type });
      } catch {
        warn(`vendor.json: skipped "${url}": cannot resolve "${target}" in node_modules`);
      }
    }
  }
  return files;
}

/** Maps an Ajv error to the field it names and a one-line message. */
function validationError(errors: ErrorObject[], part: string): HttpError {
  const e = errors[0]!;
  const path = e.instancePath.split("/").slice(1).join(".");
  const where = part === "body" ? "body" : part === "params" ? "path" : "query";
  if (e.keyword === "additionalProperties") {
    const field = [path, String(e.params.additionalProperty)].filter((s) => s !== "").join(".");
    return new HttpError(400, "unknown-parameter", `unknown ${where} parameter "${field}": the API is described at /api/openapi.json`, field);
  }
  if (e.keyword === "required") {
    const field = [path, String(e.params.missingProperty)].filter((s) => s !== "").join(".");
    return new HttpError(400, "missing-parameter", `missing ${where} parameter "${field}"`, field);
  }
  if (e.keyword === "discriminator") {
    const field = [path, String(e.params.tag)].filter((x) => x !== "").join(".");
    return new HttpError(400, "bad-parameter", `body.${field} must be one of ${QUERY_KINDS.join(", ")}, got ${JSON.stringify((e.data as Record<string, unknown>)?.[String(e.params.tag)]) ?? "nothing"}`, field);
  }
  const field = path === "" ? where : path;
  const name = field.split(".").at(-1)!;
  const range = e.keyword === "minimum" || e.keyword === "maximum" || e.keyword === "exclusiveMinimum" || e.keyword === "exclusiveMaximum";
  const isAddress = e.keyword === "pattern" && String(e.params.pattern).startsWith("^0x[0-9a-fA-F]{40}");
  const code = range && name === "hops" ? "hops-out-of-range" : range && name === "maxEdges" ? "edges-out-of-range" : isAddress ? "malformed-address" : "bad-parameter";
  const detail = isAddress ? "must be an address (0x followed by 40 hex digits)"
    : e.keyword === "enum" ? `must be one of ${(e.params.allowedValues as unknown[]).join(", ")}`
    : e.keyword === "pattern" && /\(\?:?|\|/.test(String(e.params.pattern)) ? `must be a comma-separated list of allowed values (${String(e.params.pattern).slice(2, String(e.params.pattern).indexOf(")"))})`
    : e.keyword === "pattern" && String(e.params.pattern).startsWith("^[0-9]") ? "must be a whole number of base units"
    : e.message ?? "is invalid";
  const got = JSON.stringify(e.data) ?? "undefined";
  // The engine's own wording (the CLI and the page show the same line); `field` names the parameter.
  if (isAddress) return new HttpError(400, code, `malformed address ${got}: expected 0x followed by 40 hex digits`, field);
  return new HttpError(400, code, `${where === "body" && field !== "body" ? "body." : ""}${field} ${detail}, got ${got.length > 60 ? `${got.slice(0, 57)}...` : got}`, field);
}

/** Two Ajv instances: query strings and paths are coerced from text; bodies are JSON and never coerced. */
function validatorCompiler() {
  const base: AjvOptions = { allErrors: false, verbose: true, useDefaults: true, removeAdditional: false, discriminator: true, strict: false };
  const text = new Ajv({ ...base, coerceTypes: true });
  const json = new Ajv({ ...base, coerceTypes: false });
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) => {
    const validate = (httpPart === "body" ? json : text).compile(schema);
    return (data: unknown) => (validate(data) ? { value: data } : { error: validationError(validate.errors ?? [], httpPart ?? "body") });
  };
}

/** The query as the engine takes it, with the API's defaults (three hops; FIFO provenance; haircut exposure). */
function withDefaults(q: Record<string, unknown>): TraceQuery {
  if ((q.kind === "forward" || q.kind === "backward" || q.kind === "path") && q.hops === undefined) q.hops = 3;
  if (q.kind === "provenance" && q.policy === undefined) q.policy = "fifo";
  if (q.kind === "exposure" && q.policy === undefined) q.policy = "haircut";
  return q as unknown as TraceQuery;
}

/**
 * The bounds under which a trace is a cheap query: at most this many hops, and caps no wider than the defaults.
 * A trace inside them touches at most the default edge cap and never walks through a hub.
 */
export const CHEAP_TRACE = { hops: 4, maxEdges: DEFAULT_MAX_EDGES, hubDegree: DEFAULT_HUB_DEGREE } as const;

/**
 * A job's cost class, from its parameters alone (README, "Limits"): registry records (as of a block, one wallet
 * or a batch) and forward, backward and path traces inside {@link CHEAP_TRACE} are cheap; everything else is heavy:
 * alerts, evidence packs and their verification, wide traces, and provenance and exposure (their first query on
 * a model replays the whole history).
 */
export function costClass(job: Job): CostClass {
  if (job.op === "wallets") return "cheap";
  if (job.op !== "query") return "heavy";
  const q = job.query;
  if (q.kind === "asof") return "cheap";
  if (q.kind === "forward" || q.kind === "backward" || q.kind === "path") {
    const within = (q.hops ?? 3) <= CHEAP_TRACE.hops && (q.maxEdges ?? DEFAULT_MAX_EDGES) <= CHEAP_TRACE.maxEdges && (q.hubDegree ?? DEFAULT_HUB_DEGREE) <= CHEAP_TRACE.hubDegree;
    return within ? "cheap" : "heavy";
  }
  return "heavy";
}

/** A store's spec for `openStore`, when it can be derived (a SQLite file named index.sqlite). */
function specOf(store: Store): string {
  if (store.kind === "sqlite" && basename(store.location) === SQLITE_FILE) return dirname(store.location);
  throw new Error(`startServer: give storeSpec (the worker threads open the index by it) for ${store.kind} store ${store.location}`);
}

/** Counts every answered request by route pattern, method and status, with its latency (`ServerMetrics`). */
function instrument(app: FastifyInstance, metrics: ServerMetrics | undefined): void {
  if (metrics === undefined) return;
  app.addHook("onResponse", async (request, reply) => {
    metrics.request(request.routeOptions.url ?? "unmatched", request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
}

declare module "fastify" {
  interface FastifyRequest {
    caller?: TokenEntry;
  }
  interface FastifyContextConfig {
    /** The role a route needs; absent: public. */
    role?: Role;
  }
}

/**
 * The analyst's HTTP API and web page over an index, on Fastify. Every route has a JSON Schema that validates
 * its parameters and body before any work and describes it in the OpenAPI 3 document at `GET /api/openapi.json`.
 *
 * - `GET /` and the page's files; `GET /healthz` (alive) and `GET /readyz` (index fresh, model loaded): no token.
 * - `GET /api/status`, `GET /api/<forward|backward|path|provenance|exposure|alerts|asof>?…&format=json|csv|graphml`,
 *   `POST /api/evidence` `{ query }`, `POST /api/evidence/verify` `{ pack }`, `GET /api/flags`, `GET /api/labels`, `GET /api/institutions`: any role.
 * - `PUT /api/flags/<wallet>` `{ reason }` and `DELETE /api/flags/<wallet>`: the admin role only.
 *
 * Queries run on worker threads ({@link QueryPool}) with a deadline, are stopped when their client goes away,
 * and are limited per token (429 with Retry-After). Errors are `{ error: { code, message, field? } }`, never a
 * stack trace. Every response carries {@link SECURITY_HEADERS}.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { store } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const tokens = () => (typeof options.tokens === "function" ? options.tokens() : options.tokens);
  const deadlineMs = options.deadlineMs ?? SERVER_DEFAULTS.deadlineMs;
  const pool = new QueryPool({
    storeSpec: options.storeSpec ?? specOf(store),
    workers: options.workers ?? SERVER_DEFAULTS.workers,
    deadlineMs,
    queueWaitMs: deadlineMs,
    maxScanTransfers: options.maxScanTransfers ?? SERVER_DEFAULTS.maxScanTransfers,
    onLoaded: options.metrics === undefined ? undefined : (block, ms, transfers, how) => options.metrics!.modelLoaded(block, ms, transfers, how),
    snapshotPath: options.snapshot === undefined ? defaultSnapshotPath(store) : options.snapshot,
    lotLabels: options.labels?.lots ?? [],
  });
  if (options.metrics !== undefined) options.metrics.pool = pool;
  const limits = new TokenLimits({ ...SERVER_DEFAULTS.limits, ...options.limits });
  const files = staticFiles(PUBLIC, log);
  const https = options.tls !== undefined;

  const app: FastifyInstance = Fastify({
    ...(https ? { https: { cert: options.tls!.cert, key: options.tls!.key } } : {}),
    bodyLimit: SERVER_DEFAULTS.bodyLimit,
    forceCloseConnections: true,
    return503OnClosing: true,
    logger: false,
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler());
  // Bodies are JSON whatever the content type says (fetch sends text/plain by default); an empty one is no body
  // (the route's schema then says whether it needs one). Prototype poisoning keys are refused.
  const json = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser(["application/json", "text/plain"], { parseAs: "string" }, (request, body, done) => {
    if (body === "") return done(null, undefined);
    json(request, body as string, done);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "goods-ledger analyst API",
        version: options.code.version,
        description: "Trace, provenance, exposure, alerts, as-of state, flags and evidence packs over a goods-ledger index. Every /api route but this document needs `Authorization: Bearer <token>`; the analyst role reads, the admin role also edits flags. Amounts are base-unit decimal strings.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  });

  const deny = (request: FastifyRequest, status: number, code: string, message: string, name?: string, retryAfter?: number): never => {
    log(`goods-ledger serve: denied ${status} ${code} ${request.method} ${request.url.split("?")[0]} from ${request.ip}${name === undefined ? "" : ` token "${name}"`}`);
    throw new HttpError(status, code, message, undefined, retryAfter);
  };

  app.addHook("onRequest", async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (https) reply.header("strict-transport-security", "max-age=31536000");
    const role = request.routeOptions.config?.role;
    if (role === undefined) return;
    const m = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "");
    if (m === null) return deny(request, 401, "unauthorized", "missing bearer token: send Authorization: Bearer <token>");
    const found = authenticate(tokens(), m[1]!);
    if ("denied" in found) {
      return deny(request, 401, "unauthorized", found.denied === "expired-token" ? "the token has expired: ask for a new one" : "unknown token", found.name);
    }
    const refused = limits.request(found.name);
    if (refused !== null) return deny(request, 429, refused.code, refused.message, found.name, refused.retryAfter);
    if (role === "admin" && found.role !== "admin") {
      const what = request.method === "PUT" ? "flagging a wallet" : "unflagging a wallet";
      return deny(request, 403, "forbidden", `the ${found.role} role is read-only: ${what} needs the admin role`, found.name);
    }
    request.caller = found;
  });

  instrument(app, options.metrics);

  app.setErrorHandler((error: FastifyError | HttpError | PoolError, request, reply) => {
    let e: HttpError;
    if (error instanceof HttpError) e = error;
    else if (error instanceof PoolError) e = new HttpError(error.status, error.code, error.message, undefined, error.retryAfter);
    else if ((error as FastifyError).code === "FST_ERR_CTP_BODY_TOO_LARGE") e = new HttpError(413, "too-large", `request body over ${SERVER_DEFAULTS.bodyLimit} bytes`);
    else if ((error as FastifyError).code === "FST_ERR_CTP_INVALID_JSON_BODY" || (error as FastifyError).code === "FST_ERR_CTP_EMPTY_JSON_BODY" || error instanceof SyntaxError) {
      e = new HttpError(400, "bad-json", "the request body is not JSON");
    } else if ((error as FastifyError).code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") e = new HttpError(415, "unsupported-media-type", "send the body as application/json");
    else if ((error as FastifyError).statusCode !== undefined && (error as FastifyError).statusCode! < 500) {
      e = new HttpError((error as FastifyError).statusCode!, "bad-request", error.message);
    } else {
      log(`goods-ledger serve: ${request.method} ${request.url.split("?")[0]}: ${error.stack ?? String(error)}`);
      e = new HttpError(500, "internal", "internal error (logged on the server)");
    }
    options.metrics?.error(e.code);
    reply.headers(SECURITY_HEADERS);
    if (e.retryAfter !== undefined) reply.header("retry-after", String(e.retryAfter));
    return reply.code(e.status).type("application/json").send({ error: { code: e.code, message: e.message, ...(e.field === undefined ? {} : { field: e.field }) } });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.headers(SECURITY_HEADERS);
    const path = request.url.split("?")[0]!;
    const message = path.startsWith("/api/") ? `no route ${request.method} ${path}: the API is described at /api/openapi.json` : `nothing at ${path}`;
    return reply.code(404).type("application/json").send({ error: { code: "not-found", message } });
  });

  const errors = { 400: { description: "bad input: the field and the rule", ...ERROR }, 401: { description: "no, unknown or expired token", ...ERROR }, 429: { description: "over the token's rate or concurrency limit (Retry-After)", ...ERROR } };
  const anyJson = { type: "object", additionalProperties: true };
  /** The answers of a route whose work runs on the query pool. */
  const pooled = { 503: { description: "busy, or the index is empty", ...ERROR }, 504: { description: "stopped at the deadline", ...ERROR } };
  const tooLarge = { 413: { description: "body over 1 MB", ...ERROR } };

  // The page and its files (not in the API document).
  for (const [url, { file, type }] of files) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) => reply.type(type).send(readFileSync(file)));
  }

  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  let ready: { at: number; body: Record<string, unknown>; ok: boolean } | null = null;
  app.get("/healthz", { schema: { summary: "the process is alive", security: [], querystring: NO_PARAMS, response: { 200: { description: "alive", ...anyJson } } } }, async () => ({ status: "alive" }));
  app.get("/readyz", {
    schema: { summary: "ready: the index is within the lag bound of the chain head and a trace model of its tip is loaded", security: [], querystring: NO_PARAMS, response: { 200: { description: "ready", ...anyJson }, 503: { description: "not ready, with the reasons", ...anyJson } } },
  }, async (_request, reply) => {
    // Cached for a second, so probes never pile work on the store or the node.
    if (ready === null || Date.now() - ready.at > 1_000) {
      const reasons: string[] = [];
      const position = await store.position();
      let head: number | null = null;
      if (position === null) reasons.push("the index is empty: run `goods-ledger index`");
      else {
        pool.warm(position.block);
        if (!pool.loaded(position.block)) reasons.push(`the trace model of block ${position.block} is not loaded yet`);
      }
      if (options.head !== undefined) {
        try {
          head = await Promise.race([options.head(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer within 2 s")), 2_000).unref())]);
        } catch (error) {
          reasons.push(`the chain head is unknown: ${(error as Error).message}`);
        }
      }
      const lagBound = options.readyLagBlocks ?? SERVER_DEFAULTS.readyLagBlocks;
      if (head !== null && position !== null && head - position.block > lagBound) reasons.push(`the index is ${head - position.block} blocks behind the chain head (at most ${lagBound})`);
      const body = { ready: reasons.length === 0, indexedBlock: position?.block ?? null, headBlock: head, modelLoaded: position !== null && pool.loaded(position.block), reasons };
      ready = { at: Date.now(), body, ok: reasons.length === 0 };
    }
    return reply.code(ready.ok ? 200 : 503).send(ready.body);
  });

  const auth = { role: "analyst" as Role };
  let counted: { block: number; counts: Awaited<ReturnType<Store["counts"]>> } | null = null;
  app.get("/api/status", { config: auth, schema: { summary: "the index position, row counts, the caller and the query pool", querystring: NO_PARAMS, response: { 200: { description: "status", ...anyJson }, ...errors } } }, async (request) => {
    const position = await store.position();
    // Row counts change only when the index moves: counted once per position, not per call.
    if (counted === null || counted.block !== (position?.block ?? -1)) counted = { block: position?.block ?? -1, counts: await store.counts() };
    const counts = counted.counts;
    const s = pool.stats();
    return { position, counts, store: store.kind, role: request.caller!.role, name: request.caller!.name, queries: { workers: s.workers, busy: s.busy, queued: s.queued, deadlineMs } };
  });
  app.get("/api/flags", { config: auth, schema: { summary: "the analyst flag list", querystring: NO_PARAMS, response: { 200: { description: "flags", ...anyJson }, ...errors } } }, async () => ({ flags: await store.flags() }));
  for (const route of ["labels", "institutions"] as const) {
    app.get(`/api/${route}`, {
      config: auth,
      schema: { summary: route === "labels" ? "the token's symbol and decimals, and lot labels by lot id" : "institution names by institution id (serve --institutions)", querystring: NO_PARAMS, response: { 200: { description: route, ...anyJson }, ...errors } },
    }, async () => labelsRoute(route, options.labels, route === "labels" ? await loadLotLabels(store) : undefined));
  }

  const flagSchema = (summary: string, body: boolean) => ({
    summary, params: FLAG_PARAMS, querystring: NO_PARAMS, ...(body ? { body: FLAG_BODY } : {}),
    response: { 200: { description: "done", ...anyJson }, ...errors, 403: { description: "the analyst role is read-only", ...ERROR } },
  });
  app.put("/api/flags/:wallet", { config: { role: "admin" }, schema: flagSchema("flag a wallet (admin)", true) }, async (request) => {
    const wallet = toAddress((request.params as { wallet: string }).wallet);
    const { reason } = request.body as { reason: string };
    const entry = { wallet, reason: `${reason} (by ${request.caller!.name})`, createdAt: new Date().toISOString() };
    await store.setFlag(entry);
    return entry;
  });
  app.delete("/api/flags/:wallet", { config: { role: "admin" }, schema: flagSchema("unflag a wallet (admin)", false) }, async (request) => {
    const wallet = toAddress((request.params as { wallet: string }).wallet);
    return { wallet, removed: await store.removeFlag(wallet) };
  });

  /**
   * Runs a job on the pool for the caller (at `block`, default the indexed tip) in its cost class's lane,
   * cancelled when the client goes away. The answer's Server-Timing header says where the time went (waiting for
   * a worker, running on it) and which lane ran it.
   */
  const work = async (request: FastifyRequest, reply: FastifyReply, job: Job, block?: number): Promise<Buffer> => {
    const who = request.caller!;
    const refused = limits.admit(who.name);
    if (refused !== null) return deny(request, 429, refused.code, refused.message, who.name, refused.retryAfter);
    const gone = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) gone.abort();
    };
    reply.raw.once("close", onClose);
    try {
      const position = await store.position();
      if (position === null) throw new HttpError(503, "empty-index", "the index is empty: run `goods-ledger index` first");
      const answer = await pool.run(job, block ?? position.block, who.name, gone.signal, costClass(job));
      reply.header("server-timing", `wait;dur=${answer.waitMs.toFixed(1)}, run;dur=${answer.runMs.toFixed(1)};desc="${answer.lane} lane"`);
      return answer.body;
    } finally {
      limits.done(who.name);
      reply.raw.off("close", onClose);
    }
  };
  const exposureFlags = async (q: Record<string, unknown>) => {
    // The index's flag list is always among the sources, for GET and for evidence packs alike, each flag with the
    // block it was set at (docs/TRACE.md F1: it counts from there). The caller's extra wallets (bare addresses
    // count from block 0) follow; a wallet in both is listed once, as the index's flag.
    if (q.kind !== "exposure") return;
    const flagged: FlagInput[] = (await store.flags()).map((f) => ({ wallet: f.wallet.toLowerCase(), block: f.block ?? null }));
    const listed = new Set(flagged.map((f) => (f as { wallet: string }).wallet));
    for (const f of (q.flagged as FlagInput[] | undefined) ?? []) {
      const wallet = (typeof f === "string" ? f : f.wallet).toLowerCase();
      if (listed.has(wallet)) continue;
      listed.add(wallet);
      flagged.push(typeof f === "string" ? wallet : { wallet, block: f.block ?? null });
    }
    q.flagged = flagged;
  };

  for (const kind of QUERY_KINDS) {
    app.get(`/api/${kind}`, {
      config: auth,
      schema: {
        summary: QUERY_STRINGS[kind]!.description, querystring: queryStringSchema(kind),
        response: { 200: { description: "the result: JSON { kind, result } (amounts in base units and in tokens, lots with their labels), or CSV / GraphML by format", ...QUERY_ANSWER }, ...errors, ...pooled },
      },
    }, async (request, reply) => {
      const { format = "json", ...params } = request.query as Record<string, unknown>;
      const q: Record<string, unknown> = { kind, ...params };
      for (const name of ["flagged", "reasons", "types"]) if (typeof q[name] === "string") q[name] = (q[name] as string).split(",");
      await exposureFlags(q);
      const timed = options.metrics?.querySeconds.startTimer({ kind });
      const body = await work(request, reply, { op: "query", query: withDefaults(q), format: format as "json" | "csv" | "graphml" });
      timed?.();
      return reply.type(FORMAT_TYPES[format as string]!).send(body);
    });
  }

  /** The schema of a POST route whose work runs on the query pool: its body's schema, no query string. */
  const pooledPost = (summary: string, body: object, answer: string) => ({
    summary, querystring: NO_PARAMS, body,
    response: { 200: { description: answer, ...anyJson }, ...errors, ...tooLarge, ...pooled },
  });

  app.post("/api/evidence", {
    config: auth,
    schema: pooledPost("answer a query and seal it in an evidence pack (sha256 over canonical JSON, pinned to the indexed block)", EVIDENCE_BODY, "the evidence pack"),
  }, async (request, reply) => {
    const q = { ...(request.body as { query: Record<string, unknown> }).query };
    await exposureFlags(q);
    const deployment = await indexedDeployment(store);
    if (deployment === null) throw new HttpError(503, "empty-index", "the index has no deployment recorded: run `goods-ledger index` first");
    const body = await work(request, reply, { op: "evidence", query: withDefaults(q), chain: deployment, code: options.code });
    return reply.type("application/json").send(body);
  });

  app.post("/api/asof/wallets", {
    config: auth,
    schema: pooledPost(
      "registry records of many wallets as of one block (what GET /api/asof?wallet= gives, one per wallet, in order; null for a wallet the index does not know)",
      WALLETS_BODY, "{ kind: \"wallets\", atBlock, records: [record | null] }",
    ),
  }, async (request, reply) => {
    const { wallets, block } = request.body as { wallets: string[]; block?: number };
    const body = await work(request, reply, { op: "wallets", wallets, ...(block === undefined ? {} : { block }) });
    return reply.type("application/json").send(body);
  });

  app.post("/api/evidence/verify", {
    config: auth,
    schema: pooledPost(
      "verify an evidence pack against this index: format, digest, deployment, block hash, policy version, and the query run again at the pack's block",
      VERIFY_BODY, "{ ok, checks: [{ check, ok, detail }] }",
    ),
  }, async (request, reply) => {
    const { pack } = request.body as { pack: EvidencePack };
    // The index-only checks here; the query run again (a model of the pack's block) on the pool, with its deadline.
    const { checks, block } = await precheckPack(pack, store);
    if (block !== null) checks.push(JSON.parse((await work(request, reply, { op: "verify", pack }, block)).toString("utf8")) as PackCheck);
    return { ok: checks.every((c) => c.ok), checks };
  });

  // Keep the workers' models at the indexed tip, so the first query after a new block does not pay the load.
  let watching = true;
  const watch = async () => {
    while (watching) {
      try {
        const position = await store.position();
        if (position !== null) pool.warm(position.block);
      } catch {
        // The store is unreachable for now: /readyz says so; try again.
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
    }
  };
  void watch();

  await app.listen({ port: options.port ?? 0, host: options.host ?? "127.0.0.1" });
  const address = app.server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  return {
    url: `${https ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
    server: app.server,
    stats: () => pool.stats(),
    close: async () => {
      watching = false;
      await pool.close();
      await app.close();
    },
  };
}
