/**
 * The soak's ledger: set-up through the SDK (tiers, a lot, registrations, issuance, a history of many
 * transfers built with `batchTransfer` of many legs), then the payment load: pipelined bulk payouts
 * (`sendTransfers`), merchant QR payments (signed by the payer, submitted by the merchant), single transfers,
 * registrations and an occasional freeze. Every payment carries a reference of its own, so the checks can find
 * it on chain and in the index exactly once, or not at all.
 */
import { keccak256, parseEther, stringToHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { sendTransaction } from "viem/actions";
import { createLedgerClient, dayNumber, lotId, RpcError, type LedgerClient } from "@goods-ledger/sdk";
import type { DeploymentFile } from "../../../scripts/lib/context.js";
import { devAccounts } from "../../../scripts/lib/keystore.js";

/** What became of one payment, as the generator saw it through the SDK. */
export type SdkOutcome = "confirmed" | "failed" | "unknown";

/** One payment the generator submitted. */
export interface Payment {
  id: number;
  kind: "payout" | "qr" | "single";
  from: Address;
  to: Address;
  /** Base units. */
  amount: bigint;
  reference: Hex;
  /** The transaction hash, when the SDK returned one. */
  hash: Hex | null;
  outcome: SdkOutcome;
  /** For failed and unknown: the SDK error's name and message. */
  error: string | null;
  /** The SDK reported a mined revert (the nonce was used). */
  revertedOnChain: boolean;
  submittedAt: number;
  settledAt: number | null;
}

/** The accounts of the soak. */
export interface SoakAccounts {
  lot: Hex;
  issuer: LedgerClient<PrivateKeyAccount>;
  registrar: LedgerClient<PrivateKeyAccount>;
  compliance: LedgerClient<PrivateKeyAccount>;
  hubs: LedgerClient<PrivateKeyAccount>[];
  bulk: LedgerClient<PrivateKeyAccount>;
  singles: LedgerClient<PrivateKeyAccount>[];
  merchants: LedgerClient<PrivateKeyAccount>[];
  payers: LedgerClient<PrivateKeyAccount>[];
  /** Registered receive-only wallets of the history (trace query targets, payment recipients). */
  wallets: Address[];
}

const DECIMALS = 6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bytes32 reference of payment `id` in run `seed`: unique per run and payment. */
export const referenceOf = (seed: number, id: number): Hex => keccak256(stringToHex(`soak-${seed}-${Date.now()}-${id}`));

/**
 * Deploys nothing: sets up an already deployed ledger for the soak and builds its history.
 * @param history - transfers to write before the load (legs of `batchTransfer`, `legsPerTx` a transaction).
 */
export async function setUpLedger(o: {
  deployment: DeploymentFile;
  rpcUrl: string;
  wallets: number;
  hubs: number;
  singles: number;
  merchants: number;
  payers: number;
  history: number;
  legsPerTx: number;
  random: () => number;
  note: (line: string) => void;
}): Promise<SoakAccounts> {
  const dev = devAccounts();
  const client = (key: Hex) => createLedgerClient({ deployment: o.deployment, rpcUrl: o.rpcUrl, account: privateKeyToAccount(key), pollingInterval: 250 }) as LedgerClient<PrivateKeyAccount>;
  const roleKey = (role: keyof DeploymentFile["roles"]) => dev.find((d) => d.address === o.deployment.roles[role])!.privateKey;
  const issuer = client(roleKey("issuer"));
  const registrar = client(roleKey("registrar"));
  const compliance = client(roleKey("compliance"));
  const custodian = client(roleKey("custodian"));
  const admin = client(dev[0]!.privateKey);
  const fresh = (n: number) => Array.from({ length: n }, () => client(generatePrivateKey()));
  const hubs = fresh(o.hubs);
  const bulk = client(generatePrivateKey());
  const singles = fresh(o.singles);
  const merchants = fresh(o.merchants);
  const payers = fresh(o.payers);
  const wallets = Array.from({ length: o.wallets }, () => privateKeyToAccount(generatePrivateKey()).address);
  const wait = async (c: LedgerClient, hash: Promise<Hex> | Hex) => c.waitForTransaction({ hash: await hash, timeout: 120_000 });

  o.note("set-up: tiers, a lot, registrations");
  await wait(compliance, compliance.setTierLimits({ tier: 3, maxBalance: null, maxTransfer: null, dailyOutflow: null }));
  const now = BigInt(Math.floor(Date.now() / 1000));
  const lot = lotId("SOAK-LOT-0001");
  await wait(custodian, custodian.attestLot({
    lot, classCode: "MAIZE-W1", quantity: 1_000_000_000n, unit: "kg", valuation: "1000000000000", location: "SOAK-WH-01",
    attestationHash: keccak256(stringToHex("soak lot")), attestationURI: "ipfs://soak-lot", expiresAt: now + 365n * 86_400n,
  }));
  const kycExpiryDay = dayNumber(new Date()) + 365;
  const reg = (account: Address, role: "institution" | "merchant" | "individual") => ({ account, role, tier: 3, region: 1, institution: 1, kycExpiryDay });
  const signers = [...hubs, bulk, ...singles, ...merchants, ...payers];
  const registrations = [
    reg(issuer.account.address, "institution"),
    ...hubs.map((c) => reg(c.account.address, "institution")),
    reg(bulk.account.address, "institution"),
    ...singles.map((c) => reg(c.account.address, "individual")),
    ...merchants.map((c) => reg(c.account.address, "merchant")),
    ...payers.map((c) => reg(c.account.address, "individual")),
    ...wallets.map((a) => reg(a, "individual")),
  ];
  // Registrations in batches, each awaited (sent back to back, one of them was once never mined on a loaded machine).
  for (let i = 0; i < registrations.length; i += 250) await wait(registrar, registrar.registerWallets({ wallets: registrations.slice(i, i + 250) }));
  // Gas for the new signers (the local chain charges it).
  for (const s of signers) await wait(admin, sendTransaction(admin, { account: admin.account, chain: admin.chain, to: s.account.address, value: parseEther("100") }));
  o.note(`set-up: registered ${registrations.length} wallets`);

  await wait(issuer, issuer.issue({ lot, to: issuer.account.address, amount: "100000000000", reference: "SOAK-FLOAT" }));
  const funded = [...hubs, bulk, ...singles, ...payers];
  await wait(issuer, issuer.batchTransfer({ transfers: funded.map((c) => ({ to: c.account.address, amount: "1000000000" })) }));

  // The history: each hub pays random wallets in batches of many legs, the hubs in parallel.
  const txs = Math.ceil(o.history / o.legsPerTx);
  let done = 0;
  const started = Date.now();
  await Promise.all(hubs.map(async (hub, h) => {
    for (let t = h; t < txs; t += hubs.length) {
      const legs = Math.min(o.legsPerTx, o.history - t * o.legsPerTx);
      const transfers = Array.from({ length: legs }, () => ({ to: wallets[Math.floor(o.random() * wallets.length)]!, amount: `${1 + Math.floor(o.random() * 500)}.${String(Math.floor(o.random() * 100)).padStart(2, "0")}` }));
      await wait(hub, hub.batchTransfer({ transfers }));
      done += legs;
      if (t % (hubs.length * 10) === h) o.note(`history: ${done} of ${o.history} transfers (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  }));
  o.note(`history: ${done} transfers in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { lot, issuer, registrar, compliance, hubs, bulk, singles, merchants, payers, wallets };
}

/** Counts of the generator's non-payment work. */
export interface GeneratorStats {
  registrations: { sent: number; confirmed: number; failed: number };
  freezes: { wallet: Address; at: number; ok: boolean }[];
  /** Payments (and registrations) a loop has started and not settled yet: a planned chain restart waits for 0. */
  inFlight: number;
}

/**
 * The payment load until `stop` aborts: about `tps` payments a second, half as bulk payouts, three tenths as
 * single transfers, a fifth as QR payments; a registration every 10 s; a freeze of one history wallet at
 * `freezeAt` (ms since the epoch).
 */
export async function runPayments(a: SoakAccounts, o: { tps: number; seed: number; stop: AbortSignal; random: () => number; freezeAt: number; payments: Payment[]; stats: GeneratorStats; paused?: () => boolean }): Promise<void> {
  // Waits while paused, then counts the caller's next operation in flight until it calls `settled`: a planned
  // restart waits for none in flight, since a payout batch still sends after its senders' nonces look settled.
  const hold = async () => {
    while (o.paused?.() === true && !o.stop.aborted) await sleep(100);
    o.stats.inFlight++;
  };
  const settled = () => {
    o.stats.inFlight--;
  };
  let next = 1;
  const recipients = () => a.wallets[Math.floor(o.random() * a.wallets.length)]!;
  const amount = () => BigInt(1 + Math.floor(o.random() * 200)) * 10_000n; // 0.01 – 2.00
  const human = (v: bigint) => `${v / 10n ** BigInt(DECIMALS)}.${String(v % 10n ** BigInt(DECIMALS)).padStart(DECIMALS, "0")}`;
  const record = (kind: Payment["kind"], from: Address, to: Address, value: bigint, reference?: Hex): Payment => {
    const p: Payment = { id: next++, kind, from, to, amount: value, reference: reference ?? referenceOf(o.seed, next), hash: null, outcome: "unknown", error: null, revertedOnChain: false, submittedAt: Date.now(), settledAt: null };
    o.payments.push(p);
    return p;
  };
  const describe = (error: unknown) => `${(error as Error).name}: ${((error as { shortMessage?: string }).shortMessage ?? (error as Error).message).split("\n")[0]}`;
  /** A thrown SDK error: an RPC failure may have left the transaction on its way (unknown); a named rule refused it (failed). */
  const settleError = (p: Payment, error: unknown) => {
    p.error = describe(error);
    p.outcome = error instanceof RpcError || /timed? ?out|TimeoutError|WaitForTransactionReceiptTimeout/i.test(p.error) ? "unknown" : "failed";
    if (p.hash !== null && /revert/i.test(p.error) && !(error instanceof RpcError)) p.revertedOnChain = true;
    p.settledAt = Date.now();
  };
  const pace = async (perSecond: number, started: number) => {
    const wait = 1000 / Math.max(0.01, perSecond) - (Date.now() - started);
    if (wait > 0) await sleep(wait);
  };

  const singleLoop = async (c: LedgerClient<PrivateKeyAccount>) => {
    const rate = (0.3 * o.tps) / a.singles.length;
    while (!o.stop.aborted) {
      await hold();
      const started = Date.now();
      const p = record("single", c.account.address, recipients(), amount());
      try {
        p.hash = await c.transfer({ to: p.to, amount: human(p.amount), reference: p.reference });
        await c.waitForTransaction({ hash: p.hash, timeout: 30_000 });
        p.outcome = "confirmed";
        p.settledAt = Date.now();
      } catch (error) {
        settleError(p, error);
      }
      settled();
      await pace(rate, started);
    }
  };

  const qrLoop = async (m: LedgerClient<PrivateKeyAccount>, i: number) => {
    const rate = (0.2 * o.tps) / a.merchants.length;
    let k = i;
    while (!o.stop.aborted) {
      await hold();
      const started = Date.now();
      const payer = a.payers[k++ % a.payers.length]!;
      const value = amount();
      let p: Payment | null = null;
      try {
        const req = m.createPaymentRequest({ merchant: m.account.address, amount: human(value), expiresAt: BigInt(Math.floor(Date.now() / 1000) + 600), merchantName: "Soak Shop", merchantCity: "Nairobi", countryCode: "KE" });
        p = record("qr", payer.account.address, m.account.address, value, req.reference!);
        const request = await payer.parsePaymentRequest({ payload: req.payload });
        const authorization = await payer.signPayment({ request });
        p.hash = await m.submitPayment({ authorization });
        await m.waitForTransaction({ hash: p.hash, timeout: 30_000 });
        p.outcome = "confirmed";
        p.settledAt = Date.now();
      } catch (error) {
        if (p !== null) settleError(p, error);
      }
      settled();
      await pace(rate, started);
    }
  };

  const bulkLoop = async () => {
    const every = 2_000;
    while (!o.stop.aborted) {
      await hold();
      const started = Date.now();
      const n = Math.max(1, Math.round((0.5 * o.tps * every) / 1000));
      const batch = Array.from({ length: n }, () => record("payout", a.bulk.account.address, recipients(), amount()));
      try {
        const outcomes = await a.bulk.sendTransfers({ transfers: batch.map((p) => ({ to: p.to, amount: human(p.amount), reference: p.reference })), timeout: 60_000 });
        for (const r of outcomes) {
          const p = batch[r.index]!;
          p.hash = r.hash;
          p.settledAt = Date.now();
          if (r.status === "success") p.outcome = "confirmed";
          else if (r.status === "unknown") {
            p.outcome = "unknown";
            p.error = describe(r.error);
          } else {
            p.outcome = "failed";
            p.error = describe(r.error);
            p.revertedOnChain = r.status === "reverted";
          }
        }
      } catch (error) {
        for (const p of batch) settleError(p, error);
      }
      settled();
      await pace(1000 / every, started);
    }
  };

  const registrationLoop = async () => {
    while (!o.stop.aborted) {
      await sleep(10_000);
      await hold();
      if (o.stop.aborted) {
        settled();
        break;
      }
      o.stats.registrations.sent++;
      try {
        const account = privateKeyToAccount(generatePrivateKey()).address;
        const hash = await a.registrar.registerWallet({ account, role: "individual", tier: 3, region: 2, institution: 1, kycExpiryDay: dayNumber(new Date()) + 365 });
        await a.registrar.waitForTransaction({ hash, timeout: 30_000 });
        o.stats.registrations.confirmed++;
      } catch {
        o.stats.registrations.failed++;
      }
      settled();
    }
  };

  const freeze = async () => {
    while (!o.stop.aborted && Date.now() < o.freezeAt) await sleep(250);
    if (o.stop.aborted) return;
    const wallet = a.wallets[Math.floor(o.random() * a.wallets.length)]!;
    const entry = { wallet, at: Date.now(), ok: false };
    o.stats.freezes.push(entry);
    try {
      await a.compliance.waitForTransaction({ hash: await a.compliance.freezeWallet({ account: wallet, reasonCode: "SOAK_FREEZE" }), timeout: 60_000 });
      entry.ok = true;
    } catch {
      entry.ok = false;
    }
  };

  await Promise.all([...a.singles.map(singleLoop), ...a.merchants.map(qrLoop), bulkLoop(), registrationLoop(), freeze()]);
}
