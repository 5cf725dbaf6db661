/**
 * `goods-ledger history`: a wallet's movements, read from the chain's logs.
 */
import type { Command } from "commander";
import type { Address } from "viem";
import { fromBytes32 } from "@goods-ledger/sdk";
import type { CliContext } from "../lib/context.js";
import { walletHistory } from "../lib/history.js";
import { examples } from "../lib/options.js";
import { money, table } from "../lib/output.js";
import { parseAddress, parseInteger } from "../lib/validate.js";

/** Registers `history`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("history")
    .description("a wallet's movements (issues, payments, transfers, seizures, redemptions), newest last")
    .argument("<address>", "the wallet", parseAddress)
    .option("--limit <n>", "how many movements", parseInteger("limit", 1, 10_000), 20)
    .addHelpText("after", examples("history 0x7099…79C8", "history 0x7099…79C8 --limit 100 --json"))
    .action(async (account: Address, o: { limit: number }) => {
      const client = await ctx.reader();
      const entries = await walletHistory(client, account, BigInt(ctx.deployment().startBlock), o.limit);
      const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;
      ctx.out.result(
        { account, entries },
        entries.length === 0
          ? `no movements for ${account}`
          : table([
              ["time (UTC)", "block", "kind", "amount", "counterparty", "lot / reference", "tx"],
              ...entries.map((e) => [
                e.time.slice(0, 19).replace("T", " "),
                String(e.block),
                e.kind,
                `${e.direction === "in" ? "+" : "-"}${money(e.amount)}`,
                e.kind === "issue" || e.kind === "redeem" ? "-" : short(e.counterparty),
                e.lot ? short(e.lot) : e.reference ? fromBytes32(e.reference) : "",
                short(e.tx),
              ]),
            ]),
      );
    });
}
