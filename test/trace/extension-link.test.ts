/**
 * The live model's link from a view to the view it extends (`extensionOf`, src/trace/model.ts): kept for the
 * newest view only, so a live model that appends a block a second holds one older view at most. Before, each
 * view's link kept the one before it alive, and with it every view since the start and its adjacency: the
 * soak's `index --follow` and `serve` grew by ~0.8 MB a block at 100,000 transfers.
 */
import { expect } from "chai";
import fc from "fast-check";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { COLLECT_EVERY_BYTES, collections } from "../../src/trace/collect.js";
import { buildModel, extensionOf, liveBuilder } from "../../src/trace/model.js";
import type { TransferRow } from "../../src/indexer/types.js";
import { encodeCheckpoint } from "../../src/indexer/checkpoint.js";
import type { TraceModel } from "../../src/trace/model.js";
import { SEED, propertyParams } from "../support/seed.js";
import { historyArbitrary } from "./history.js";
import type { History } from "./history.js";

/** The model of the history up to `block`, then the live views appended block by block up to the tip. */
function views(h: History, first: number): TraceModel[] {
  const out = [buildModel(h.transfers.filter((t) => t.block <= first), h.events.filter((e) => e.block <= first), { block: first, hash: null, timestamp: h.times[first]! })];
  for (let b = first + 1; b <= h.tip; b++) {
    const builder = liveBuilder(out.at(-1)!);
    if (builder === null) throw new Error("not the live view of its builder");
    out.push(builder.append(h.transfers.filter((t) => t.block === b), h.events.filter((e) => e.block === b), { block: b, hash: null, timestamp: h.times[b]! }));
  }
  return out;
}

describe("trace model › live: a view links to the view it extends, and only the newest view keeps its link", function () {
  const histories = historyArbitrary({ ops: 60 }).filter((h) => h.tip >= 4);
  const [history] = fc.sample(histories, { seed: SEED, numRuns: 1 });

  it("after each append the new view links to the previous one, and the previous one's own link is gone", function () {
    fc.assert(
      fc.property(histories, (h) => {
        const vs = views(h, 1);
        expect(extensionOf.get(vs.at(-1)!)).to.equal(vs.at(-2));
        for (const v of vs.slice(0, -1)) expect(extensionOf.has(v), `view at block ${v.tip.block}`).to.equal(false);
      }),
      propertyParams("extension link: newest view only", 30),
    );
  });

  it("older views are collectable while the newest lives (garbage collected, not held by the chain of links)", async function () {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const make = () => {
      const vs = views(history!, 1);
      return { newest: vs.at(-1)!, older: vs.slice(0, -2).map((v) => new WeakRef(v)) };
    };
    const { newest, older } = make();
    // WeakRef targets stay alive until the current job ends: collect on a later turn.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(older.filter((r) => r.deref() !== undefined).length, "older views still reachable").to.equal(0);
    expect(extensionOf.get(newest)).to.not.equal(undefined);
  });

  it("appends ask for a full collection once 64 MiB of old adjacency is left behind, and the old buffers are freed", async function () {
    this.timeout(120_000);
    // 20,000 transfers among 500 wallets: each append leaves ~160 kB of adjacency behind.
    const wallets = Array.from({ length: 500 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}` as const);
    let k = 0;
    const row = (block: number, i: number): TransferRow => ({
      checkpoint: encodeCheckpoint({ block, txIndex: 0, logIndex: i }), block, txIndex: 0, logIndex: i, txHash: `0x${"ab".repeat(32)}`, timestamp: block,
      from: wallets[(k * 7) % 500]!, to: wallets[(k++ * 13 + 1) % 500]!, amount: 1n, kind: "transfer", lot: null, reference: null,
    });
    const rows: TransferRow[] = [];
    for (let b = 1; b <= 40; b++) for (let i = 0; i < 500; i++) rows.push(row(b, i));
    let m = buildModel(rows, [], { block: 40, hash: null, timestamp: 40 });
    const perAppend = (m.outStart.byteLength + m.outSeq.byteLength + m.inStart.byteLength + m.inSeq.byteLength);
    const before = collections.count;
    const appends = Math.ceil((2 * COLLECT_EVERY_BYTES) / perAppend) + 2;
    let peak = 0;
    for (let b = 41; b <= 40 + appends; b++) {
      m = liveBuilder(m)!.append([row(b, 0)], [], { block: b, hash: null, timestamp: b });
      if (b % 20 === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      }
    }
    expect(collections.count - before, `${appends} appends of ${perAppend} bytes`).to.be.at.least(2);
    // Without the collections the old adjacency of every append would pile up (here 2 × 64 MiB); with them, at most
    // about 64 MiB of it waits, besides whatever else the test process holds.
    expect(peak, "ArrayBuffer memory at its peak").to.be.below(process.memoryUsage().arrayBuffers + COLLECT_EVERY_BYTES * 1.5);
  });
});
