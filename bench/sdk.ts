/**
 * SDK pipelined submission vs the fastest viem-only path, against the same `hardhat node` process, in one run.
 *
 * - **baseline**: viem alone. N transactions pre-signed *before* the clock starts (chain id, nonce, gas and fees
 *   prefilled), then sent as raw transactions over `http(url, { batch })`, one batch at a time (an automining
 *   node refuses out-of-order nonces), with the batch size chosen by a calibration run (the fastest wins), until
 *   the sender's nonce shows all N mined.
 * - **ours** (the gate): N compliant transfers (institution wallet → registered wallets) signed by the SDK's
 *   `signTransfers` before the clock starts, like the baseline's, then `sendTransfers({ signed })`: pipelined
 *   submission and a confirmed outcome for every transfer inside the clock.
 * - **end to end** (for the record): `sendTransfers({ transfers })` signing inside its clock with the SDK's
 *   WebAssembly signer, and once with viem's JavaScript signer, against the same pre-signed baseline.
 *
 * Each round runs every side back to back, rotating which goes first. Each side's median throughput is reported;
 * the ratio is the median of the per-round ratios. The node and this process run at a raised scheduling priority
 * (see below).
 * Writes bench/results/sdk.json and exits 1 when the ratio is below 0.90.
 *
 *   npm run bench -- sdk                      # N = 2000
 *   SDK_BENCH_TRANSFERS=4000 npm run bench -- sdk
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, setPriority } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bytesToHex, createPublicClient, encodeFunctionData, http, keccak256, numberToHex, pad, toEventSelector, toHex, type Address, type HDAccount, type Hex, type LocalAccount } from "viem";
import { privateKeyToWasmAccount } from "@goods-ledger/sdk/accounts/wasm";
import { goodsTokenAbi, TRANSFER_GAS_LIMIT, type LedgerClient } from "@goods-ledger/sdk";
import { deployNodeLedger, startHardhatNode } from "../test/sdk/support/ledgerNode.js";

const here = dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.SDK_BENCH_TRANSFERS ?? 2000);
const ROUNDS = 9;
const NICE = -10;
const GATE = 0.9;
const AMOUNT = 10_000n; // 0.01 token per transfer
const RECIPIENTS: Address[] = Array.from({ length: 50 }, (_, i) => `0x${keccak256(toHex(`bench-recipient-${i}`)).slice(26)}` as Address);
const TRANSFER_TOPIC = toEventSelector("Transfer(address,address,uint256)");

const transfers = (n: number) => Array.from({ length: n }, (_, i) => ({ to: RECIPIENTS[i % RECIPIENTS.length]!, amount: AMOUNT }));

/** The viem-only path. Returns transfers per second; throws unless every transfer succeeded. */
async function baseline(url: string, account: LocalAccount, token: Address, n: number, batchSize: number): Promise<number> {
  const client = createPublicClient({ transport: http(url, { batch: { batchSize, wait: 0 }, retryCount: 0 }) });
  const [block, priority, nonce0, chainId] = await Promise.all([
    client.getBlock(),
    client.estimateMaxPriorityFeePerGas(),
    client.getTransactionCount({ address: account.address, blockTag: "pending" }),
    client.getChainId(),
  ]);
  const fees = { maxFeePerGas: block.baseFeePerGas! * 2n + priority, maxPriorityFeePerGas: priority };
  const raws: Hex[] = [];
  for (const [i, t] of transfers(n).entries()) {
    const data = encodeFunctionData({ abi: goodsTokenAbi, functionName: "transfer", args: [t.to, t.amount] });
    raws.push(await account.signTransaction({ chainId, type: "eip1559", nonce: nonce0 + i, gas: TRANSFER_GAS_LIMIT, to: token, data, ...fees }));
  }
  const start = performance.now();
  // One batch at a time: an automining node refuses a nonce that arrives before its predecessor, and two
  // HTTP batches in flight can be processed interleaved.
  for (let i = 0; i < n; i += batchSize) {
    await Promise.all(raws.slice(i, i + batchSize).map((raw) => client.request({ method: "eth_sendRawTransaction", params: [raw] })));
  }
  while ((await client.getTransactionCount({ address: account.address, blockTag: "latest" })) < nonce0 + n) await new Promise((r) => setTimeout(r, 2));
  const seconds = (performance.now() - start) / 1000;
  // Outside the clock: every one of them moved value (a reverted transaction has no Transfer log).
  const logs = (await client.request({
    method: "eth_getLogs",
    params: [{ address: token, topics: [TRANSFER_TOPIC, pad(account.address)], fromBlock: numberToHex(block.number! + 1n), toBlock: "latest" }],
  })) as { transactionHash: Hex }[];
  const hashes = new Set(raws.map((raw) => keccak256(raw)));
  const confirmed = logs.filter((log) => hashes.has(log.transactionHash)).length;
  if (confirmed !== n) throw new Error(`baseline: only ${confirmed} of ${n} transfers succeeded`);
  return n / seconds;
}

/**
 * The SDK's pipelined submission. `presigned`: the transfers are signed by `signTransfers` before the clock
 * starts, as the baseline's are; otherwise `sendTransfers` signs them inside the clock. Returns transfers per
 * second; throws unless every outcome is success.
 */
async function ours(client: LedgerClient, n: number, presigned: boolean): Promise<number> {
  const signed = presigned ? await client.signTransfers({ transfers: transfers(n) }) : undefined;
  const start = performance.now();
  const outcomes = await client.sendTransfers(signed ? { signed } : { transfers: transfers(n) });
  const seconds = (performance.now() - start) / 1000;
  const failed = outcomes.filter((o) => o.status !== "success");
  if (failed.length > 0) throw new Error(`sdk: ${failed.length} of ${n} transfers did not succeed: ${failed[0]!.status}`);
  return n / seconds;
}

/** The 1-minute load average and, where Linux reports it, the share of time tasks waited for a CPU. */
function machineLoad(): string {
  let pressure = "";
  try {
    pressure = `, CPU pressure ${/avg10=([\d.]+)/.exec(readFileSync("/proc/pressure/cpu", "utf8"))![1]}%`;
  } catch {
    // not Linux, or no pressure stall information
  }
  return `load average ${loadavg()[0]!.toFixed(2)}${pressure}`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const node = await startHardhatNode();
// Other work on this shared two-core machine (other test runs) would decide the result more than the code
// does. Both processes of the measurement, the node and this one (which runs both sides), get a raised
// scheduling priority on every thread (Linux nice values are per thread), to approximate an idle machine for
// both sides alike.
let priority = "default";
function raisePriority(): void {
  try {
    for (const pid of [node.process.pid!, process.pid]) {
      for (const tid of readdirSync(`/proc/${pid}/task`)) setPriority(Number(tid), NICE);
    }
    priority = `nice ${NICE} on every thread of the node and of the client`;
  } catch {
    console.log("(could not raise the priority of the node and the client; measuring at the default)");
  }
}
raisePriority();
try {
  console.log(`hardhat node at ${node.url}; deploying the ledger and registering ${RECIPIENTS.length} recipients…`);
  const ledger = await deployNodeLedger(node.url, { senders: 2, perSender: "100000", recipients: RECIPIENTS });
  const token = ledger.deployment.contracts.token;
  const [baselineAccount, sdkAccount] = ledger.senders as [HDAccount, HDAccount];
  const sdk = ledger.clientFor(privateKeyToWasmAccount(bytesToHex(sdkAccount.getHdKey().privateKey!)));
  const sdkWithViemSigner = ledger.clientFor(sdkAccount);

  raisePriority(); // threads started while deploying
  // Warm-up (JIT, recipients' first credit) and calibration of the baseline's batch size.
  await ours(sdk, 500, false);
  let batchSize = 100;
  let best = 0;
  for (const size of [50, 100, 250, 500]) {
    const tps = await baseline(node.url, baselineAccount, token, 1_000, size);
    console.log(`baseline calibration: batches of ${size} → ${tps.toFixed(0)} tx/s`);
    if (tps > best) [best, batchSize] = [tps, size];
  }

  const loadBefore = machineLoad();
  const sides = {
    baseline: () => baseline(node.url, baselineAccount, token, N, batchSize),
    ours: () => ours(sdk, N, true),
    ours_end_to_end: () => ours(sdk, N, false),
  };
  type Side = keyof typeof sides;
  const names = Object.keys(sides) as Side[];
  const rounds: Record<Side, number>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round = {} as Record<Side, number>;
    for (const side of [...names.slice(r % names.length), ...names.slice(0, r % names.length)]) round[side] = await sides[side]();
    rounds.push(round);
    console.log(`round ${r + 1}: ${names.map((side) => `${side} ${round[side].toFixed(0)}`).join(", ")} tx/s`);
  }
  // For the record: signing inside the clock with viem's pure-JavaScript signer (once).
  const viemSignerTps = await ours(sdkWithViemSigner, N, false);
  console.log(`end to end with viem's JavaScript signer: ${viemSignerTps.toFixed(0)} tx/s`);

  const [baselineTps, oursTps, endToEndTps] = names.map((side) => median(rounds.map((r) => r[side]))) as [number, number, number];
  // Paired: within a round the sides run back to back under the same machine load, so the ratio is the median
  // of the per-round ratios (the load on this shared machine drifts between rounds far more than within one).
  const pairedRatio = (side: Side) => median(rounds.map((r) => r[side] / r.baseline));
  const ratio = pairedRatio("ours");
  const result = {
    pipelined: {
      transfers: N,
      ours_tps: Math.round(oursTps),
      baseline_tps: Math.round(baselineTps),
      ratio: Number(ratio.toFixed(3)),
      ratio_is: "the median over rounds of ours_tps / baseline_tps within each round (each round runs the sides back to back)",
      baseline: `viem only: transactions pre-signed before the clock, sent raw over http batches of ${batchSize} (fastest of 50/100/250/500), one batch at a time, until the sender's nonce shows all mined`,
      ours: "SDK: transfers pre-signed before the clock by signTransfers, then sendTransfers({ signed }): pipelined submission and a confirmed outcome for every transfer inside the clock",
      end_to_end: {
        ours_tps: Math.round(endToEndTps),
        ratio: Number(pairedRatio("ours_end_to_end").toFixed(3)),
        note: "sendTransfers({ transfers }) signing inside its clock (WebAssembly signer) against the same pre-signed baseline",
        viem_signer_tps: Math.round(viemSignerTps),
      },
      rounds: rounds.map((r) => Object.fromEntries(names.map((side) => [side, Math.round(r[side])]))),
      node: "hardhat node (EDR), automine, a separate process on the same machine",
      priority,
      machine_load: `before the rounds: ${loadBefore}; after: ${machineLoad()} (2 cores)`,
    },
  };
  mkdirSync(join(here, "results"), { recursive: true });
  writeFileSync(join(here, "results", "sdk.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`sdk pipelined: ${result.pipelined.ours_tps} tx/s vs baseline ${result.pipelined.baseline_tps} tx/s → ratio ${result.pipelined.ratio} (gate ≥ ${GATE})`);
  if (ratio < GATE) {
    console.error(`sdk bench: ratio ${ratio.toFixed(3)} is below the ${GATE} gate`);
    process.exitCode = 1;
  }
} finally {
  await node.stop();
}
