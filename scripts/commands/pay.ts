/**
 * `goods-ledger pay request|sign|submit`: merchant QR payments (the SDK's EMVCo payload, bound on chain).
 *
 * 1. The merchant makes a request: a QR payload carrying payee, amount, a random request id and the reference
 *    `paymentReference(payee, amount, requestId)` (printed in the terminal, or a PNG).
 * 2. The payer decodes it (the amount, and the merchant's registered role, name and status are shown; an
 *    altered or already-paid request is refused), pre-checks the transfer, and signs a PaymentAuthorization;
 *    nothing is sent.
 * 3. The merchant (or a relayer) submits it with `payWithAuthorization`. A request can be paid once.
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isHex, type Address, type Hex } from "viem";
import { formatAmount, toBaseUnits } from "@goods-ledger/sdk";
import { paymentReference } from "@goods-ledger/sdk";
import { parsePaymentAuthorization, serializePaymentAuthorization } from "@goods-ledger/sdk";
import type { CliContext } from "../lib/context.js";
import { CliError } from "../lib/errors.js";
import { examples, fromOption } from "../lib/options.js";
import { money } from "../lib/output.js";
import { readStdin } from "../lib/prompt.js";
import { parseAddress, parseAmountArg, parseInteger } from "../lib/validate.js";

/** Registers `pay` and its subcommands. */
export function register(program: Command, ctx: CliContext): void {
  const pay = program
    .command("pay")
    .description("merchant QR payments bound to their amount: request (merchant), sign (payer, offline), submit (merchant or relayer)")
    .addHelpText("after", examples("pay request 25.50 --merchant 0x14dC…9955 --png qr.png", "pay sign '000201…6304ABCD' --from dev:8 --out payment.json", "pay submit payment.json"));

  pay
    .command("request")
    .description("make a single-use payment request: an EMVCo QR payload, shown as a QR code or written as a PNG")
    .argument("[amount]", "amount in tokens; omit to let the payer enter it", parseAmountArg)
    .requiredOption("--merchant <address>", "the payee: a registered, active wallet whose role is merchant", parseAddress)
    .option("--expires-in <minutes>", "minutes until the request expires", parseInteger("expiry", 1, 525_600), 15)
    .option("--name <name>", "merchant name printed on the code (≤ 25 characters)")
    .option("--city <city>", "merchant city (≤ 15 characters)")
    .option("--country <code>", "ISO 3166-1 alpha-2 country code")
    .addOption(new Option("--request-id <hex>", "the 32-byte request id (default: random; give one only to re-print a request)").argParser(parseRequestId))
    .option("--png <file>", "also write the QR code as a PNG")
    .option("--no-qr", "do not draw the QR code in the terminal")
    .addHelpText(
      "after",
      `\nThe payload carries the payee, the amount, a random request id and the reference paymentReference(payee, amount, requestId);
a payer's app refuses a payload whose amount or payee was changed. The merchant wallet must be registered with role merchant.${examples(
        "pay request 25.50 --merchant 0x90F7…b906 --name \"Mama Njeri Shop\" --city Nairobi",
        "pay request 25.50 --merchant 0x90F7…b906 --png qr.png --json",
      )}`,
    )
    .action(async (amount: string | undefined, o: RequestOptions) => {
      const client = await ctx.reader();
      const wallet = await client.getWallet({ account: o.merchant });
      if (wallet.role !== "merchant") {
        const is = wallet.role === "none" ? "not a registered wallet" : `registered as ${wallet.role}, not as a merchant`;
        throw new CliError(`--merchant ${o.merchant} is ${is}: only a merchant wallet can request payments`, { code: "not-a-merchant" });
      }
      if (wallet.status !== "active" || wallet.denylisted) {
        throw new CliError(`--merchant ${o.merchant} is ${wallet.denylisted ? "denylisted" : wallet.status}: it cannot be paid`, { code: "payee-not-active" });
      }
      const expiresAt = BigInt(Math.floor(Date.now() / 1000) + o.expiresIn * 60);
      const { payload, requestId, reference } = client.createPaymentRequest({
        merchant: o.merchant,
        amount,
        requestId: o.requestId,
        expiresAt,
        merchantName: o.name,
        merchantCity: o.city,
        countryCode: o.country,
      });
      const { default: QRCode } = await import("qrcode");
      if (o.png) await QRCode.toFile(o.png, payload, { type: "png", errorCorrectionLevel: "M" });
      const qr = o.qr && ctx.out.terminal ? await QRCode.toString(payload, { type: "terminal", small: true, errorCorrectionLevel: "M" }) : "";
      ctx.out.result(
        { payload, requestId, reference: reference ?? null, merchant: o.merchant, amount: amount ?? null, expiresAt, png: o.png ?? null },
        [
          `payment request to ${o.merchant}${amount ? ` for ${money(amount)}` : " (payer enters the amount)"}, single use, expires ${new Date(Number(expiresAt) * 1000).toISOString()}`,
          `request id ${requestId}${reference ? `, reference ${reference}` : " (the reference follows from the payer's amount)"}`,
          ...(o.png ? [`QR code written to ${o.png}`] : []),
          ...(qr ? [qr] : []),
          payload,
        ],
      );
    });

  pay
    .command("sign")
    .description("as the payer: decode a request, show what you commit to, pre-check it, and sign the payment; nothing is sent")
    .argument("<payload>", "the QR payload text")
    .addOption(fromOption().makeOptionMandatory())
    .option("--amount <amount>", "the amount, when the request leaves it open", parseAmountArg)
    .option("--out <file>", "write the signed authorization to this file")
    .addHelpText(
      "after",
      `\nRefused, with nothing signed: a request whose amount or payee was changed, a request already paid, an amount of 0,
a payee that is not an active wallet. The merchant or any relayer can then submit the signed payment.${examples("pay sign '000201…6304ABCD' --from baraka --out payment.json")}`,
    )
    .action(async (payload: string, o: { from: string; amount?: string; out?: string }) => {
      const { client, signer } = await ctx.writer(o.from);
      const request = await client.parsePaymentRequest({ payload });
      if (request.merchantStatus !== "active" || request.merchantDenylisted) {
        throw new CliError(
          `payee ${request.merchant} is ${request.merchantDenylisted ? "denylisted" : request.merchantStatus}: it cannot be paid; nothing was signed`,
          { code: "payee-not-active" },
        );
      }
      if (request.merchantRole !== "merchant") ctx.out.warn(`payee ${request.merchant} is registered as ${request.merchantRole}, not as a merchant`);
      const amount = request.amount ?? o.amount;
      if (amount === undefined) throw new CliError("this request leaves the amount open: give --amount", { code: "invalid-input" });
      // A request with an amount says whether it is paid; an open one is paid under the reference the payer's amount gives.
      const reference = request.reference ?? paymentReference(request.merchant, toBaseUnits(amount, client.ledger.decimals), request.requestId);
      if (request.paid ?? (await client.isPaymentReferenceUsed({ payee: request.merchant, reference }))) {
        throw new CliError(`payment request ${reference} to ${request.merchant} is already paid: nothing was signed`, { code: "already-paid" });
      }
      const check = await client.checkTransfer({ from: signer.account.address, to: request.merchant, amount });
      if (!check.ok) throw new CliError(`payment blocked: ${check.message}; nothing was signed`, { code: check.rule ?? "reverted" });
      const authorization = await client.signPayment({ request, amount: o.amount });
      const text = serializePaymentAuthorization(authorization);
      if (o.out) writeFileSync(o.out, `${text}\n`, { mode: 0o600 });
      const paid = formatAmount(authorization.value, client.ledger.decimals);
      ctx.out.result(
        {
          authorization: JSON.parse(text) as object,
          amount: paid,
          merchant: { address: request.merchant, name: request.merchantName, city: request.merchantCity, role: request.merchantRole, status: request.merchantStatus },
          file: o.out ?? null,
        },
        [
          `you pay ${money(paid)} to "${request.merchantName}" (${request.merchantCity}), registered as ${request.merchantRole} ${request.merchant} (${request.merchantStatus})`,
          `signed from ${authorization.from}, reference ${authorization.reference}, valid until ${new Date(Number(authorization.validBefore) * 1000).toISOString()}`,
          o.out ? `wrote ${o.out}: give it to the merchant (\`goods-ledger pay submit ${o.out}\`)` : text,
        ],
      );
    });

  pay
    .command("submit")
    .description("as the merchant (or a relayer): submit a signed payment (payWithAuthorization); a request can be paid only once")
    .argument("<authorization>", "the signed authorization: a file, its JSON text, or - for stdin")
    .addOption(fromOption())
    .addHelpText(
      "after",
      `\nWithout --from, the payment is submitted by its payee's key (keystore, or a dev key on the local chain); any account may submit it.
Refused before anything is sent: a value of 0, a reference that does not match the payee, value and request id, a request already paid.${examples("pay submit payment.json", "pay submit payment.json --from relayer --json")}`,
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
      const { client } = await ctx.writer(o.from ?? authorization.to);
      const sent = await ctx.confirm(client, await client.submitPayment({ authorization }));
      const amount = formatAmount(authorization.value, client.ledger.decimals);
      ctx.out.result(
        { from: authorization.from, to: authorization.to, amount, requestId: authorization.requestId, reference: authorization.reference, ...sent },
        `paid ${money(amount)} from ${authorization.from} to ${authorization.to}, reference ${authorization.reference} (tx ${sent.tx}, block ${sent.block})`,
      );
    });
}

interface RequestOptions {
  merchant: Address;
  expiresIn: number;
  name?: string;
  city?: string;
  country?: string;
  requestId?: Hex;
  png?: string;
  qr: boolean;
}

function parseRequestId(value: string): Hex {
  if (!isHex(value) || value.length !== 66) throw new InvalidArgumentError(`"${value}" is not a 32-byte request id (0x and 64 hex digits)`);
  return value;
}
