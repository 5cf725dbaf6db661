/**
 * `goods-ledger lot attest|show|dispute|resolve|release`: goods lots in the reserve registry.
 */
import { InvalidArgumentError, type Command } from "commander";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isHex, type Hex } from "viem";
import { getAvailableToIssue, getLot } from "@goods-ledger/sdk";
import type { CliContext } from "../lib/context.js";
import { CliError, invalidInput } from "../lib/errors.js";
import { officerCommand } from "../lib/officer.js";
import { examples, fromOption } from "../lib/options.js";
import { money, table } from "../lib/output.js";
import { parseAmountArg, parseCode, parseDay, parseExistingFile, parseLotId, parseUri } from "../lib/validate.js";

const LOT_ARG = "lot id: a label such as WR-2026-0001 (the id is its keccak256) or 0x and 64 hex digits";

/** Registers `lot` and its subcommands. */
export function register(program: Command, ctx: CliContext): void {
  const lot = program.command("lot").description("goods lots: attest, inspect, dispute, release");

  lot
    .command("attest")
    .description("attest a goods lot in custody, so tokens can be issued against it (custodian)")
    .argument("<lot>", LOT_ARG, parseLotId)
    .requiredOption("--class <code>", "goods class, e.g. COFFEE", parseCode("goods class"))
    .requiredOption("--quantity <n>", "quantity in --unit (a whole number)", parseQuantity)
    .requiredOption("--unit <code>", "unit, e.g. kg or BAG60KG", parseCode("unit"))
    .requiredOption("--valuation <amount>", "valuation in tokens: the most that may be issued against the lot", parseAmountArg)
    .requiredOption("--location <code>", "warehouse or location code", parseCode("location"))
    .option("--document <file>", "the attestation document: its sha256 is stored on chain", parseExistingFile)
    .option("--hash <hex>", "the attestation document's hash (instead of --document)", parseHash)
    .option("--uri <uri>", "where the attestation document can be read (https://…, ipfs://…)", parseUri, "")
    .requiredOption("--expires <date>", "the attestation's expiry (YYYY-MM-DD, UTC): the lot stops counting that day", parseDay)
    .addOption(fromOption("custodian"))
    .addHelpText(
      "after",
      examples(
        "lot attest WR-2026-0001 --class COFFEE --quantity 1200 --unit BAG60KG --valuation 250000 --location NBO-WH-01 --document receipt.pdf --uri ipfs://… --expires 2027-06-30",
      ),
    )
    .action(async (id: Hex, o: AttestOptions) => {
      if ((o.document === undefined) === (o.hash === undefined)) throw invalidInput("--document / --hash", "give exactly one");
      const attestationHash = o.hash ?? (`0x${createHash("sha256").update(readFileSync(o.document!)).digest("hex")}` as Hex);
      const { client } = await ctx.writer(o.from, "custodian");
      const sent = await ctx.confirm(
        client,
        await client.attestLot({
          lot: id,
          classCode: o.class,
          quantity: o.quantity,
          unit: o.unit,
          valuation: o.valuation,
          location: o.location,
          attestationHash,
          attestationURI: o.uri,
          expiresAt: BigInt(o.expires) * 86_400n,
        }),
      );
      ctx.out.result(
        { lot: id, classCode: o.class, quantity: o.quantity, unit: o.unit, valuation: o.valuation, location: o.location, attestationHash, attestationURI: o.uri, ...sent },
        `attested lot ${id}: ${o.quantity} ${o.unit} of ${o.class} at ${o.location}, valued ${money(o.valuation)} (tx ${sent.tx}, block ${sent.block})`,
      );
    });

  lot
    .command("show")
    .description("a lot's record: goods, valuation, issued, redeemed, status, attestation")
    .argument("<lot>", LOT_ARG, parseLotId)
    .addHelpText("after", examples("lot show WR-2026-0001", "lot show WR-2026-0001 --json"))
    .action(async (id: Hex) => {
      const [record, available] = await ctx.read((client) => Promise.all([getLot(client, { lot: id }), getAvailableToIssue(client, { lot: id })]));
      if (record.status === "none") throw new CliError(`lot ${id} does not exist (never attested)`, { code: "unknown-lot" });
      const date = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString().slice(0, 10);
      ctx.out.result(
        { lot: { ...record, availableToIssue: available } },
        [
              `lot ${id}`,
              ...table([
                ["  status", record.status],
                ["  goods", `${record.quantity} ${record.unit} of ${record.classCode} at ${record.location}`],
                ["  custodian", record.custodian ?? "-"],
                ["  valuation", money(record.valuation)],
                ["  issued", `${money(record.issued)} (redeemed ${money(record.redeemed)}, outstanding ${money(record.outstanding)})`],
                ["  can issue", money(available)],
                ["  attested", `${date(record.attestedAt)}, expires ${date(record.expiresAt)}`],
                ["  document", `${record.attestationHash}${record.attestationURI ? ` ${record.attestationURI}` : ""}`],
              ]),
            ],
      );
    });

  const subject = { name: "lot", description: LOT_ARG, parse: parseLotId };
  officerCommand(lot, ctx, {
    verb: "dispute",
    description: "dispute a lot: no more issuance against it until resolved (auditor)",
    role: "auditor",
    subject,
    example: "lot dispute WR-2026-0001 --reason STOCK_COUNT_MISMATCH",
    send: (client, id, reasonCode) => client.disputeLot({ lot: id, reasonCode }),
  });
  officerCommand(lot, ctx, {
    verb: "resolve",
    description: "resolve a lot's dispute (auditor)",
    role: "auditor",
    subject,
    example: "lot resolve WR-2026-0001 --reason RECOUNT_OK",
    send: (client, id, reasonCode) => client.resolveDispute({ lot: id, reasonCode }),
  });
  officerCommand(lot, ctx, {
    verb: "release",
    description: "release a lot from custody; nothing may be outstanding against it (custodian)",
    role: "custodian",
    subject,
    example: "lot release WR-2026-0001 --reason GOODS_DELIVERED",
    send: (client, id, reasonCode) => client.releaseLot({ lot: id, reasonCode }),
  });
}

interface AttestOptions {
  class: string;
  quantity: bigint;
  unit: string;
  valuation: string;
  location: string;
  document?: string;
  hash?: Hex;
  uri: string;
  expires: number;
  from?: string;
}

function parseQuantity(value: string): bigint {
  if (!/^\d+$/.test(value) || BigInt(value) === 0n) throw new InvalidArgumentError(`quantity "${value}" must be a whole number above 0`);
  if (BigInt(value) >= 2n ** 128n) throw new InvalidArgumentError(`quantity ${value} is too large (uint128)`);
  return BigInt(value);
}

function parseHash(value: string): Hex {
  if (!isHex(value) || value.length !== 66 || /^0x0{64}$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a 32-byte hash (0x and 64 hex digits, not zero)`);
  return value;
}
