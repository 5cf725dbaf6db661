/**
 * `goods-ledger pay request|sign|submit`: merchant QR payments (the SDK's EMVCo payload and EIP-3009).
 *
 * 1. The merchant makes a request: a QR payload (printed in the terminal, or a PNG).
 * 2. The payer decodes it (the merchant's registered role and status are shown), pre-checks the transfer,
 *    and signs an EIP-3009 authorization; nothing is sent.
 * 3. The merchant (or a relayer) submits the authorization. A request can be paid once.
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isHex, type Address, type Hex } from "viem";
import { formatAmount } from "../../src/sdk/amounts.js";
import { parsePaymentAuthorization, serializePaymentAuthorization } from "../../src/sdk/qr/authorization.js";
import type { CliContext } from "../lib/context.js";
import { CliError } from "../lib/errors.js";
import { examples, fromOption } from "../lib/options.js";
import { money } from "../lib/output.js";
import { readStdin } from "../lib/prompt.js";
import { parseAddress, parseAmountArg, parseInteger } from "../lib/validate.js";

/** Registers `pay` and its subcommands. */
export function register(program: Command, ctx: CliContext): void {
  const pay = program.command("pay").description("merchant QR payments: request (merchant), sign (payer, offline), submit (merchant)");

  pay
    .command("request")
    .description("make a single-use payment request: an EMVCo QR payload, shown as a QR code or written as a PNG")
    .argument("[amount]", "amount in tokens; omit to let the payer enter it", parseAmountArg)
    .requiredOption("--merchant <address>", "the payee (a registered merchant wallet)", parseAddress)
    .option("--expires-in <minutes>", "minutes until the request expires", parseInteger("expiry", 1, 525_600), 15)
    .option("--name <name>", "merchant name printed on the code (≤ 25 characters)")
    .option("--city <city>", "merchant city (≤ 15 characters)")
    .option("--country <code>", "ISO 3166-1 alpha-2 country code")
    .addOption(new Option("--reference <hex>", "the 32-byte single-use reference (default: random)").argParser(parseReference))
    .option("--png <file>", "also write the QR code as a PNG")
    .option("--no-qr", "do not draw the QR code in the terminal")
    .addHelpText("after", examples("pay request 25.50 --merchant 0x90F7…b906 --name \"Mama Njeri Shop\" --city Nairobi", "pay request 25.50 --merchant 0x90F7…b906 --png qr.png --json"))
    .action(async (amount: string | undefined, o: RequestOptions) => {
      const client = await ctx.reader();
      const expiresAt = BigInt(Math.floor(Date.now() / 1000) + o.expiresIn * 60);
      const { payload, reference } = client.createPaymentRequest({
        merchant: o.merchant,
        amount,
        reference: o.reference,
        expiresAt,
        merchantName: o.name,
        merchantCity: o.city,
        countryCode: o.country,
      });
      const { default: QRCode } = await import("qrcode");
      if (o.png) await QRCode.toFile(o.png, payload, { type: "png", errorCorrectionLevel: "M" });
      const qr = o.qr && ctx.out.terminal ? await QRCode.toString(payload, { type: "terminal", small: true, errorCorrectionLevel: "M" }) : "";
      ctx.out.result(
        { payload, reference, merchant: o.merchant, amount: amount ?? null, expiresAt, png: o.png ?? null },
        [
          `payment request to ${o.merchant}${amount ? ` for ${money(amount)}` : " (payer enters the amount)"}, single use, expires ${new Date(Number(expiresAt) * 1000).toISOString()}`,
          `reference ${reference}`,
          ...(o.png ? [`QR code written to ${o.png}`] : []),
          ...(qr ? [qr] : []),
          payload,
        ],
      );
    });

  pay
    .command("sign")
    .description("as the payer: decode a request, pre-check it, and sign the payment (EIP-3009); nothing is sent")
    .argument("<payload>", "the QR payload text")
    .addOption(fromOption().makeOptionMandatory())
    .option("--amount <amount>", "the amount, when the request leaves it open", parseAmountArg)
    .option("--relayer", "let anyone submit it (transferWithAuthorization) instead of only the merchant")
    .option("--out <file>", "write the signed authorization to this file")
    .addHelpText("after", examples("pay sign '000201…6304ABCD' --from baraka --out payment.json"))
    .action(async (payload: string, o: { from: string; amount?: string; relayer?: boolean; out?: string }) => {
      const { client, signer } = await ctx.writer(o.from);
      const request = await client.parsePaymentRequest({ payload });
      if (request.merchantStatus !== "active" || request.merchantDenylisted) {
        throw new CliError(
          `payee ${request.merchant} is ${request.merchantDenylisted ? "denylisted" : request.merchantStatus}: it cannot be paid; nothing was signed`,
          { code: "payee-not-active" },
        );
      }
      if (request.merchantRole !== "merchant") ctx.out.warn(`payee ${request.merchant} is registered as ${request.merchantRole}, not as a merchant`);
      ctx.out.note(`paying "${request.merchantName}" (${request.merchantCity}): ${request.merchantRole} ${request.merchant}, ${request.merchantStatus}`);
      const amount = request.amount ?? o.amount;
      if (amount === undefined) throw new CliError("this request leaves the amount open: give --amount", { code: "invalid-input" });
      const check = await client.checkTransfer({ from: signer.account.address, to: request.merchant, amount });
      if (!check.ok) throw new CliError(`payment blocked: ${check.message}; nothing was signed`, { code: check.rule ?? "reverted" });
      const authorization = await client.signPayment({ request, amount: o.amount, submitter: o.relayer ? "relayer" : "merchant" });
      const text = serializePaymentAuthorization(authorization);
      if (o.out) writeFileSync(o.out, `${text}\n`, { mode: 0o600 });
      ctx.out.result({ authorization: JSON.parse(text) as object, file: o.out ?? null }, [
        `signed ${money(formatAmount(authorization.value, client.ledger.decimals))} from ${authorization.from} to ${authorization.to}, reference ${authorization.nonce}, valid until ${new Date(Number(authorization.validBefore) * 1000).toISOString()}`,
        o.out ? `wrote ${o.out}: give it to the ${o.relayer ? "merchant or a relayer" : "merchant"} (\`goods-ledger pay submit ${o.out}\`)` : text,
      ]);
    });

  pay
    .command("submit")
    .description("as the merchant (or a relayer): submit a signed payment; a request can be paid only once")
    .argument("<authorization>", "the signed authorization: a file, its JSON text, or - for stdin")
    .addOption(fromOption())
    .addHelpText(
      "after",
      `\nWithout --from, a merchant-only authorization is submitted by its payee's key (keystore, or a dev key on the local chain).${examples("pay submit payment.json", "pay submit payment.json --from relayer --json")}`,
    )
    .action(async (source: string, o: { from?: string }) => {
      const text = source === "-" ? await readStdin() : existsSync(source) ? readFileSync(source, "utf8") : source;
      if (!text.trim().startsWith("{")) throw new CliError(`<authorization>: "${source}" is neither a file nor the authorization's JSON`, { code: "invalid-input" });
      let authorization;
      try {
        authorization = parsePaymentAuthorization(text.trim());
      } catch (error) {
        throw new CliError(`<authorization>: ${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message}`, { code: "invalid-input" });
      }
      const who = o.from ?? (authorization.kind === "receive" ? authorization.to : undefined);
      if (who === undefined) throw new CliError("--from is required to relay a payment", { code: "invalid-input" });
      const { client } = await ctx.writer(who);
      const sent = await ctx.confirm(client, await client.submitPayment({ authorization }));
      const amount = formatAmount(authorization.value, client.ledger.decimals);
      ctx.out.result(
        { from: authorization.from, to: authorization.to, amount, reference: authorization.nonce, ...sent },
        `paid ${money(amount)} from ${authorization.from} to ${authorization.to}, reference ${authorization.nonce} (tx ${sent.tx}, block ${sent.block})`,
      );
    });
}

interface RequestOptions {
  merchant: Address;
  expiresIn: number;
  name?: string;
  city?: string;
  country?: string;
  reference?: Hex;
  png?: string;
  qr: boolean;
}

function parseReference(value: string): Hex {
  if (!isHex(value) || value.length !== 66) throw new InvalidArgumentError(`"${value}" is not a 32-byte reference (0x and 64 hex digits)`);
  return value;
}
