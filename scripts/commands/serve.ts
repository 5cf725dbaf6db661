/**
 * `goods-ledger serve`: the analyst's HTTP API and web page over the index, with bearer tokens and a read-only
 * analyst role; `serve token add|list` manages the tokens (only their hashes are stored).
 */
import { Option, type Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROLES, addToken, readTokens, type Role } from "../../src/server/auth.js";
import { startServer } from "../../src/server/server.js";
import type { CliContext } from "../lib/context.js";
import { CliError, invalidInput } from "../lib/errors.js";
import { examples } from "../lib/options.js";
import { table } from "../lib/output.js";
import { projectRootDir } from "../lib/paths.js";
import { parseInteger } from "../lib/validate.js";
import { codeVersion, openIndex, storeOption } from "./index.js";

const tokensOption = () =>
  new Option("--tokens <file>", "the tokens file (hashes only; default .data/serve-tokens.json)").env("GOODS_LEDGER_TOKENS").default(join(projectRootDir, ".data", "serve-tokens.json"));

function tokensOf(file: string) {
  try {
    return readTokens(file);
  } catch (error) {
    throw new CliError((error as Error).message, { code: "bad-tokens-file" });
  }
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
    .addOption(tokensOption())
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .addOption(new Option("--port <n>", "port (0 = any free one)").argParser(parseInteger("--port", 0, 65_535)).default(8600))
    .option("--lot-labels <file>", "lot labels the page shows instead of lot ids: one label a line, as issued (e.g. WR-NBO-0001)")
    .option("--symbol <symbol>", "the token's symbol, shown with amounts on the page", "GNGN")
    .addHelpText("after", `
The page is at the root URL; every /api call needs "Authorization: Bearer <token>". The analyst role reads
(queries, exports, evidence packs); the admin role may also change the flag list. Keep the index fresh with
\`goods-ledger index --follow\` in another process: the server reloads when the index moves.
${examples("serve token add alice --role analyst", "serve --port 8600", "serve --lot-labels lots.txt --symbol GNGN", "serve --store postgres://reader@db.bank.example/ledger --host 0.0.0.0")}`)
    .action(async (o: { store?: string; tokens: string; host: string; port: number; lotLabels?: string; symbol: string }) => {
      if (tokensOf(o.tokens).tokens.length === 0) {
        throw new CliError(`no API tokens in ${o.tokens}: create one with \`goods-ledger serve token add <name> --role analyst\``, { code: "no-tokens" });
      }
      const labels = { token: { symbol: o.symbol, decimals: 6 }, lots: lotLabelsOf(o.lotLabels) };
      const store = await openIndex(ctx, o.store);
      const running = await startServer({
        store, host: o.host, port: o.port, tokens: () => tokensOf(o.tokens), code: codeVersion(ctx.version),
        labels,
      }).catch(async (error: unknown) => {
        await store.close();
        throw new CliError(`cannot listen on ${o.host}:${o.port}: ${(error as Error).message}`, { code: "port-in-use" });
      });
      ctx.out.result({ url: running.url, store: store.location }, [`analyst page and API on ${running.url} (index: ${store.location}); Ctrl-C to stop`]);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await running.close();
      await store.close();
    });

  const token = serve.command("token").description("manage API tokens (in serve's --tokens file)");
  token
    .command("add <name>")
    .description("create a token; it is printed once, and only its sha256 is stored (in serve's --tokens file)")
    .addOption(new Option("--role <role>", ROLES.join(" or ")).default("analyst"))
    .addHelpText("after", examples("serve token add alice --role analyst", "serve token add ops --role admin --json"))
    .action((name: string, _o: unknown, command: Command) => {
      const o = command.optsWithGlobals<{ tokens: string; role: string }>();
      if (!(ROLES as readonly string[]).includes(o.role)) throw invalidInput("--role", `"${o.role}" is not a role (${ROLES.join(", ")})`);
      let secret: string;
      try {
        secret = addToken(o.tokens, name, o.role as Role);
      } catch (error) {
        throw new CliError((error as Error).message, { code: "token-exists" });
      }
      ctx.out.result({ name, role: o.role, token: secret, file: o.tokens }, [`token for ${name} (${o.role}), shown only now:`, secret]);
    });
  token
    .command("list")
    .description("list the tokens (names and roles; the tokens themselves are not stored)")
    .addHelpText("after", examples("serve token list", "serve token list --json"))
    .action((_o: unknown, command: Command) => {
      const o = command.optsWithGlobals<{ tokens: string }>();
      const { tokens } = tokensOf(o.tokens);
      ctx.out.result(
        { tokens: tokens.map(({ name, role, createdAt }) => ({ name, role, createdAt })) },
        tokens.length === 0 ? `no tokens in ${o.tokens}` : table([["name", "role", "created"], ...tokens.map((t) => [t.name, t.role, t.createdAt])]),
      );
    });
}
