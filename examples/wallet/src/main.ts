/**
 * The wallet: the customer pastes (or scans) the shop's payment request, sees who the ledger says the payee is
 * (its registered role and status, not only the name printed on the code) and the amount, signs an EIP-3009
 * payment authorization offline (with the token's EIP-712 domain read once, at start), and hands the
 * authorization over as text or submits it. A second payment of a request is refused by the chain, and the page
 * shows the SDK's named error.
 */
import {
  createLedgerClient,
  parsePaymentRequest,
  serializePaymentAuthorization,
  signPayment,
  submitPayment,
  waitForTransaction,
  type LedgerClient,
  type ParsePaymentRequestReturnType,
  type PaymentAuthorization,
  type TokenDomain,
} from "@goods-ledger/sdk";
import type { HDAccount } from "viem";
import { errorLine, loadPageLedger, short, show } from "../../common/ledger.ts";

/** The customer's test account when the URL names none (`?account=8`, as in the README's first five minutes). */
const DEFAULT_CUSTOMER = 8;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let request: ParsePaymentRequestReturnType | undefined;
let authorization: PaymentAuthorization | undefined;

async function main(): Promise<void> {
  const { deployment, account } = await loadPageLedger(DEFAULT_CUSTOMER);
  const client = createLedgerClient({ deployment, account, pollingInterval: 500 });
  // Read once while online: signing needs nothing else from the network.
  const [domain, { symbol }] = await Promise.all([client.getTokenDomain(), client.getTokenMetadata()]);
  await showMe(client, account, symbol);
  byId<HTMLButtonElement>("read").disabled = false;
  byId("read").addEventListener("click", () => act(() => read(client, symbol)));
  byId("sign").addEventListener("click", () => act(() => sign(client, domain)));
  byId("submit").addEventListener("click", () => act(() => submit(client, account, symbol)));
  setUpScanner();
}

async function showMe(client: LedgerClient, account: HDAccount, symbol: string): Promise<void> {
  const me = await client.getWallet({ account: account.address });
  show("me", `You: ${short(account.address)} (${me.role}, ${me.status}), balance ${me.balance} ${symbol}`);
}

/** Runs one step of the flow, showing its error (by the SDK's name) instead of throwing. */
function act(step: () => Promise<void>): void {
  show("error", "");
  step().catch((error) => show("error", errorLine(error)));
}

async function read(client: LedgerClient, symbol: string): Promise<void> {
  request = undefined;
  authorization = undefined;
  byId("request").hidden = true;
  byId("signed").hidden = true;
  byId("status").hidden = true;
  const payload = byId<HTMLTextAreaElement>("payload").value.trim();
  // Checks the CRC, the reference's commitment, chain, token and expiry; then reads the payee's registration.
  const parsed = await parsePaymentRequest(client, { payload });
  show("merchant-name", parsed.merchantName);
  show("merchant-role", `${parsed.merchantRole} (${parsed.merchantStatus}${parsed.merchantDenylisted ? ", denylisted" : ""})`);
  show("merchant", parsed.merchant);
  show("amount", parsed.amount === undefined ? "(you enter it)" : `${parsed.amount} ${symbol}`);
  show("expires", new Date(Number(parsed.expiresAt) * 1000).toLocaleString());
  const warnings = [
    parsed.merchantRole !== "merchant" ? `the payee is registered as ${parsed.merchantRole}, not as a merchant` : "",
    parsed.merchantStatus !== "active" || parsed.merchantDenylisted ? "the payee's wallet cannot receive payments now" : "",
    parsed.paid ? "this request is already paid" : "",
    parsed.amount === undefined ? "this request has no amount: this wallet pays only requests with one" : "",
  ].filter(Boolean);
  show("warnings", warnings.join("; "));
  byId<HTMLButtonElement>("sign").disabled = parsed.amount === undefined;
  byId("request").hidden = false;
  request = parsed;
}

async function sign(client: LedgerClient, domain: TokenDomain): Promise<void> {
  if (!request) throw new Error("read a request first");
  // Offline: the domain was read at start, and signPayment checks everything else locally.
  authorization = await signPayment(client, { request, domain });
  byId<HTMLTextAreaElement>("authorization").value = serializePaymentAuthorization(authorization);
  byId("signed").hidden = false;
}

async function submit(client: LedgerClient, account: HDAccount, symbol: string): Promise<void> {
  if (!authorization) throw new Error("sign the payment first");
  const status = byId("status");
  status.hidden = false;
  status.dataset.state = "waiting";
  status.textContent = "submitting…";
  try {
    const hash = await submitPayment(client, { authorization });
    const receipt = await waitForTransaction(client, { hash });
    status.dataset.state = "paid";
    status.textContent = `Paid ✓ ${request?.amount} ${symbol} to ${request?.merchantName}, block ${receipt.blockNumber} (tx ${short(hash)})`;
    await showMe(client, account, symbol);
  } catch (error) {
    // The chain refuses a second payment of the same request: AuthorizationUsedError (same payer) or
    // PaymentReferenceUsedError (another payer). Nothing moved.
    status.dataset.state = "refused";
    status.textContent = `Refused: ${errorLine(error)}`;
  }
}

/** Scanning with the camera where the browser has a QR detector (BarcodeDetector); pasting works everywhere. */
function setUpScanner(): void {
  type Detector = { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> };
  const BarcodeDetector = (globalThis as { BarcodeDetector?: new (options: { formats: string[] }) => Detector }).BarcodeDetector;
  if (!BarcodeDetector || !navigator.mediaDevices) return;
  const button = byId<HTMLButtonElement>("scan");
  button.hidden = false;
  button.addEventListener("click", () =>
    act(async () => {
      const video = byId<HTMLVideoElement>("camera");
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const detector = new BarcodeDetector({ formats: ["qr_code"] });
      for (;;) {
        const [code] = await detector.detect(video);
        if (code) {
          stream.getTracks().forEach((track) => track.stop());
          video.hidden = true;
          byId<HTMLTextAreaElement>("payload").value = code.rawValue;
          byId("read").click();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }),
  );
}

main().catch((error) => show("error", errorLine(error)));
