/**
 * Officer actions on one subject (a wallet or a lot) with a reason code: freeze, unfreeze, close, dispute,
 * resolve, release. One shape, so every such command parses, signs, confirms and reports the same way.
 */
import type { Command } from "commander";
import type { Hash } from "viem";
import type { LedgerClient } from "@goods-ledger/sdk";
import type { CliContext, RoleName } from "./context.js";
import { examples, fromOption, reasonOption } from "./options.js";

/** What an officer command is. */
export interface OfficerCommandSpec<T> {
  verb: string;
  description: string;
  /** The role whose holder signs by default. */
  role: RoleName;
  /** The positional argument: its name (also the JSON key), help and parser. */
  subject: { name: string; description: string; parse: (value: string) => T };
  /** An example line (without "goods-ledger"). */
  example: string;
  send: (client: LedgerClient, subject: T, reasonCode: string) => Promise<Hash>;
}

/**
 * Adds `<verb> <subject> --reason <code> [--from <key>]` to a command group.
 *
 * @param parent - The group, e.g. `wallet`.
 * @param ctx - The CLI context.
 * @param spec - The command.
 */
export function officerCommand<T>(parent: Command, ctx: CliContext, spec: OfficerCommandSpec<T>): void {
  parent
    .command(spec.verb)
    .description(spec.description)
    .argument(`<${spec.subject.name}>`, spec.subject.description, spec.subject.parse)
    .addOption(reasonOption())
    .addOption(fromOption(spec.role))
    .addHelpText("after", examples(spec.example))
    .action(async (subject: T, o: { reason: string; from?: string }) => {
      const { client } = await ctx.writer(o.from, spec.role);
      const sent = await ctx.confirm(client, await spec.send(client, subject, o.reason));
      ctx.out.result(
        { [spec.subject.name]: subject, action: spec.verb, reason: o.reason, ...sent },
        `${spec.verb}: ${spec.subject.name} ${String(subject)}, reason ${o.reason} (tx ${sent.tx}, block ${sent.block})`,
      );
    });
}
