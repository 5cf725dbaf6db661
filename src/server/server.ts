import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Store } from "../indexer/store/store.js";
import { indexedDeployment } from "../indexer/sync.js";
import { toAddress } from "../indexer/types.js";
import { TraceInputError } from "../trace/errors.js";
import { buildPack, type EvidencePack } from "../trace/evidence.js";
import { exportResult, plain } from "../trace/export.js";
import { loadModel, type TraceModel } from "../trace/model.js";
import { QUERY_KINDS, runQuery, type TraceQuery } from "../trace/query.js";
import { authenticate, type Role, type TokenEntry, type TokenFile } from "./auth.js";
import { labelsRoute, type PageLabels } from "./labels.js";
import { verifyPackInStore } from "./verify.js";

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** The index to serve. */
  store: Store;
  /** Who may call the API (tokens hashed). Re-read through `tokens()` on every request when a function. */
  tokens: TokenFile | (() => TokenFile);
  /** The code version written into evidence packs. */
  code: EvidencePack["code"];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Names the page shows: token symbol, lot labels, institution names (`GET /api/labels`, `GET /api/institutions`). */
  labels?: PageLabels;
}

/** A running server. */
export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** An HTTP error with a code naming the rule, sent as `{ error: { code, message } }`. */
class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const PUBLIC = fileURLToPath(new URL("./public/", import.meta.url));
const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/graph.js": { file: "graph.js", type: "text/javascript; charset=utf-8" },
};
/**
 * The page's third-party scripts, served from the project's own dependencies (no CDN): `public/vendor.json` maps
 * each URL to a file inside a package, resolved once at start-up; only those URLs are served.
 */
const VENDOR: Record<string, string> = (() => {
  const require = createRequire(import.meta.url);
  const list = JSON.parse(readFileSync(`${PUBLIC}vendor.json`, "utf8")) as Record<string, string>;
  return Object.fromEntries(Object.entries(list).map(([url, file]) => [url, require.resolve(file)]));
})();
const FORMAT_TYPES: Record<string, string> = { json: "application/json", csv: "text/csv; charset=utf-8", graphml: "application/graphml+xml" };

const INTEGER_PARAMS = ["hops", "hubDegree", "maxEdges", "fromBlock", "toBlock", "fromTime", "toTime", "atBlock", "block"] as const;
const STRING_PARAMS = ["wallet", "transfer", "from", "to", "minAmount", "maxAmount", "policy", "lot"] as const;
const LIST_PARAMS = ["flagged", "reasons", "types"] as const;

/** Turns `/api/<kind>?…` parameters into a query (amounts in base units). */
function queryOf(kind: string, params: URLSearchParams): TraceQuery {
  if (!(QUERY_KINDS as readonly string[]).includes(kind)) throw new HttpError(404, "not-found", `no query "${kind}": use ${QUERY_KINDS.join(", ")}`);
  const q: Record<string, unknown> = { kind };
  for (const name of INTEGER_PARAMS) {
    const v = params.get(name);
    if (v === null || v === "") continue;
    if (!/^\d+$/.test(v)) throw new HttpError(400, "bad-parameter", `${name} must be a whole number, got "${v}"`);
    q[name] = Number(v);
  }
  for (const name of STRING_PARAMS) {
    const v = params.get(name);
    if (v !== null && v !== "") q[name] = v;
  }
  for (const name of LIST_PARAMS) {
    const v = params.get(name);
    if (v !== null && v !== "") q[name] = v.split(",").map((s) => s.trim()).filter((s) => s !== "");
  }
  if ((kind === "forward" || kind === "backward" || kind === "path") && q.hops === undefined) q.hops = 3;
  if (kind === "provenance" && q.policy === undefined) q.policy = "fifo";
  if (kind === "exposure" && q.policy === undefined) q.policy = "haircut";
  return q as unknown as TraceQuery;
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new HttpError(413, "too-large", "request body over 1 MB");
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "bad-json", "the request body is not JSON");
  }
}

/**
 * The analyst's HTTP API and web page over an index.
 *
 * - `GET /` the analyst page (flow graph, lot provenance); `GET /app.js` its script. No token needed to load
 *   them; every `/api` call needs `Authorization: Bearer <token>`.
 * - `GET /api/status`; `GET /api/<forward|backward|path|provenance|exposure|alerts|asof>?…&format=json|csv|graphml`
 *   (parameters as in {@link TraceQuery}; exposure adds the index's flag list to `flagged`);
 *   `POST /api/evidence` `{ query }` → an evidence pack; `GET /api/flags`. All roles.
 * - `PUT /api/flags/<wallet>` `{ reason }` and `DELETE /api/flags/<wallet>`: the admin role only; the analyst
 *   role is read-only.
 *
 * Errors are `{ error: { code, message } }` with 400 (bad input, naming the rule), 401 (no or unknown token),
 * 403 (role), 404; never a stack trace. The trace model is reloaded when the index moves.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { store } = options;
  const tokens = () => (typeof options.tokens === "function" ? options.tokens() : options.tokens);
  let cached: { block: number; model: Promise<TraceModel> } | null = null;
  const model = async (): Promise<TraceModel> => {
    const position = await store.position();
    if (position === null) throw new HttpError(503, "empty-index", "the index is empty: run `goods-ledger index` first");
    if (cached === null || cached.block !== position.block) {
      const loading = loadModel(store, { toBlock: position.block });
      cached = { block: position.block, model: loading };
      loading.catch(() => {
        if (cached?.model === loading) cached = null;
      });
    }
    return cached.model;
  };

  const send = (res: ServerResponse, status: number, type: string, payload: string) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
    res.end(payload);
  };
  const json = (res: ServerResponse, status: number, value: unknown) => send(res, status, "application/json", `${JSON.stringify(plain(value))}\n`);

  const caller = (req: IncomingMessage): TokenEntry => {
    const header = req.headers.authorization ?? "";
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (m === null) throw new HttpError(401, "unauthorized", "missing bearer token: send Authorization: Bearer <token>");
    const entry = authenticate(tokens(), m[1]!);
    if (entry === null) throw new HttpError(401, "unauthorized", "unknown token");
    return entry;
  };
  const need = (who: TokenEntry, role: Role, what: string) => {
    if (role === "admin" && who.role !== "admin") throw new HttpError(403, "forbidden", `the ${who.role} role is read-only: ${what} needs the admin role`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    if (req.method === "GET" && path in STATIC) {
      const s = STATIC[path]!;
      return send(res, 200, s.type, readFileSync(`${PUBLIC}${s.file}`, "utf8"));
    }
    if (req.method === "GET" && Object.hasOwn(VENDOR, path)) return send(res, 200, "text/javascript; charset=utf-8", readFileSync(VENDOR[path]!, "utf8"));
    if (!path.startsWith("/api/")) throw new HttpError(404, "not-found", `nothing at ${path}`);
    const who = caller(req);
    const route = path.slice("/api/".length);
    if (route === "status" && req.method === "GET") {
      const [position, counts] = await Promise.all([store.position(), store.counts()]);
      return json(res, 200, { position, counts, store: store.kind, role: who.role, name: who.name });
    }
    if (route === "flags" && req.method === "GET") return json(res, 200, { flags: await store.flags() });
    const named = req.method === "GET" ? labelsRoute(route, options.labels) : undefined;
    if (named !== undefined) return json(res, 200, named);
    const flag = /^flags\/([^/]+)$/.exec(route);
    if (flag !== null && (req.method === "PUT" || req.method === "DELETE")) {
      need(who, "admin", req.method === "PUT" ? "flagging a wallet" : "unflagging a wallet");
      let wallet;
      try {
        wallet = toAddress(decodeURIComponent(flag[1]!));
      } catch (error) {
        throw new HttpError(400, "malformed-address", (error as Error).message);
      }
      if (req.method === "DELETE") return json(res, 200, { wallet, removed: await store.removeFlag(wallet) });
      const { reason } = (await body(req)) as { reason?: unknown };
      if (typeof reason !== "string" || reason.trim() === "") throw new HttpError(400, "bad-parameter", "a flag needs a reason (JSON body { \"reason\": \"…\" })");
      const entry = { wallet, reason: `${reason} (by ${who.name})`, createdAt: new Date().toISOString() };
      await store.setFlag(entry);
      return json(res, 200, entry);
    }
    if (route === "evidence/verify" && req.method === "POST") {
      const { pack } = (await body(req)) as { pack?: EvidencePack };
      if (pack === null || typeof pack !== "object") throw new HttpError(400, "bad-parameter", "POST /api/evidence/verify takes { \"pack\": { \"format\": … } }");
      return json(res, 200, await verifyPackInStore(pack, store));
    }
    if (route === "evidence" && req.method === "POST") {
      const { query } = (await body(req)) as { query?: TraceQuery };
      if (query === undefined || typeof query !== "object") throw new HttpError(400, "bad-parameter", "POST /api/evidence takes { \"query\": { \"kind\": … } }");
      const m = await model();
      const deployment = await indexedDeployment(store);
      if (deployment === null) throw new HttpError(503, "empty-index", "the index has no deployment recorded: run `goods-ledger index` first");
      return json(res, 200, buildPack({ query, answer: runQuery(m, query), model: m, chain: deployment, code: options.code }));
    }
    if (req.method !== "GET") throw new HttpError(405, "method-not-allowed", `${req.method} ${path} is not allowed`);
    const query = queryOf(route, url.searchParams);
    if (query.kind === "exposure") query.flagged = [...new Set([...(await store.flags()).map((f) => f.wallet), ...(query.flagged ?? [])])];
    const answer = runQuery(await model(), query);
    const format = url.searchParams.get("format") ?? "json";
    if (!(format in FORMAT_TYPES)) throw new HttpError(400, "bad-parameter", `unknown format "${format}": use json, csv or graphml`);
    if (format === "json") return json(res, 200, { kind: answer.kind, result: answer.result });
    return send(res, 200, FORMAT_TYPES[format]!, exportResult(answer, format));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return json(res, error.status, { error: { code: error.code, message: error.message } });
      if (error instanceof TraceInputError) return json(res, 400, { error: { code: error.code, message: error.message } });
      process.stderr.write(`goods-ledger serve: ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}\n`);
      return json(res, 500, { error: { code: "internal", message: "internal error (logged on the server)" } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${address.port}`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
