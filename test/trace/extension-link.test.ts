/**
 * The live model's lineage (`lineageOf`, `extendsLineage`, src/trace/model.ts): which view extends which, so that
 * replays carry over, without any view holding another. Before, a WeakMap linked each view to the one before it,
 * which kept every view since the start alive with its adjacency: the soak's `index --follow` and `serve` grew by
 * ~0.8 MB a block at 100,000 transfers.
 */
import { expect } from "chai";
import fc from "fast-check";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { buildModel, extendsLineage, lineageOf, liveBuilder } from "../../src/trace/model.js";
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

describe("trace model › live: a view's lineage says which views it extends, and holds none of them", function () {
  const histories = historyArbitrary({ ops: 60 }).filter((h) => h.tip >= 4);
  const [history] = fc.sample(histories, { seed: SEED, numRuns: 1 });

  it("each appended view extends every earlier view of its builder; after a rollback, none from before it", function () {
    fc.assert(
      fc.property(histories, (h) => {
        const vs = views(h, 1);
        for (let i = 0; i < vs.length; i++) {
          // An earlier view with as many transfers (the blocks between held only events) counts as extending it too:
          // the replays, which follow transfers only, carry over either way.
          for (let j = 0; j < vs.length; j++) expect(extendsLineage(vs[i]!, lineageOf(vs[j]!)!), `view ${i} extends view ${j}`).to.equal(i >= j || vs[i]!.size === vs[j]!.size);
        }
        const newest = vs.at(-1)!;
        const back = liveBuilder(newest)!.rollback({ block: 1, hash: null, timestamp: h.times[1]! });
        for (const v of vs) expect(extendsLineage(back, lineageOf(v)!), `the rolled-back view extends the view at block ${v.tip.block}`).to.equal(false);
        // A model built on its own (another builder) extends none of them either.
        expect(extendsLineage(buildModel(h.transfers, h.events, { block: h.tip, hash: null, timestamp: h.times[h.tip]! }), lineageOf(vs[0]!)!)).to.equal(false);
      }),
      propertyParams("lineage: extends exactly the earlier views of its line", 30),
    );
  });

  it("older views are collectable while the newest lives (garbage collected, not held by the chain of links)", async function () {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const make = () => {
      const vs = views(history!, 1);
      return { newest: vs.at(-1)!, older: vs.slice(0, -1).map((v) => new WeakRef(v)) };
    };
    const { newest, older } = make();
    // WeakRef targets stay alive until the current job ends: collect on a later turn.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(older.filter((r) => r.deref() !== undefined).length, "older views still reachable").to.equal(0);
    expect(lineageOf(newest)).to.not.equal(undefined);
  });

  it("appends leave no adjacency behind: every view's adjacency sits in one of the builder's two sets of buffers", function () {
    this.timeout(120_000);
    // 20,000 transfers among 500 wallets: a copy of the adjacency per append would be ~160 kB of garbage each time.
    const wallets = Array.from({ length: 500 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}` as const);
    let k = 0;
    const row = (block: number, i: number): TransferRow => ({
      checkpoint: encodeCheckpoint({ block, txIndex: 0, logIndex: i }), block, txIndex: 0, logIndex: i, txHash: `0x${"ab".repeat(32)}`, timestamp: block,
      from: wallets[(k * 7) % 500]!, to: wallets[(k++ * 13 + 1) % 500]!, amount: 1n, kind: "transfer", lot: null, reference: null,
    });
    const rows: TransferRow[] = [];
    for (let b = 1; b <= 40; b++) for (let i = 0; i < 500; i++) rows.push(row(b, i));
    let m = buildModel(rows, [], { block: 40, hash: null, timestamp: 40 });
    const buffers = new Set<ArrayBufferLike>();
    for (let b = 41; b <= 440; b++) {
      m = liveBuilder(m)!.append([row(b, 0), row(b, 1)], [], { block: b, hash: null, timestamp: b });
      for (const a of [m.outStart, m.outSeq, m.inStart, m.inSeq]) buffers.add(a.buffer);
    }
    // Two sets of four (written in turn), and a few more only when a column outgrows the address space it reserved.
    expect(buffers.size, "distinct adjacency buffers over 400 appends").to.be.at.most(12);
  });
});
