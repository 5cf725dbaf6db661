/**
 * `npm run bench -- gas`: gas of GoodsToken's hot paths against a plain OpenZeppelin 5 ERC-20 (PlainERC20)
 * deployed in the same run on a fresh in-process chain, measured from receipts. Prints a table and writes
 * bench/results/gas.json. Also measures an ERC-1967 proxy in front of the plain ERC-20, so the upgrade decision
 * (immutable, no proxy) is backed by a number.
 *
 * Bars (issue 8): transferWarm ≤ 1.20, issue ≤ 1.50, batchPerRecipientWarm ≤ 1.20, registerWallet ≤ 60,000,
 * transferWithAuthorization (a QR payment: payWithAuthorization) ≤ 100,000, issueAfterIdle1000Days ≤ 100,000.
 * Exits non-zero if a bar is missed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ContractTransactionResponse } from "ethers";
import { network } from "hardhat";
import { DAY, UNIT, WalletRole, attestation, fundLedger, type LedgerContract } from "../test/fixtures.js";
import { paymentArgs, signPayment } from "../test/contracts/helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
const BATCH = 10;

/** gasUsed of a sent transaction. */
async function gas(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("bench gas: no receipt");
  return receipt.gasUsed;
}

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const ledger = await fundLedger(connection);
const { token, reserveRegistry, registrar, custodian, issuer, alice, bob, merchant, others, lotA, kycExpiryDay } = ledger;
const [cold] = others;
// Batch recipients only receive, so they need no keys.
const recipients = Array.from({ length: BATCH }, () => ethers.Wallet.createRandom().address);

// ---- baseline: plain OpenZeppelin ERC-20, same chain, same accounts ----
const plain = (await ethers.deployContract("PlainERC20")) as unknown as LedgerContract;
await (await plain.mint(alice.address, 1_000n * UNIT)).wait();
await (await plain.mint(bob.address, 1_000n * UNIT)).wait();
for (const r of recipients) await (await plain.mint(r, 1n)).wait();
const plainTransferWarm = await gas(plain.connect(alice).transfer(bob.address, UNIT));
const plainTransferCold = await gas(plain.connect(alice).transfer(cold.address, UNIT));
const plainMintWarm = await gas(plain.mint(bob.address, UNIT));
const plainBatch = await gas(
  plain.connect(alice).batchTransfer(recipients, recipients.map(() => UNIT)),
);

// ---- baseline behind an ERC-1967 proxy (what a UUPS/transparent upgrade path would cost per transfer) ----
const implementation = (await ethers.deployContract("PlainERC20")) as unknown as LedgerContract;
// OZ 5 proxies refuse empty init data: the first mint is the initializing call.
const initData = implementation.interface.encodeFunctionData("mint", [alice.address, 1_000n * UNIT]);
const proxy = await ethers.deployContract("BenchERC1967Proxy", [await implementation.getAddress(), initData]);
const proxied = implementation.attach(await proxy.getAddress()) as LedgerContract;
await (await proxied.mint(bob.address, 1_000n * UNIT)).wait();
const proxiedTransferWarm = await gas(proxied.connect(alice).transfer(bob.address, UNIT));

// ---- GoodsToken ----
// Alice (tier 1) → bob (tier 2): different tiers, so both tier slots are read (the worse case, reported as
// transferWarm). Same tier: the issuer (tier 3) → the merchant (tier 3) once the merchant holds a balance.
await (await token.connect(issuer).transfer(merchant.address, UNIT)).wait();
const oursTransferWarm = await gas(token.connect(alice).transfer(bob.address, UNIT));
const oursTransferWarmSameTier = await gas(token.connect(issuer).transfer(merchant.address, UNIT));

const asRegistrar = token.connect(registrar);
const oursRegisterWallet = await gas(
  asRegistrar.registerWallet(cold.address, WalletRole.Individual, 2, 1, 1, kycExpiryDay),
);
const oursTransferCold = await gas(token.connect(alice).transfer(cold.address, UNIT));

await (
  await asRegistrar.registerWallets(
    recipients.map((account) => ({
      account,
      role: WalletRole.Individual,
      tier: 2,
      region: 1,
      institution: 1,
      kycExpiryDay,
    })),
  )
).wait();
for (const r of recipients) await (await token.connect(issuer).transfer(r, 1n)).wait();
const oursBatch = await gas(token.connect(issuer).batchTransfer(recipients, recipients.map(() => UNIT)));

// issue: to a holder, on a day whose expiry buckets are already settled (the common case) …
await (await token.connect(issuer).issue(lotA, bob.address, UNIT, ethers.id("warm-up"))).wait();
const oursIssue = await gas(token.connect(issuer).issue(lotA, bob.address, UNIT, ethers.id("cash-in-1")));
// … and the first issue of a new day, which settles one day's bucket.
await networkHelpers.time.increase(DAY);
const oursIssueFirstOfDay = await gas(token.connect(issuer).issue(lotA, bob.address, UNIT, ethers.id("cash-in-2")));

// A QR payment (payWithAuthorization: the request's reference bound to payee and amount), submitted by a relayer
// (the merchant), paying bob (already a holder). Kept under the key `transferWithAuthorization`.
const payment = await signPayment(connection, token, alice, { to: bob.address, value: UNIT, requestId: ethers.id("qr-request-1") });
const oursTransferWithAuthorization = await gas(token.connect(merchant).payWithAuthorization(...paymentArgs(payment)));

// The first issue after 1,000 idle days: a lot valid throughout, bob's KYC too; lots A and B expire in between (two
// expiry buckets to settle).
const lasting = ethers.id("LOT-IDLE");
const start = BigInt(await networkHelpers.time.latest());
await (await reserveRegistry.connect(custodian).attestLot(lasting, attestation(ethers, "SALT", 10_000n, 10_000_000n * UNIT, start + 2_000n * DAY))).wait();
await (await asRegistrar.updateWallet(bob.address, WalletRole.Individual, 2, 2, 2, start / DAY + 2_000n, ethers.id("kyc"))).wait();
await (await token.connect(issuer).issue(lasting, bob.address, UNIT, ethers.id("before-idle"))).wait();
await networkHelpers.time.increase(1_000n * DAY);
const oursValidReservesAfterIdle = await reserveRegistry.validReserves.estimateGas();
const oursIssueAfterIdle = await gas(token.connect(issuer).issue(lasting, bob.address, UNIT, ethers.id("after-idle")));

// ---- report ----
const ratio = (ours: bigint, baseline: bigint) => Math.round((Number(ours) / Number(baseline)) * 1000) / 1000;
const pair = (ours: bigint, baseline: bigint) => ({ ours: Number(ours), baseline: Number(baseline), ratio: ratio(ours, baseline) });
const perRecipient = (total: bigint) => total / BigInt(BATCH);

const results = {
  transferWarm: pair(oursTransferWarm, plainTransferWarm),
  transferCold: pair(oursTransferCold, plainTransferCold),
  issue: pair(oursIssue, plainMintWarm),
  batchPerRecipientWarm: pair(perRecipient(oursBatch), perRecipient(plainBatch)),
  registerWallet: { ours: Number(oursRegisterWallet) },
  transferWithAuthorization: { ours: Number(oursTransferWithAuthorization) },
  issueAfterIdle1000Days: { ours: Number(oursIssueAfterIdle) },
  validReservesAfterIdle1000Days: { ours: Number(oursValidReservesAfterIdle) },
  // Extras.
  transferWarmSameTier: pair(oursTransferWarmSameTier, plainTransferWarm),
  issueFirstOfDay: pair(oursIssueFirstOfDay, plainMintWarm),
  proxyOverhead: {
    proxied: Number(proxiedTransferWarm),
    baseline: Number(plainTransferWarm),
    extraGasPerTransfer: Number(proxiedTransferWarm - plainTransferWarm),
    ratio: ratio(proxiedTransferWarm, plainTransferWarm),
  },
};

// Bars are checked on the exact ratios (the JSON rounds to 3 decimals).
const exact = (p: { ours: number; baseline: number }) => p.ours / p.baseline;
const bars: Array<[string, boolean]> = [
  ["transferWarm.ratio ≤ 1.20", exact(results.transferWarm) <= 1.2],
  ["issue.ratio ≤ 1.50", exact(results.issue) <= 1.5],
  ["batchPerRecipientWarm.ratio ≤ 1.20", exact(results.batchPerRecipientWarm) <= 1.2],
  ["registerWallet.ours ≤ 60000", results.registerWallet.ours <= 60_000],
  ["transferWithAuthorization.ours (payWithAuthorization) ≤ 100000", results.transferWithAuthorization.ours <= 100_000],
  ["issueAfterIdle1000Days.ours ≤ 100000", results.issueAfterIdle1000Days.ours <= 100_000],
  ["validReservesAfterIdle1000Days.ours ≤ 100000", results.validReservesAfterIdle1000Days.ours <= 100_000],
];

const rows: Array<[string, number, number | string, number | string]> = [
  ["transferWarm (tier 1 → tier 2)", results.transferWarm.ours, results.transferWarm.baseline, results.transferWarm.ratio],
  ["transferWarm (same tier)", results.transferWarmSameTier.ours, results.transferWarmSameTier.baseline, results.transferWarmSameTier.ratio],
  ["transferCold (recipient at 0)", results.transferCold.ours, results.transferCold.baseline, results.transferCold.ratio],
  ["issue (mint to a holder)", results.issue.ours, results.issue.baseline, results.issue.ratio],
  ["issue, first of a new day", results.issueFirstOfDay.ours, results.issueFirstOfDay.baseline, results.issueFirstOfDay.ratio],
  [`batch, per recipient (${BATCH} warm)`, results.batchPerRecipientWarm.ours, results.batchPerRecipientWarm.baseline, results.batchPerRecipientWarm.ratio],
  ["registerWallet", results.registerWallet.ours, "-", "-"],
  ["QR payment (payWithAuthorization)", results.transferWithAuthorization.ours, "-", "-"],
  ["first issue after 1,000 idle days", results.issueAfterIdle1000Days.ours, "-", "-"],
  ["validReserves() after 1,000 idle days", results.validReservesAfterIdle1000Days.ours, "-", "-"],
  ["plain ERC-20 behind ERC-1967 proxy", results.proxyOverhead.proxied, results.proxyOverhead.baseline, results.proxyOverhead.ratio],
];
console.log(`${"operation".padEnd(40)}${"ours".padStart(10)}${"baseline".padStart(10)}${"ratio".padStart(8)}`);
for (const [label, ours, baseline, r] of rows) {
  console.log(`${label.padEnd(40)}${String(ours).padStart(10)}${String(baseline).padStart(10)}${String(r).padStart(8)}`);
}
console.log(`proxy overhead: +${results.proxyOverhead.extraGasPerTransfer} gas per transfer`);
for (const [bar, ok] of bars) console.log(`${ok ? "ok  " : "FAIL"} ${bar}`);

const out = join(here, "results", "gas.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${out}`);
process.exit(bars.every(([, ok]) => ok) ? 0 : 1);
