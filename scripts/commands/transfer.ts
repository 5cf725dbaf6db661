/**
 * `goods-ledger transfer`: send tokens, pre-checked against every compliance rule before anything is sent.
 */
import type { Command } from "commander";
import type { Address } from "viem";
import { toBytes32 } from "@goods-ledger/sdk";
import type { CliContext } from "../lib/context.js";
import { CliError } from "../lib/errors.js";
import { examples, fromOption, refOption } from "../lib/options.js";
import { money } from "../lib/output.js";
import { parseAddress, parseAmountArg } from "../lib/validate.js";

/** Registers `transfer`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("transfer")
    .description("send tokens from your wallet; a transfer the rules would block is refused before sending, naming the rule")
    .argument("<to>", "the recipient wallet", parseAddress)
    .argument("<amount>", "amount in tokens, e.g. 40 or 12.50", parseAmountArg)
    .addOption(refOption("payment reference, e.g. an invoice number"))
    .addOption(fromOption().makeOptionMandatory())
    .addHelpText(
      "after",
      examples("transfer 0x3C44…93BC 40 --from amina", "transfer 0x3C44…93BC 12.50 --from amina --ref INV-2026-118 --json"),
    )
    .action(async (to: Address, amount: string, o: { ref?: string; from: string }) => {
      const { client, signer } = await ctx.writer(o.from);
      const from = signer.account.address;
      const reference = o.ref === undefined ? undefined : toBytes32(o.ref, "reference");
      const check = await client.checkTransfer({ from, to, amount, reference });
      if (!check.ok) {
        throw new CliError(`transfer blocked: ${check.message}; nothing was sent`, {
          code: check.rule ?? "reverted",
          details: { rule: check.rule ?? null, args: check.args },
        });
      }
      const sent = await ctx.confirm(client, await client.transfer({ to, amount, reference }));
      ctx.out.result({ from, to, amount, reference: o.ref ?? null, ...sent }, `sent ${money(amount)} from ${from} to ${to} (tx ${sent.tx}, block ${sent.block})`);
    });
}
