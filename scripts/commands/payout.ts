/**
 * `goods-ledger payout FILE.csv --from KEY [--skip-failing]`: pay many recipients in one transaction (payroll,
 * bulk payouts). By default all or nothing (`batchTransfer`); with `--skip-failing`, a leg that fails a rule of
 * its own is skipped and every leg's outcome is reported (`batchTransferPartial`).
 */
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import type { Address } from "viem";
import { formatAmount, parseAmount, TOKEN_DECIMALS } from "@goods-ledger/sdk";
import type { CliContext } from "../lib/context.js";
import { invalidInput } from "../lib/errors.js";
import { parseCsv } from "../lib/csv.js";
import { examples, fromOption } from "../lib/options.js";
import { money, table } from "../lib/output.js";
import { parseExistingFile } from "../lib/validate.js";

/** Registers `payout`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("payout")
    .description("pay many recipients in one transaction from a CSV (to,amount); all or nothing, or --skip-failing")
    .argument("<file>", "CSV with the header to,amount (one leg a row, at most 500)", parseExistingFile)
    .option("--skip-failing", "skip a leg that fails a rule of its own (recipient frozen, over a limit, …) and report every leg")
    .addOption(fromOption().makeOptionMandatory())
    .addHelpText(
      "after",
      `
Every row is checked before anything is sent (address, amount more than 0). Without --skip-failing one failing
leg refuses the whole batch, naming its rule, and nothing is sent. With --skip-failing the good legs are paid and
each skipped one is reported with its rule (the SDK error's name); the sender's own rules (paused, frozen, …) still
refuse the whole batch.
${examples("payout payroll.csv --from employer", "payout payroll.csv --from employer --skip-failing --json")}

payroll.csv:
  to,amount
  0x70997970C51812dc3A010C7d01b50e0d17dc79C8,1200.50
  0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,980`,
    )
    .action(async (file: string, o: { from: string; skipFailing?: boolean }) => {
      const transfers = readLegs(file);
      const { client } = await ctx.writer(o.from);
      const total = transfers.reduce((sum, t) => sum + parseAmount(t.amount, TOKEN_DECIMALS), 0n);
      if (!o.skipFailing) {
        const sent = await ctx.confirm(client, await client.batchTransfer({ transfers }));
        ctx.out.result(
          { legs: transfers.map((t, index) => ({ index, ...t, status: "paid" })), paid: transfers.length, skipped: 0, ...sent },
          `paid ${transfers.length} legs, ${money(formatAmount(total, TOKEN_DECIMALS))} in all (tx ${sent.tx}, block ${sent.block})`,
        );
        return;
      }
      ctx.out.note(`sending ${transfers.length} legs; a leg that fails its rules is skipped…`);
      const outcome = await client.batchTransferPartial({ transfers });
      ctx.out.result(
        { ...outcome, tx: outcome.hash, block: outcome.blockNumber },
        [
          ...table([
            ["#", "to", "amount", "outcome"],
            ...outcome.legs.map((leg) => [String(leg.index + 1), leg.to, money(leg.amount), leg.status === "paid" ? "paid" : `skipped: ${leg.reason}`]),
          ]),
          `paid ${outcome.paid} of ${outcome.legs.length} legs, skipped ${outcome.skipped} (tx ${outcome.hash}, block ${outcome.blockNumber})`,
        ],
      );
    });
}

/** Reads and checks every leg of the CSV, naming the first bad line and field. */
function readLegs(file: string): { to: Address; amount: string }[] {
  const { header, records } = parseCsv(readFileSync(file, "utf8"), file);
  for (const column of ["to", "amount"]) if (!header.includes(column)) throw invalidInput(file, `the header must have the columns to,amount (found ${header.join(",")})`);
  if (records.length === 0) throw invalidInput(file, "has no legs");
  if (records.length > 500) throw invalidInput(file, `has ${records.length} legs; at most 500 go in one transaction`);
  return records.map(({ line, fields }) => {
    const to = fields.to!;
    if (!/^0x[0-9a-fA-F]{40}$/.test(to) || /^0x0{40}$/.test(to)) throw invalidInput(`${file} line ${line}, field to`, `"${to}" is not a wallet address`);
    let units: bigint;
    try {
      units = parseAmount(fields.amount!, TOKEN_DECIMALS);
    } catch (error) {
      throw invalidInput(`${file} line ${line}, field amount`, (error as { shortMessage?: string }).shortMessage ?? String(error));
    }
    if (units === 0n) throw invalidInput(`${file} line ${line}, field amount`, "must be more than 0");
    return { to: to as Address, amount: fields.amount! };
  });
}
