/**
 * `goods-ledger trace …`: the analyst's queries over the index (forward, backward, path, provenance, exposure,
 * alerts, asof), exports (--json, --csv, --graphml, --out), evidence packs (--evidence) and their verification
 * against the chain (verify), and the analyst's flag list (flag, unflag, flags). Thin: parse, call
 * src/trace, print.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { extname } from "node:path";
import { Option, type Command } from "commander";
import { TOKEN_DECIMALS, formatAmount, parseAmount } from "@goods-ledger/sdk";
import { decodeCheckpoint } from "../../src/indexer/checkpoint.js";
import { indexedDeployment } from "../../src/indexer/sync.js";
import { toAddress } from "../../src/indexer/types.js";
import { lotIdOf } from "../../src/trace/asof.js";
import { ALERT_TYPES } from "../../src/trace/alerts.js";
import { EXPOSURE_POLICIES, SOURCE_REASONS } from "../../src/trace/exposure.js";
import { buildPack, verifyPack, type EvidencePack } from "../../src/trace/evidence.js";
import { exportResult, type ExportFormat } from "../../src/trace/export.js";
import { forPeople, loadLotLabels, saveLotLabels } from "../../src/trace/present.js";
import { DEFAULT_HUB_DEGREE, DEFAULT_MAX_EDGES, MAX_HOPS } from "../../src/trace/options.js";
import { PROVENANCE_POLICIES } from "../../src/trace/provenance.js";
import { queryBlock, runQuery, type QueryResult, type TraceParams, type TraceQuery } from "../../src/trace/query.js";
import { ensureBlockHeader } from "../../src/indexer/headers.js";
import type { TraceEdge } from "../../src/trace/trace.js";
import type { CliContext } from "../lib/context.js";
import { CliError, invalidInput } from "../lib/errors.js";
import { loadNetworkModel } from "../lib/migrate/model.js";
import { examples } from "../lib/options.js";
import { table } from "../lib/output.js";
import { parseExistingFile, parseInteger } from "../lib/validate.js";
import { codeVersion, openIndex, runIndexer, storeOption } from "./index.js";

interface OutputOptions {
  store?: string;
  csv?: boolean;
  graphml?: boolean;
  out?: string;
  evidence?: string;
}

interface WindowFlags {
  hops: number;
  minAmount?: string;
  maxAmount?: string;
  fromBlock?: number;
  toBlock?: number;
  fromTime?: number;
  toTime?: number;
  hubDegree?: number;
  maxEdges?: number;
}

const block = (name: string) => parseInteger(name, 0, Number.MAX_SAFE_INTEGER);
const fmt = (v: bigint | string) => formatAmount(BigInt(v), TOKEN_DECIMALS);
const short = (a: string) => `${a.slice(0, 8)}…${a.slice(-4)}`;
/** A party of a transfer as people read it: the zero address is never a wallet (mint / burn). */
const party = (a: string, side: "from" | "to") => (/^0x0{40}$/.test(a) ? (side === "from" ? "(mint)" : "(burn)") : short(a));
/** A transfer id as people read (and may type) it: block.tx.log. */
const tid = (checkpoint: string) => {
  const p = decodeCheckpoint(checkpoint);
  return `${p.block}.${p.txIndex}.${p.logIndex}`;
};

function parseTime(name: string) {
  return (value: string): number => {
    if (/^\d+$/.test(value)) return Number(value);
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw invalidInput(name, `"${value}" is neither unix seconds nor an ISO date`);
    return Math.floor(ms / 1000);
  };
}

function baseUnits(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return parseAmount(value, TOKEN_DECIMALS).toString();
  } catch (error) {
    throw invalidInput(name, (error as { shortMessage?: string }).shortMessage ?? (error as Error).message);
  }
}

function addOutputOptions(c: Command): Command {
  return c
    .addOption(storeOption())
    .option("--csv", "print CSV instead of text")
    .option("--graphml", "print GraphML (wallets as nodes, transfers as edges)")
    .option("--out <file>", "write the export to a file (format from --csv/--graphml or the extension; JSON otherwise)")
    .option("--evidence <file>", "also write an evidence pack: query, policy, block number and hash, code version, results, sha256");
}

function addWindowOptions(c: Command): Command {
  return c
    .addOption(new Option("-k, --hops <n>", `hops to follow, 1–${MAX_HOPS}`).argParser(parseInteger("--hops", 0, 1_000)).default(3))
    .option("--min-amount <amount>", "follow only transfers of at least this much (token units, e.g. 100.50)")
    .option("--max-amount <amount>", "follow only transfers of at most this much")
    .addOption(new Option("--from-block <n>", "first block of the window").argParser(block("--from-block")))
    .addOption(new Option("--to-block <n>", "last block of the window").argParser(block("--to-block")))
    .addOption(new Option("--from-time <time>", "window start: unix seconds or ISO date").argParser(parseTime("--from-time")))
    .addOption(new Option("--to-time <time>", "window end: unix seconds or ISO date").argParser(parseTime("--to-time")))
    .addOption(new Option("--hub-degree <n>", `do not follow wallets touched by more transfers than this (default ${DEFAULT_HUB_DEGREE})`).argParser(parseInteger("--hub-degree", 1, Number.MAX_SAFE_INTEGER)))
    .addOption(new Option("--max-edges <n>", `return at most this many transfers (default ${DEFAULT_MAX_EDGES})`).argParser(parseInteger("--max-edges", 1, Number.MAX_SAFE_INTEGER)));
}

function traceParams(o: WindowFlags): TraceParams {
  return {
    hops: o.hops, hubDegree: o.hubDegree, maxEdges: o.maxEdges, fromBlock: o.fromBlock, toBlock: o.toBlock, fromTime: o.fromTime, toTime: o.toTime,
    minAmount: baseUnits("--min-amount", o.minAmount), maxAmount: baseUnits("--max-amount", o.maxAmount),
  };
}

/** Lot labels the index knows (`trace label`, or a label used in `trace asof --lot`): id → label. */
let lotLabels = new Map<string, string>();
/** A lot as people read it: its label where one is known, else its id shortened. */
const lotName = (id: string | null, full = false) => (id === null ? "" : lotLabels.get(id) ?? (full ? id : short(id)));

const loadLabels = loadLotLabels;
const saveLabels = saveLotLabels;

function edgeRows(edges: readonly TraceEdge[], withPath = false): string[] {
  return table([
    ["hop", "transfer", "from", "to", "amount", "kind", "lot", "recipient then", ...(withPath ? ["path"] : [])],
    ...edges.map((e) => [
      String(e.hop), tid(e.id), party(e.from, "from"), party(e.to, "to"), `${fmt(e.amount)}${e.zeroValue ? " (zero-value)" : ""}`, e.kind, lotName(e.lot),
      `${e.toState.status}${e.toState.denylisted ? ", denylisted" : ""}`, ...(withPath ? [String((e as TraceEdge & { pathLength: number }).pathLength)] : []),
    ]),
  ]);
}

/** The human text of a query result. */
function human(a: QueryResult): string[] {
  switch (a.kind) {
    case "forward":
    case "backward": {
      const r = a.result;
      const hubs = r.wallets.filter((w) => w.hub).length;
      return [
        `${r.edges.length} transfer(s) ${a.kind === "forward" ? "out of" : "into"} ${"wallet" in r.start ? r.start.wallet : `transfer ${r.start.transfer}`} within ${r.options.hops} hop(s), ${r.wallets.length} wallet(s)${hubs > 0 ? ` (${hubs} hub(s) not followed)` : ""}, at block ${r.atBlock}${r.truncated ? ` — TRUNCATED at ${r.options.maxEdges} edges` : ""}`,
        ...edgeRows(r.edges),
      ];
    }
    case "path": {
      const r = a.result;
      if (r.shortest === null) return [`no time-respecting path from ${r.from} to ${r.to} within ${r.options.hops} hop(s) at block ${r.atBlock}`];
      return [
        `${r.edges.length} transfer(s) on paths from ${r.from} to ${r.to} within ${r.options.hops} hop(s); shortest ${r.shortest}${r.truncated ? " — TRUNCATED" : ""}`,
        `shortest: ${[r.example[0]!.from, ...r.example.map((e) => e.to)].map(short).join(" → ")}`,
        ...edgeRows(r.edges, true),
      ];
    }
    case "provenance": {
      const r = a.result;
      return [
        `lots behind ${r.wallet}'s balance of ${fmt(r.balance)} at block ${r.atBlock} (${r.policy}):`,
        ...table([["lot", "amount", "share", "lot status"], ...r.lots.map((l) => [l.lot === null ? "(no issue event)" : lotName(l.lot, true), fmt(l.amount), `${(l.share * 100).toFixed(2)}% (${l.shareFraction})`, `${l.status ?? ""}${l.expired === true ? ", expired" : l.expired === null ? ", expiry unknown" : ""}`])]),
        ...(r.timeNote === null ? [] : [`note: lot expiry unknown: ${r.timeNote}`]),
        `flows: issued ${fmt(r.flows.issued)}, received ${fmt(r.flows.received)}, sent ${fmt(r.flows.sent)}, redeemed ${fmt(r.flows.redeemed)}, seized in ${fmt(r.flows.seizedIn)} / out ${fmt(r.flows.seizedOut)}, recovered in ${fmt(r.flows.recoveredIn)} / out ${fmt(r.flows.recoveredOut)}`,
      ];
    }
    case "exposure": {
      const r = a.result;
      return [
        `${r.wallet} received ${fmt(r.inflow)}; ${fmt(r.exposed)} (${(r.share * 100).toFixed(2)}%) traces to ${r.bySource.length} source(s) under ${r.policy} (of ${r.sources.length} considered), at block ${r.atBlock}`,
        `direct ${fmt(r.direct)}, indirect ${fmt(r.indirect)}`,
        ...(r.byHops.length > 0 ? table([["hops", "amount"], ...r.byHops.map((h) => [String(h.hops), fmt(h.amount)])]) : []),
        ...(r.bySource.length > 0 ? table([["source", "why", "amount", "min hops"], ...r.bySource.map((s) => [s.source, s.reasons.join(", "), fmt(s.amount), String(s.minHops)])]) : []),
      ];
    }
    case "alerts":
      return a.result.length === 0
        ? ["no alerts"]
        : a.result.flatMap((x) => [
          `${x.type} · ${x.wallet ?? "ledger"} · at ${tid(x.at)}: ${x.summary}${x.evidence.length > 0 ? ` (${x.evidence.length} transfer(s))` : ""}`,
          ...x.evidence.map((e) => `    ${tid(e.id)}  ${party(e.from, "from")} → ${party(e.to, "to")}  ${fmt(e.amount)}`),
        ]);
    case "asof": {
      const r = a.result;
      const w = (label: string, x: { wallet: string; state: { status: string; denylisted: boolean; tier: number; role: string }; kycExpired: boolean | null; canMove: boolean | null }) =>
        `${label}${x.wallet}: ${x.state.status}${x.state.denylisted ? ", denylisted" : ""}, ${x.state.role}, tier ${x.state.tier}${x.kycExpired ? ", KYC expired" : ""}${x.canMove === null ? "" : x.canMove ? " (could move value)" : " (could NOT move value)"}`;
      if (r.kind === "wallet") return [w(`at block ${r.atBlock}, `, r.wallet), ...(r.wallet.timeNote === null ? [] : [`note: KYC expiry unknown: ${r.wallet.timeNote}`])];
      if (r.kind === "lot") {
        return [
          `at block ${r.atBlock}, lot ${lotLabels.has(r.lot) ? `${lotLabels.get(r.lot)} (${r.lot})` : r.lot}: ${r.state.status}, valuation ${fmt(r.state.valuation)}, redeemed ${fmt(r.state.redeemed)}, expires ${new Date(r.state.expiresAt * 1000).toISOString()}${r.expired === true ? " (expired then)" : ""}`,
          ...(r.timeNote === null ? [] : [`note: expiry unknown: ${r.timeNote}`]),
        ];
      }
      return [`transfer ${tid(r.transfer.id)} (${fmt(r.transfer.amount)}, ${r.transfer.kind}, block ${r.transfer.block}):`, w("  sender ", r.from), w("  recipient ", r.to)];
    }
  }
}

/** Loads the index, runs the query, prints or writes it, and writes the evidence pack when asked. */
async function answer(ctx: CliContext, query: TraceQuery, o: OutputOptions): Promise<void> {
  if (o.csv && o.graphml) throw invalidInput("--csv/--graphml", "choose one format");
  const store = await openIndex(ctx, o.store, { mustExist: true });
  try {
    // As-of facts use the queried block's own time: fetch its header when no event of it is indexed.
    const at = queryBlock(query);
    if (at !== undefined) {
      try {
        await ensureBlockHeader(store, ctx.options.rpcUrl ?? ctx.rpcUrl(), at);
      } catch {
        // No node configured: the answer then says the time is unknown, and why.
      }
    }
    const model = await runIndexer(() => loadNetworkModel(ctx, store));
    const result = await runIndexer(async () => runQuery(model, query));
    lotLabels = await loadLabels(store);
    if (query.kind === "asof" && query.lot !== undefined && result.kind === "asof" && result.result.kind === "lot" && !query.lot.startsWith("0x")) {
      // A label that resolved to an indexed lot: remember it, so outputs name the lot by it.
      lotLabels.set(result.result.lot, query.lot);
      await saveLabels(store, lotLabels);
    }
    let format: ExportFormat | null = o.csv ? "csv" : o.graphml ? "graphml" : null;
    if (o.out !== undefined && format === null) format = ({ ".csv": "csv", ".graphml": "graphml" } as Record<string, ExportFormat>)[extname(o.out)] ?? "json";
    const text = format === null ? null : await runIndexer(async () => exportResult(result, format!, { lotLabels }));
    const notes: string[] = [];
    const extra: Record<string, unknown> = {};
    if (o.out !== undefined) {
      writeFileSync(o.out, text!);
      notes.push(`wrote ${format} to ${o.out}`);
      extra.out = { file: o.out, format };
    }
    if (o.evidence !== undefined) {
      const deployment = await indexedDeployment(store);
      if (deployment === null) throw new CliError(`the index ${store.location} is empty: run \`goods-ledger index\` first`, { code: "empty-index" });
      const pack = await runIndexer(async () => buildPack({ query, answer: result, model, chain: deployment, code: codeVersion(ctx.version) }));
      writeFileSync(o.evidence, `${JSON.stringify(pack, null, 2)}\n`);
      notes.push(`wrote evidence pack ${o.evidence} (block ${pack.chain.block.number} ${pack.chain.block.hash}, sha256 ${pack.sha256})`);
      extra.evidence = { file: o.evidence, sha256: pack.sha256, block: pack.chain.block };
    }
    if (ctx.out.json) {
      // Base units as the engine computes them, each amount also in tokens, each lot with its label (O1, O2).
      ctx.out.result({ kind: result.kind, result: forPeople(result.result, { lotLabels }), ...extra });
    } else if (text !== null && o.out === undefined) {
      process.stdout.write(text);
    } else {
      ctx.out.result({}, [...(o.out === undefined ? human(result) : []), ...notes]);
    }
  } finally {
    await store.close();
  }
}

/** The start of a forward/backward trace: an address is a wallet, anything else a transfer id. */
function start(value: string): { wallet: string } | { transfer: string } {
  return /^0x[0-9a-fA-F]*$/.test(value) && value.length !== 66 ? { wallet: value } : { transfer: value };
}

/** Registers `trace`. */
export function register(program: Command, ctx: CliContext): void {
  const trace = program
    .command("trace")
    .description("analyst queries over the index: forward, backward, path, provenance, exposure, alerts, asof; verify an evidence pack")
    .addHelpText("after", "\nRun `goods-ledger index` first: every query reads the index, not the chain (except `trace verify`).");

  for (const direction of ["forward", "backward"] as const) {
    const c = trace
      .command(`${direction} <start>`)
      .description(`follow funds ${direction === "forward" ? "out of" : "into"} a wallet (address) or a transfer (block.tx.log, or txHash:logIndex), time-respecting`);
    addWindowOptions(addOutputOptions(c))
      .addHelpText("after", examples(`trace ${direction} 0xA11CE…0001 --hops 4 --min-amount 100`, `trace ${direction} 12.0.3 --graphml --out flow.graphml`))
      .action(async (s: string, o: WindowFlags & OutputOptions) => answer(ctx, { kind: direction, ...start(s), ...traceParams(o) }, o));
  }
  addWindowOptions(addOutputOptions(trace.command("path <from> <to>").description("every time-respecting path of transfers from one wallet to another within k hops")))
    .addHelpText("after", examples("trace path 0xA11CE… 0xB0B… --hops 6 --csv"))
    .action(async (from: string, to: string, o: WindowFlags & OutputOptions) => answer(ctx, { kind: "path", from, to, ...traceParams(o) }, o));

  addOutputOptions(trace.command("provenance <wallet>").description("which goods lots back a wallet's balance, and in what proportion"))
    .addOption(new Option("--policy <policy>", `${PROVENANCE_POLICIES.join(" or ")}`).default("fifo"))
    .addOption(new Option("--at-block <n>", "as of this block (default: the indexed head)").argParser(block("--at-block")))
    .addHelpText("after", examples("trace provenance 0xA11CE… --policy haircut"))
    .action(async (wallet: string, o: OutputOptions & { policy: string; atBlock?: number }) => answer(ctx, { kind: "provenance", wallet, policy: o.policy, atBlock: o.atBlock }, o));

  addOutputOptions(trace.command("exposure <wallet>").description("how much of a wallet's inflow traces back to flagged, frozen or denylisted wallets, by hops"))
    .addOption(new Option("--policy <policy>", `${EXPOSURE_POLICIES.join(", ")}`).default("haircut"))
    .option("--flagged <addresses>", "comma-separated wallets to treat as flagged, besides the index's flag list (`trace flag`)")
    .option("--sources <kinds>", `comma-separated source kinds: ${SOURCE_REASONS.join(",")} (default all)`)
    .addOption(new Option("--at-block <n>", "as of this block (default: the indexed head)").argParser(block("--at-block")))
    .addHelpText("after", examples("trace exposure 0xA11CE… --policy poison", "trace exposure 0xA11CE… --sources frozen,denylisted --evidence case-17.json"))
    .action(async (wallet: string, o: OutputOptions & { policy: string; flagged?: string; sources?: string; atBlock?: number }) => {
      // The index's flags count from the block each was set at; --flagged wallets from the start. A wallet
      // named twice (or both flagged and given) is listed once, from its earliest block.
      const byWallet = new Map<string, { wallet: string; block: number }>();
      const given = (o.flagged?.split(",").map((s) => s.trim()).filter((s) => s !== "") ?? []).map((wallet) => ({ wallet, block: 0 }));
      for (const f of [...(await flagList(ctx, o.store)), ...given]) {
        const key = f.wallet.toLowerCase();
        const seen = byWallet.get(key);
        if (seen === undefined || f.block < seen.block) byWallet.set(key, { wallet: key, block: f.block });
      }
      const flagged = [...byWallet.values()];
      await answer(ctx, { kind: "exposure", wallet, policy: o.policy, atBlock: o.atBlock, flagged, reasons: o.sources?.split(",").map((s) => s.trim()) }, o);
    });

  addOutputOptions(trace.command("alerts").description(`patterns with their evidence: ${ALERT_TYPES.join(", ")}`))
    .option("--wallet <address>", "only alerts about this wallet")
    .option("--types <types>", `comma-separated: ${ALERT_TYPES.join(",")} (default all)`)
    .option("--rule <rule=value>", "override a threshold, e.g. fanIn.minSenders=3 (repeatable)", (v: string, all: string[] = []) => [...all, v])
    .addOption(new Option("--at-block <n>", "only transfers up to this block").argParser(block("--at-block")))
    .addHelpText("after", examples("trace alerts --types structuring,fan-in", "trace alerts --wallet 0xA11CE… --rule passThrough.windowSeconds=600 --csv"))
    .action(async (o: OutputOptions & { wallet?: string; types?: string; rule?: string[]; atBlock?: number }) => {
      const rules: Record<string, Record<string, number | string>> = {};
      for (const r of o.rule ?? []) {
        const m = /^(\w+)\.(\w+)=(.+)$/.exec(r);
        if (m === null) throw invalidInput("--rule", `"${r}" is not rule.field=value (e.g. fanIn.minSenders=3)`);
        const [, rule, field, value] = m as unknown as [string, string, string, string];
        rules[rule] = { ...rules[rule], [field]: field === "minAmount" ? baseUnits("--rule velocity.minAmount", value)! : Number(value) };
      }
      await answer(ctx, { kind: "alerts", wallet: o.wallet, types: o.types?.split(",").map((s) => s.trim()), atBlock: o.atBlock, rules }, o);
    });

  addOutputOptions(trace.command("asof [wallet]").description("registry state as of a block: was the wallet active, frozen, denylisted? (or a transfer's parties, or a lot)"))
    .option("--transfer <id>", "both parties' records just before this transfer")
    .option("--lot <label|id>", "a lot's reserve record: its label (e.g. WR-0001) or its id (0x + 64 hex digits)")
    .addOption(new Option("--block <n>", "the block (default: the indexed head)").argParser(block("--block")))
    .addHelpText("after", examples("trace asof 0xA11CE… --block 120", "trace asof --transfer 12.0.3", "trace asof --lot WR-0001 --block 120"))
    .action(async (wallet: string | undefined, o: OutputOptions & { transfer?: string; lot?: string; block?: number }) =>
      answer(ctx, { kind: "asof", wallet, transfer: o.transfer, lot: o.lot, block: o.block }, o));

  trace
    .command("verify <pack>")
    .description("verify an evidence pack against the chain: digest, chain id, block hash, policy version, and the query re-run on the chain's history")
    .addOption(new Option("--store <dir|url>", "re-run on this index when it holds the pack's block (default: a fresh temporary index of the chain)"))
    .addHelpText("after", examples("trace verify case-17.json --rpc-url http://127.0.0.1:8545"))
    .action(async (file: string, o: { store?: string }) => {
      parseExistingFile(file);
      let pack: EvidencePack;
      try {
        pack = JSON.parse(readFileSync(file, "utf8")) as EvidencePack;
      } catch {
        throw invalidInput(file, "is not JSON");
      }
      const store = o.store === undefined ? undefined : await openIndex(ctx, o.store, { mustExist: true });
      try {
        const rpcUrl = ctx.options.rpcUrl ?? ctx.rpcUrl();
        const v = await runIndexer(() => verifyPack(pack, rpcUrl, { store }));
        ctx.out.result(v, [...v.checks.map((c) => `${c.ok ? "ok  " : "FAIL"} ${c.check}: ${c.detail}`), v.ok ? `${file}: verified` : `${file}: NOT verified`]);
        if (!v.ok) process.exitCode = 1;
      } finally {
        await store?.close();
      }
    });

  trace
    .command("label <labels...>")
    .description("teach the index lot labels (e.g. warehouse receipt numbers): outputs then name lots by label; the id is the label's keccak256")
    .addOption(storeOption())
    .addHelpText("after", examples("trace label WR-2026-0001 WR-2026-0002", "trace labels"))
    .action(async (labels: string[], o: { store?: string }) => {
      const store = await openIndex(ctx, o.store, { mustExist: true });
      try {
        const known = await loadLabels(store);
        const model = await runIndexer(() => loadNetworkModel(ctx, store));
        const added = labels.map((label) => ({ label, lot: lotIdOf(label), indexed: model.lotId.has(lotIdOf(label)) }));
        for (const a of added) known.set(a.lot, a.label);
        await saveLabels(store, known);
        ctx.out.result({ labels: added }, added.map((a) => `${a.label} = ${a.lot}${a.indexed ? "" : " (no such lot indexed yet)"}`));
      } finally {
        await store.close();
      }
    });
  trace
    .command("labels")
    .description("list the lot labels the index knows")
    .addOption(storeOption())
    .addHelpText("after", examples("trace labels", "trace labels --json"))
    .action(async (o: { store?: string }) => {
      const store = await openIndex(ctx, o.store, { mustExist: true });
      try {
        const known = [...(await loadLabels(store))].map(([lot, label]) => ({ label, lot }));
        ctx.out.result({ labels: known }, known.length === 0 ? "no lot labels" : table([["label", "lot"], ...known.map((k) => [k.label, k.lot])]));
      } finally {
        await store.close();
      }
    });

  trace
    .command("flag <wallet>")
    .description("add a wallet to the index's flag list (a taint source for exposure)")
    .addOption(storeOption())
    .requiredOption("--reason <text>", "why (e.g. a case number)")
    .addHelpText("after", examples('trace flag 0xA11CE… --reason "case 17: mule account"'))
    .action(async (wallet: string, o: { store?: string; reason: string }) => {
      const address = parseWallet(wallet);
      const store = await openIndex(ctx, o.store, { mustExist: true });
      try {
        // A flag counts from the block it is set at: the index's position now (rule F1).
        const block = (await store.position())?.block ?? 0;
        const flag = { wallet: address, reason: o.reason, createdAt: new Date().toISOString(), block };
        await store.setFlag(flag);
        ctx.out.result(flag, `flagged ${address} from block ${block}: ${o.reason}`);
      } finally {
        await store.close();
      }
    });
  trace
    .command("unflag <wallet>")
    .description("remove a wallet from the flag list")
    .addOption(storeOption())
    .addHelpText("after", examples("trace unflag 0xA11CE…"))
    .action(async (wallet: string, o: { store?: string }) => {
      const address = parseWallet(wallet);
      const store = await openIndex(ctx, o.store, { mustExist: true });
      try {
        const removed = await store.removeFlag(address);
        ctx.out.result({ wallet: address, removed }, removed ? `unflagged ${address}` : `${address} was not flagged`);
      } finally {
        await store.close();
      }
    });
  trace
    .command("flags")
    .description("list the flagged wallets")
    .addOption(storeOption())
    .addHelpText("after", examples("trace flags", "trace flags --json"))
    .action(async (o: { store?: string }) => {
      const store = await openIndex(ctx, o.store, { mustExist: true });
      try {
        const flags = await store.flags();
        ctx.out.result({ flags }, flags.length === 0 ? "no flagged wallets" : table([["wallet", "reason", "set at", "counts from block"], ...flags.map((f) => [f.wallet, f.reason, f.createdAt, String(f.block ?? 0)])]));
      } finally {
        await store.close();
      }
    });
}

function parseWallet(value: string) {
  try {
    return toAddress(value);
  } catch (error) {
    throw new CliError((error as Error).message, { code: "malformed-address" });
  }
}

async function flagList(ctx: CliContext, store: string | undefined): Promise<{ wallet: string; block: number }[]> {
  const s = await openIndex(ctx, store, { mustExist: true });
  try {
    return (await s.flags()).map((f) => ({ wallet: f.wallet, block: f.block ?? 0 }));
  } finally {
    await s.close();
  }
}
