/**
 * The till: the shop makes a payment request (EMVCo merchant-presented QR with a bound reference), shows it as a
 * QR image, and watches the chain until a `PaymentReferenced` event for that reference appears: then the
 * payment is confirmed, in a mined block, with the payer and the amount the chain recorded.
 */
import { createLedgerClient, createPaymentRequest, formatAmount, goodsTokenAbi, type CreatePaymentRequestReturnType, type LedgerClient } from "@goods-ledger/sdk";
import QRCode from "qrcode";
import type { Address } from "viem";
import { getBlockNumber, getContractEvents } from "viem/actions";
import { errorLine, loadPageLedger, short, show } from "../../common/ledger.ts";

/** The merchant's test account when the URL names none (`?account=7`, as in the README's first five minutes). */
const DEFAULT_MERCHANT = 7;
/** How long a request stays payable, in seconds. */
const REQUEST_LIFETIME = 600;

let watch: ReturnType<typeof setInterval> | undefined;

async function main(): Promise<void> {
  const { deployment, account } = await loadPageLedger(DEFAULT_MERCHANT);
  // The till only shows requests and reads the chain: it needs the merchant's address, never its key.
  const merchant = account.address;
  const client = createLedgerClient({ deployment, pollingInterval: 500 });
  const [{ symbol }, wallet] = await Promise.all([client.getTokenMetadata(), client.getWallet({ account: merchant })]);
  show("shop", `Merchant ${short(merchant)}: registered as ${wallet.role} (${wallet.status}), balance ${wallet.balance} ${symbol}`);
  const form = document.getElementById("request-form") as HTMLFormElement;
  const button = document.getElementById("new-request") as HTMLButtonElement;
  button.disabled = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    newRequest(client, merchant, symbol, String(data.get("amount")), String(data.get("merchantName"))).catch((error) => show("error", errorLine(error)));
  });
}

async function newRequest(client: LedgerClient, merchant: Address, symbol: string, amount: string, merchantName: string): Promise<void> {
  show("error", "");
  if (watch) clearInterval(watch);
  const fromBlock = await getBlockNumber(client, { cacheTime: 0 });
  const expiresAt = BigInt(Math.floor(Date.now() / 1000) + REQUEST_LIFETIME);
  const request = createPaymentRequest(client, { merchant, amount, expiresAt, merchantName: merchantName || undefined });
  if (!request.reference) throw new Error("enter an amount: the till watches for a request with a bound amount");
  (document.getElementById("qr") as HTMLImageElement).src = await QRCode.toDataURL(request.payload, { errorCorrectionLevel: "M", margin: 2, width: 280 });
  (document.getElementById("payload") as HTMLTextAreaElement).value = request.payload;
  (document.getElementById("request") as HTMLElement).hidden = false;
  const status = show("status", `waiting for ${amount} ${symbol}… (request ${short(request.requestId)})`);
  status.dataset.state = "waiting";
  let busy = false;
  watch = setInterval(() => {
    if (busy) return;
    busy = true;
    confirmation(client, merchant, request, fromBlock)
      .then((paid) => {
        if (!paid) return;
        clearInterval(watch);
        status.dataset.state = "paid";
        status.textContent = `Paid ✓ ${formatAmount(paid.amount, client.ledger.decimals, { minFractionDigits: 2 })} ${symbol} from ${short(paid.from)}, confirmed in block ${paid.blockNumber} (tx ${short(paid.transactionHash)})`;
      })
      .catch((error) => show("error", errorLine(error)))
      .finally(() => (busy = false));
  }, client.pollingInterval);
}

/** The mined payment of `request`, from the token's `PaymentReferenced(from, to, amount, ref)` event, if any. */
async function confirmation(client: LedgerClient, merchant: Address, request: CreatePaymentRequestReturnType, fromBlock: bigint) {
  const events = await getContractEvents(client, {
    address: client.ledger.token,
    abi: goodsTokenAbi,
    eventName: "PaymentReferenced",
    args: { to: merchant, ref: request.reference },
    fromBlock,
    strict: true,
  });
  const event = events[0];
  if (!event) return undefined;
  return { from: event.args.from, amount: event.args.amount, blockNumber: event.blockNumber, transactionHash: event.transactionHash };
}

main().catch((error) => show("error", errorLine(error)));
