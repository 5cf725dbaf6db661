/**
 * `goods-ledger serve`: the analyst's HTTP(S) API and web page over the index, with bearer tokens and a read-only
 * analyst role; `serve token add|list|revoke` manages the tokens (only their hashes are stored).
 */
import { Option, type Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { JsonRpc } from "../../src/indexer/rpc.js";
import { ROLES, addToken, readTokens, revokeToken, type Role } from "../../src/server/auth.js";
import { headReader } from "../../src/indexer/metrics.js";
import { ServerMetrics } from "../../src/server/metrics.js";
import { SERVER_DEFAULTS, startServer } from "../../src/server/server.js";
import type { CliContext } from "../lib/context.js";
import { CliError, invalidInput } from "../lib/errors.js";
import { addMetricsOptions, startMetricsEndpoint, type MetricsCliOptions } from "../lib/metrics.js";
import { examples } from "../lib/options.js";
import { table } from "../lib/output.js";
import { projectRootDir } from "../lib/paths.js";
import { parseInteger } from "../lib/validate.js";
import { codeVersion, openIndex, snapshotOption, snapshotPathOf, storeOption } from "./index.js";

const tokensOption = () =>
  new Option("--tokens <file>", "the tokens file (hashes only; default .data/serve-tokens.json)").env("GOODS_LEDGER_TOKENS").default(join(projectRootDir, ".data", "serve-tokens.json"));

function tokensOf(file: string) {
  try {
    return readTokens(file);
  } catch (error) {
    throw new CliError((error as Error).message, { code: "bad-tokens-file" });
  }
}

/** Whether a --host value binds only the loopback interface. */
export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1" || host === "[::1]";
}

/** Reads `--institutions FILE`: `{ "<institution id>": "<name>" }`. */
function institutionsOf(file: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw invalidInput("--institutions", `cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw) || Object.entries(raw).some(([k, v]) => !/^\d+$/.test(k) || typeof v !== "string")) {
    throw invalidInput("--institutions", `${file} must map institution ids to names: { "1": "Amani Bank" }`);
  }
  return raw as Record<string, string>;
}

/** Parses `--expires`: an ISO date or a duration in days (`30d`) or hours (`12h`). */
function expiryOf(value: string, now = Date.now()): Date {
  const d = /^(\d{1,5})([dh])$/.exec(value.trim());
  const at = d !== null ? new Date(now + Number(d[1]) * (d[2] === "d" ? 86_400_000 : 3_600_000)) : new Date(value);
  if (Number.isNaN(at.getTime()) || at.getTime() <= now) throw invalidInput("--expires", `"${value}" is not a future date or a duration like 30d or 12h`);
  return at;
}

interface ServeOptions extends MetricsCliOptions {
  store?: string;
  /** A path, or false for --no-snapshot. */
  snapshot?: string | false;
  tokens: string;
  host: string;
  port: number;
  tlsCert?: string;
  tlsKey?: string;
  insecureHttp?: boolean;
  institutions?: string;
  deadlineMs: number;
  workers: number;
  rate: number;
  maxInFlight: number;
  maxScanTransfers: number;
  readyLag: number;
  lotLabels?: string;
  symbol: string;
}

/** Lot labels for the page (`--lot-labels FILE`): one label a line, as issued (the lot id is keccak256 of it). */
function lotLabelsOf(file: string | undefined): string[] | undefined {
  if (file === undefined) return undefined;
  if (!existsSync(file)) throw new CliError(`no lot labels file at ${file}`, { code: "bad-lot-labels-file" });
  return readFileSync(file, "utf8").split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}

/** Registers `serve`. */
export function register(program: Command, ctx: CliContext): void {
  const serve = program
    .command("serve")
    .description("serve the analyst HTTP API and web page (flow graph, lot provenance) over the index; bearer tokens, read-only analyst role")
    .addOption(storeOption())
    .addOption(snapshotOption())
    .option("--no-snapshot", "build the trace model from the index's rows (no snapshot)")
    .addOption(tokensOption())
    .option("--host <host>", "interface to listen on (a non-loopback one needs --tls-cert/--tls-key, or --insecure-http behind a TLS proxy)", "127.0.0.1")
    .addOption(new Option("--port <n>", "port (0 = any free one)").argParser(parseInteger("--port", 0, 65_535)).default(8600))
    .option("--tls-cert <file>", "PEM certificate (chain): serve HTTPS")
    .option("--tls-key <file>", "PEM private key of --tls-cert")
    .option("--insecure-http", "allow plain HTTP on a non-loopback --host (only behind a TLS-terminating reverse proxy)")
    .option("--institutions <file>", "JSON mapping institution ids to names for the page: { \"1\": \"Amani Bank\" }")
    .option("--lot-labels <file>", "lot labels the page shows instead of lot ids: one label a line, as issued (e.g. WR-NBO-0001)")
    .option("--symbol <symbol>", "the token's symbol, shown with amounts on the page", "GLT")
    .addOption(new Option("--deadline-ms <ms>", "a query running longer is stopped (504)").argParser(parseInteger("--deadline-ms", 100, 600_000)).default(SERVER_DEFAULTS.deadlineMs))
    .addOption(new Option("--workers <n>", "query worker threads (each holds the trace model)").argParser(parseInteger("--workers", 1, 64)).default(SERVER_DEFAULTS.workers))
    .addOption(new Option("--rate <n>", "requests per second per token (burst: twice that)").argParser(parseInteger("--rate", 1, 100_000)).default(SERVER_DEFAULTS.limits.ratePerSecond))
    .addOption(new Option("--max-in-flight <n>", "queries per token waiting or running at once").argParser(parseInteger("--max-in-flight", 1, 1_000)).default(SERVER_DEFAULTS.limits.maxInFlight))
    .addOption(new Option("--max-scan-transfers <n>", "refuse an all-wallet alerts scan over more transfers").argParser(parseInteger("--max-scan-transfers", 0, 1e12)).default(SERVER_DEFAULTS.maxScanTransfers))
    .addOption(new Option("--ready-lag <blocks>", "/readyz wants the index within this many blocks of the chain head").argParser(parseInteger("--ready-lag", 0, 1e9)).default(SERVER_DEFAULTS.readyLagBlocks));
  addMetricsOptions(serve)
    .addHelpText("after", `
The page is at the root URL; every /api call needs "Authorization: Bearer <token>" (the API is described at
/api/openapi.json). The analyst role reads (queries, exports, evidence packs); the admin role may also change
the flag list. /healthz and /readyz need no token. Keep the index fresh with \`goods-ledger index --follow\` in
another process: the server follows when the index moves.

Loopback only by default. To serve a network, give a certificate (HTTPS), or run behind a TLS-terminating
reverse proxy on the same host and keep --host 127.0.0.1 (see the README, "Serving a network").
${examples("serve token add alice --role analyst --expires 30d", "serve --port 8600", "serve --metrics-port 9600   # Prometheus: http://127.0.0.1:9600/metrics", "serve --lot-labels lots.txt --symbol GNGN --institutions institutions.json", "serve --store postgres://reader@db.bank.example/ledger --host 10.0.0.5 --tls-cert cert.pem --tls-key key.pem", "serve token revoke alice")}`)
    .action(async (o: ServeOptions) => {
      if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw invalidInput(o.tlsCert === undefined ? "--tls-cert" : "--tls-key", "HTTPS needs both --tls-cert and --tls-key");
      if (!isLoopback(o.host) && o.tlsCert === undefined && o.insecureHttp !== true) {
        throw new CliError(`refusing plain HTTP on ${o.host}, which is not loopback: bearer tokens would cross the network in cleartext. Give --tls-cert and --tls-key, or put a TLS-terminating reverse proxy in front and add --insecure-http`, { code: "insecure-bind" });
      }
      let tls: { cert: Buffer; key: Buffer } | undefined;
      if (o.tlsCert !== undefined) {
        try {
          tls = { cert: readFileSync(o.tlsCert), key: readFileSync(o.tlsKey!) };
        } catch (error) {
          throw invalidInput("--tls-cert", `cannot read the certificate or key: ${(error as Error).message}`);
        }
      }
      const institutions = o.institutions === undefined ? undefined : institutionsOf(o.institutions);
      const labels = { token: { symbol: o.symbol, decimals: 6 }, lots: lotLabelsOf(o.lotLabels), institutions };
      if (tokensOf(o.tokens).tokens.length === 0) {
        throw new CliError(`no API tokens in ${o.tokens}: create one with \`goods-ledger serve token add <name> --role analyst\``, { code: "no-tokens" });
      }
      const store = await openIndex(ctx, o.store, { mustExist: true });
      let rpc: JsonRpc | null = null;
      try {
        rpc = new JsonRpc(ctx.rpcUrl());
      } catch {
        rpc = null; // no node known: /readyz does not check the lag
      }
      const head = rpc === null ? undefined : headReader(rpc);
      const metrics = new ServerMetrics({ store, head, readyLagBlocks: o.readyLag });
      const running = await startServer({
        store, storeSpec: o.store ?? join(projectRootDir, ".data", "index", ctx.options.network), snapshot: snapshotPathOf(store, o.snapshot),
        host: o.host, port: o.port, tls, tokens: () => tokensOf(o.tokens), code: codeVersion(ctx.version),
        labels,
        deadlineMs: o.deadlineMs, workers: o.workers, maxScanTransfers: o.maxScanTransfers, readyLagBlocks: o.readyLag,
        limits: { ratePerSecond: o.rate, burst: 2 * o.rate, maxInFlight: o.maxInFlight },
        head: rpc === null ? undefined : async () => Number.parseInt(await rpc.call<string>("eth_blockNumber"), 16),
        metrics,
      }).catch(async (error: unknown) => {
        await store.close();
        throw new CliError(`cannot listen on ${o.host}:${o.port}: ${(error as Error).message}`, { code: "port-in-use" });
      });
      const endpoint = await startMetricsEndpoint(metrics, o).catch(async (error: unknown) => {
        await running.close();
        await store.close();
        throw error;
      });
      ctx.out.result(
        { url: running.url, store: store.location, metricsUrl: endpoint === null ? null : `${endpoint.url}/metrics`, pid: process.pid },
        [`analyst page and API on ${running.url} (index: ${store.location}); Ctrl-C to stop`, ...(endpoint === null ? [] : [`metrics on ${endpoint.url}/metrics`])],
      );
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await endpoint?.close();
      await running.close();
      await store.close();
    });

  const token = serve.command("token").description("manage API tokens (in serve's --tokens file)");
  token
    .command("add <name>")
    .description("create a token; it is printed once, and only its sha256 is stored (in serve's --tokens file)")
    .addOption(new Option("--role <role>", ROLES.join(" or ")).default("analyst"))
    .option("--expires <when>", "when the token stops working: an ISO date, or a duration like 30d or 12h (default: never)")
    .addHelpText("after", examples("serve token add alice --role analyst --expires 90d", "serve token add ops --role admin --json"))
    .action((name: string, _o: unknown, command: Command) => {
      const o = command.optsWithGlobals<{ tokens: string; role: string; expires?: string }>();
      if (!(ROLES as readonly string[]).includes(o.role)) throw invalidInput("--role", `"${o.role}" is not a role (${ROLES.join(", ")})`);
      const expiresAt = o.expires === undefined ? undefined : expiryOf(o.expires);
      let secret: string;
      try {
        secret = addToken(o.tokens, name, o.role as Role, expiresAt);
      } catch (error) {
        throw new CliError((error as Error).message, { code: "token-exists" });
      }
      const until = expiresAt === undefined ? "" : `, until ${expiresAt.toISOString()}`;
      ctx.out.result({ name, role: o.role, token: secret, file: o.tokens, expiresAt: expiresAt?.toISOString() ?? null }, [`token for ${name} (${o.role}${until}), shown only now:`, secret]);
    });
  token
    .command("revoke <name>")
    .description("revoke a token: the server refuses it from the next request on")
    .addHelpText("after", examples("serve token revoke alice"))
    .action((name: string, _o: unknown, command: Command) => {
      const o = command.optsWithGlobals<{ tokens: string }>();
      try {
        revokeToken(o.tokens, name);
      } catch (error) {
        throw new CliError((error as Error).message, { code: "unknown-token" });
      }
      ctx.out.result({ name, revoked: true, file: o.tokens }, `token ${name} revoked`);
    });
  token
    .command("list")
    .description("list the tokens (names and roles; the tokens themselves are not stored)")
    .addHelpText("after", examples("serve token list", "serve token list --json"))
    .action((_o: unknown, command: Command) => {
      const o = command.optsWithGlobals<{ tokens: string }>();
      const { tokens } = tokensOf(o.tokens);
      ctx.out.result(
        { tokens: tokens.map(({ name, role, createdAt, expiresAt }) => ({ name, role, createdAt, expiresAt: expiresAt ?? null })) },
        tokens.length === 0 ? `no tokens in ${o.tokens}` : table([["name", "role", "created", "expires"], ...tokens.map((t) => [t.name, t.role, t.createdAt, t.expiresAt ?? "never"])]),
      );
    });
}
