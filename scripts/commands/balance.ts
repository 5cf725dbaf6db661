/**
 * `goods-ledger balance` and `goods-ledger limits`: what a wallet holds, the tier table, what is left today.
 */
import { InvalidArgumentError, type Command } from "commander";
import type { Address } from "viem";
import { getBalance, getTokenMetadata, type Limit } from "@goods-ledger/sdk";
import type { CliContext } from "../lib/context.js";
import { examples, fromOption } from "../lib/options.js";
import { money, table } from "../lib/output.js";
import { parseAddress, parseAmountArg } from "../lib/validate.js";
import { parseTier } from "../lib/wallet-csv.js";

/** Registers `balance` and `limits`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("balance")
    .description("a wallet's token balance")
    .argument("<address>", "the wallet", parseAddress)
    .addHelpText("after", examples("balance 0x7099…79C8", "balance 0x7099…79C8 --json"))
    .action(async (account: Address) => {
      const [balance, { symbol }] = await ctx.read((client) => Promise.all([getBalance(client, { account }), getTokenMetadata(client)]));
      ctx.out.result({ account, balance, symbol }, `${money(balance, symbol)}`);
    });

  const limits = program
    .command("limits")
    .description("the tier table; with an address, what that wallet may still send today")
    .argument("[address]", "a wallet", parseAddress)
    .addHelpText("after", examples("limits", "limits 0x7099…79C8", "limits set 1 --max-balance 300000 --max-transfer 50000 --daily-outflow 100000"))
    .action(async (account: Address | undefined) => {
      const client = await ctx.reader();
      const { symbol } = await client.getTokenMetadata();
      const show = (limit: Limit) => (limit === null ? "unlimited" : money(limit, symbol));
      if (account !== undefined) {
        const today = await client.getLimitLeftToday({ account });
        ctx.out.result(today, [
          `${account}, tier ${today.tier}, UTC day ${today.day}:`,
          ...table([
            ["  balance", money(today.balance, symbol)],
            ["  spent today", money(today.spentToday, symbol)],
            ["  left today", show(today.leftToday)],
            ["  per transfer", show(today.maxTransfer)],
            ["  can send now", money(today.sendable, symbol)],
          ]),
        ]);
        return;
      }
      const all = await Promise.all(Array.from({ length: 256 }, (_, tier) => client.getTierLimits({ tier })));
      const tiers = all.filter((t) => t.configured);
      ctx.out.result(
        { tiers },
        tiers.length === 0
          ? "no tier has limits yet (the compliance officer sets them with `goods-ledger limits set`)"
          : table([
              ["tier", "max balance", "max transfer", "daily outflow"],
              ...tiers.map((t) => [String(t.tier), show(t.maxBalance), show(t.maxTransfer), show(t.dailyOutflow)]),
            ]),
      );
    });

  limits
    .command("set")
    .description("set a tier's limits (compliance); \"unlimited\" lifts one")
    .argument("<tier>", "the KYC tier", parseTier)
    .requiredOption("--max-balance <amount>", "largest balance a wallet of the tier may hold, or unlimited", parseLimit)
    .requiredOption("--max-transfer <amount>", "largest single transfer, or unlimited", parseLimit)
    .requiredOption("--daily-outflow <amount>", "most a wallet may send per UTC day, or unlimited", parseLimit)
    .addOption(fromOption("compliance"))
    .addHelpText("after", examples("limits set 1 --max-balance 300000 --max-transfer 50000 --daily-outflow 100000", "limits set 3 --max-balance unlimited --max-transfer unlimited --daily-outflow unlimited"))
    .action(async (tier: number, o: { maxBalance: string; maxTransfer: string; dailyOutflow: string; from?: string }) => {
      const { client } = await ctx.writer(o.from, "compliance");
      const limit = (value: string): Limit => (value === UNLIMITED ? null : value);
      const limits = { tier, maxBalance: limit(o.maxBalance), maxTransfer: limit(o.maxTransfer), dailyOutflow: limit(o.dailyOutflow) };
      const sent = await ctx.confirm(client, await client.setTierLimits(limits));
      const show = (value: string) => (value === UNLIMITED ? value : money(value));
      ctx.out.result(
        { ...limits, ...sent },
        `tier ${tier}: max balance ${show(o.maxBalance)}, max transfer ${show(o.maxTransfer)}, daily outflow ${show(o.dailyOutflow)} (tx ${sent.tx}, block ${sent.block})`,
      );
    });
}

const UNLIMITED = "unlimited";

/** Parses a limit: an amount, or "unlimited" (kept as the word: commander treats a parsed null as no value). */
function parseLimit(value: string): string {
  if (value === UNLIMITED) return value;
  try {
    return parseAmountArg(value);
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message} (or "unlimited")`);
  }
}
