/**
 * `goods-ledger issue` and `goods-ledger redeem`: tokens in and out of existence against goods lots.
 */
import type { Command } from "commander";
import { parseEventLogs, zeroHash, type Address, type Hex } from "viem";
import { goodsTokenAbi } from "@goods-ledger/sdk";
import type { CliContext } from "../lib/context.js";
import { examples, fromOption, refOption } from "../lib/options.js";
import { money } from "../lib/output.js";
import { parseAddress, parseAmountArg, parseLotId } from "../lib/validate.js";

/** Registers `issue` and `redeem`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("issue")
    .description("issue tokens to a registered wallet against an attested lot, within its capacity (issuer)")
    .argument("<lot>", "lot id or label", parseLotId)
    .argument("<to>", "the registered wallet that receives the tokens", parseAddress)
    .argument("<amount>", "amount in tokens, e.g. 2000 or 12.50", parseAmountArg)
    .addOption(refOption("issue reference, e.g. a cash-in receipt number"))
    .addOption(fromOption("issuer"))
    .addHelpText("after", examples("issue WR-2026-0001 0x15d3…6A65 2000 --ref FLOAT-0001"))
    .action(async (lot: Hex, to: Address, amount: string, o: { ref?: string; from?: string }) => {
      const { client } = await ctx.writer(o.from, "issuer");
      const sent = await ctx.confirm(client, await client.issue({ lot, to, amount, reference: o.ref ?? zeroHash }));
      ctx.out.result({ lot, to, amount, reference: o.ref ?? null, ...sent }, `issued ${money(amount)} to ${to} against lot ${lot} (tx ${sent.tx}, block ${sent.block})`);
    });

  program
    .command("redeem")
    .description("burn tokens from the issuer's own wallet against a lot and record the goods released (issuer)")
    .argument("<lot>", "lot id or label", parseLotId)
    .argument("<amount>", "amount in tokens", parseAmountArg)
    .addOption(refOption("redemption reference, e.g. a delivery note"))
    .addOption(fromOption("issuer"))
    .addHelpText("after", examples("redeem WR-2026-0001 500 --ref DELIVERY-0042"))
    .action(async (lot: Hex, amount: string, o: { ref?: string; from?: string }) => {
      const { client } = await ctx.writer(o.from, "issuer");
      const receipt = await ctx.receipt(client, await client.redeem({ lot, amount, reference: o.ref ?? zeroHash }));
      const [redeemed] = parseEventLogs({ abi: goodsTokenAbi, logs: receipt.logs, eventName: "Redeemed" });
      const releaseId = redeemed?.args.releaseId;
      ctx.out.result(
        { lot, amount, reference: o.ref ?? null, releaseId, tx: receipt.transactionHash, block: receipt.blockNumber },
        `redeemed ${money(amount)} against lot ${lot}: goods release #${releaseId} (tx ${receipt.transactionHash}, block ${receipt.blockNumber})`,
      );
    });
}
