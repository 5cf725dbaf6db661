import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "../../src/indexer/store/store.js";
import type { Hex } from "../../src/indexer/types.js";
import { amountOf, buildModel, checkpointOf, extendModel, liveBuilder, loadModel, ModelBuilder, modelCounters, referenceOf, transferRow, txHashOf } from "../../src/trace/model.js";
import type { TraceModel } from "../../src/trace/model.js";
import { TraceInputError } from "../../src/trace/errors.js";
import { transferSeq } from "../../src/trace/options.js";
import { runQuery, type TraceQuery } from "../../src/trace/query.js";
import { loadWithSnapshot, readSnapshot, writeSnapshot } from "../../src/trace/snapshot.js";
import { onEachStore } from "../indexer/stores.js";
import { propertyParams } from "../support/seed.js";
import { columns } from "./extend.test.js";
import { HistoryBuilder, W } from "./build.js";
import { historyArbitrary } from "./history.js";
import type { History } from "./history.js";

/** A block's hash on the main branch, and on the branch a reorg switches to. */
const hashOf = (n: number, branch: number): Hex => `0x${(branch * 0x100_0000 + n).toString(16).padStart(64, "0")}` as Hex;

/** Commits blocks from..to of a history (or no rows: an emptier branch) as one batch on a branch. */
async function commit(store: Store, h: History, from: number, to: number, branch: number, rows = true): Promise<void> {
  await store.commit({
    fromBlock: from, toBlock: to, toHash: hashOf(to, branch),
    headers: [{ number: to, hash: hashOf(to, branch), parentHash: hashOf(to - 1, branch), timestamp: h.times[to]! }],
    transfers: rows ? h.transfers.filter((t) => t.block >= from && t.block <= to) : [],
    events: rows ? h.events.filter((e) => e.block >= from && e.block <= to) : [],
  });
}

/** The store seen through its paged reads only (no `scanTransfers` fast path): the generic way a model is read. */
function rowByRow(store: Store): Store {
  return {
    kind: store.kind, location: store.location,
    position: () => store.position(), counts: () => store.counts(), headers: (a: number, b: number) => store.headers(a, b),
    events: (q: Parameters<Store["events"]>[0]) => store.events(q), transfers: (q: Parameters<Store["transfers"]>[0]) => store.transfers(q),
  } as unknown as Store;
}

/** A spread of queries of every kind over a history's wallets, lots and blocks. */
function queries(h: History, tip: number): TraceQuery[] {
  const w = h.wallets;
  const at = Math.max(1, Math.floor(tip / 2));
  return [
    ...w.slice(0, 4).flatMap((wallet): TraceQuery[] => [
      { kind: "forward", wallet, hops: 4 }, { kind: "backward", wallet, hops: 4 },
      { kind: "provenance", wallet, policy: "fifo" }, { kind: "provenance", wallet, policy: "haircut", atBlock: at },
      { kind: "exposure", wallet, policy: "poison", flagged: [w[2]!] }, { kind: "exposure", wallet, policy: "fifo", flagged: [w[2]!, w[3]!] },
      { kind: "exposure", wallet, policy: "haircut", flagged: [w[3]!] },
      { kind: "asof", wallet, block: at },
    ]),
    { kind: "path", from: w[0]!, to: w[3]!, hops: 5 },
    { kind: "alerts" },
    ...h.lots.slice(0, 2).map((lot): TraceQuery => ({ kind: "asof", lot, block: tip })),
  ] as TraceQuery[];
}

/** Every query's answer (or its error message), as JSON text. */
function answers(model: TraceModel, qs: readonly TraceQuery[]): string[] {
  return qs.map((q) => {
    try {
      return JSON.stringify(runQuery(model, q), (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
    } catch (error) {
      return `error: ${(error as Error).message}`;
    }
  });
}

/** The live model and a model rebuilt from the store hold the same history and answer every query alike. */
function expectSame(live: TraceModel, rebuilt: TraceModel, h: History): void {
  expect(columns(live)).to.deep.equal(columns(rebuilt));
  const qs = queries(h, rebuilt.tip.block);
  expect(answers(live, qs)).to.deep.equal(answers(rebuilt, qs));
}

describe("trace model › compact columns", function () {
  it("holds amounts at and beyond 2^64 exactly (sparse), references sparsely, hashes and checkpoints as packed columns, and a snapshot keeps them", function () {
    const dir = mkdtempSync(join(tmpdir(), "goods-ledger-snapshot-"));
    try {
      const b = new HistoryBuilder()
        .issue(1, W(1), (1n << 70n) + 3n)
        .issue(1, W(2), (1n << 64n) - 1n)
        .issue(2, W(2), 1n << 64n)
        .transfer(3, W(1), W(2), (1n << 53n) + 1n);
      b.transfers[1]!.reference = `0x${"ab".repeat(32)}` as Hex;
      const model = b.model();
      const path = join(dir, "m.snapshot");
      writeSnapshot(model, path, null);
      for (const m of [model, readSnapshot(path).model]) {
        expect([0, 1, 2, 3].map((s) => amountOf(m, s))).to.deep.equal([(1n << 70n) + 3n, (1n << 64n) - 1n, 1n << 64n, (1n << 53n) + 1n]);
        expect([0, 1, 2, 3].map((s) => referenceOf(m, s))).to.deep.equal([null, `0x${"ab".repeat(32)}`, null, null]);
        expect([0, 1, 2, 3].map((s) => transferRow(m, s))).to.deep.equal(b.transfers);
        expect(checkpointOf(m, 3)).to.equal(b.transfers[3]!.checkpoint);
        expect(txHashOf(m, 2)).to.equal(b.transfers[2]!.txHash);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Appends `steps` batches of `h` to `builder` after `block` (its view `previous`, null for none), checking that each
 * new view and the one before it equal a rebuild of their blocks (L3). `tips` collects the tips passed through.
 */
function appendChecked(h: History, builder: ModelBuilder, previous: TraceModel | null, block: number, steps: readonly number[], tips: number[]): void {
  // A rebuild knowing the same block times (every tip the appends passed through).
  const upTo = (b0: number) => buildModel(
    h.transfers.filter((t) => t.block <= b0), h.events.filter((e) => e.block <= b0), { block: b0, hash: null, timestamp: h.times[b0]! },
    tips.filter((b) => b <= b0).map((b) => ({ number: b, timestamp: h.times[b]! })),
  );
  if (previous !== null) expect(columns(previous)).to.deep.equal(columns(upTo(block)));
  for (const step of steps) {
    const next = Math.min(h.tip, block + step);
    if (next === block) break;
    tips.push(next);
    const current = builder.append(
      h.transfers.filter((t) => t.block > block && t.block <= next), h.events.filter((e) => e.block > block && e.block <= next),
      { block: next, hash: null, timestamp: h.times[next]! },
    );
    expect(columns(current)).to.deep.equal(columns(upTo(next)));
    if (previous !== null) {
      const [a, b] = [columns(previous), columns(upTo(block))];
      for (const k of Object.keys(a) as (keyof typeof a)[]) expect(a[k], `the view before the current one is untouched: ${k}`).to.deep.equal(b[k]);
    }
    previous = current;
    block = next;
  }
}

describe("trace model › double-buffered adjacency (L3)", function () {
  it("after each append the new view and the one before it both equal a rebuild of their blocks; no append writes over the view just before", function () {
    fc.assert(
      fc.property(historyArbitrary({ ops: 40 }), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 10 }), (h, steps) => {
        appendChecked(h, new ModelBuilder(), null, 0, steps, []);
      }),
      propertyParams("model double-buffered adjacency", 30),
    );
  });
});

describe("trace model › double-buffered adjacency from a snapshot (L3)", function () {
  it("a model read from a snapshot appends into the snapshot's adjacency columns as its second buffer: each new view and the one before it equal a rebuild", function () {
    const dir = mkdtempSync(join(tmpdir(), "goods-ledger-l3-snapshot-"));
    try {
      fc.assert(
        fc.property(historyArbitrary({ ops: 40 }), fc.integer({ min: 1, max: 4 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 8 }), (h, cut0, steps) => {
          const cut = Math.min(h.tip, cut0);
          const path = join(dir, "model.snapshot");
          writeSnapshot(new ModelBuilder().append(
            h.transfers.filter((t) => t.block <= cut), h.events.filter((e) => e.block <= cut), { block: cut, hash: null, timestamp: h.times[cut]! },
          ), path, null);
          const restored = readSnapshot(path).model;
          appendChecked(h, liveBuilder(restored)!, restored, cut, steps, [cut]);
        }),
        propertyParams("model double-buffered adjacency from a snapshot", 20),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("trace model › live: appended in place and rolled back with the store, equal to a rebuild", function () {
  this.timeout(600_000);

  onEachStore((factory) => {
    it("append == rebuild and rollback == rebuild at the fork, over random histories cut into batches with reorgs (no rebuild on the way)", async function () {
      await fc.assert(
        fc.asyncProperty(
          historyArbitrary({ ops: 40 }),
          fc.array(fc.record({ step: fc.integer({ min: 1, max: 8 }), reorg: fc.integer({ min: 0, max: 2 }), back: fc.nat(), empty: fc.boolean() }), { minLength: 1, maxLength: 6 }),
          async (h, plan) => {
            fc.pre(h.tip >= 3);
            const store = await factory().open();
            try {
              let branch = 0;
              const ends = [1];
              await commit(store, h, 1, 1, branch);
              let live = await loadModel(store);
              let appends = 0;
              let rollbacks = 0;
              for (const p of plan) {
                const pos = ends.at(-1)!;
                const reorg = p.reorg === 0 && ends.length > 1;
                const rolledBack = modelCounters.rollbacks;
                if (reorg) {
                  // A reorg: the store rolls back to an earlier batch end; the new branch has other hashes, and
                  // either the same rows again or none at all in its first blocks.
                  const fork = ends[p.back % (ends.length - 1)]!;
                  await store.rollback(fork);
                  while (ends.at(-1)! > fork) ends.pop();
                  branch++;
                  const to = Math.min(h.tip, fork + p.step);
                  if (to > fork) {
                    if (p.empty) {
                      await commit(store, h, fork + 1, h.tip, branch, false);
                      ends.push(h.tip);
                    } else {
                      await commit(store, h, fork + 1, to, branch);
                      ends.push(to);
                    }
                  }
                  rollbacks++;
                } else {
                  const to = Math.min(h.tip, pos + p.step);
                  if (to === pos) continue;
                  await commit(store, h, pos + 1, to, branch);
                  ends.push(to);
                }
                const builds = modelCounters.builds;
                live = await extendModel(live, store);
                appends++;
                expect(modelCounters.builds, "the live model was appended to, not rebuilt").to.equal(builds);
                expect(modelCounters.rollbacks - rolledBack, "rolled back on a reorg only").to.equal(reorg ? 1 : 0);
                const position = (await store.position())!;
                expect(live.tip.block).to.equal(position.block);
                expectSame(live, await loadModel(store), h);
                expectSame(live, await loadModel(rowByRow(store)), h);
              }
              expect(appends + rollbacks).to.be.greaterThan(0);
            } finally {
              // The factory closes its stores.
            }
          },
        ),
        propertyParams(`live model append/rollback (${factory().name})`, 15),
      );
    });

    it("a snapshot round-trips: read back, it equals the model and a rebuild; opened on a store that moved on, it appends; after a reorg below its tip, it rolls back", async function () {
      await fc.assert(
        fc.asyncProperty(historyArbitrary({ ops: 30, huge: true }), fc.integer({ min: 1, max: 99 }), async (h, cutPct) => {
          fc.pre(h.tip >= 4);
          const cut = 2 + Math.floor(((h.tip - 3) * cutPct) / 100);
          const store = await factory().open();
          const dir = mkdtempSync(join(tmpdir(), "goods-ledger-snapshot-"));
          try {
            await store.setMeta("deployment", "{\"chainId\":31337}");
            await commit(store, h, 1, 1, 0);
            await commit(store, h, 2, cut, 0);
            const model = await loadModel(store);
            // The store's scan (SQLite's fast path) builds the same model as its pages of rows.
            expectSame(model, await loadModel(rowByRow(store)), h);
            const path = join(dir, "trace-model.snapshot");
            writeSnapshot(model, path, "{\"chainId\":31337}");
            const read = readSnapshot(path);
            expect(read.deployment).to.equal("{\"chainId\":31337}");
            expectSame(read.model, model, h);
            // The store moves on: the snapshot's model is appended to, not rebuilt.
            await commit(store, h, cut + 1, h.tip, 0);
            const builds = modelCounters.builds;
            const later = await loadWithSnapshot(store, path);
            expect(later.outcome).to.equal("snapshot");
            expect(modelCounters.builds).to.equal(builds);
            expectSame(later.model, await loadModel(store), h);
            // A reorg below the snapshot's tip: rolled back to block 1 (a stored header it remembers), then appended.
            await store.rollback(1);
            await commit(store, h, 2, h.tip, 1, false);
            const forked = await loadWithSnapshot(store, path);
            expect(forked.outcome).to.equal("snapshot-rolled-back");
            expectSame(forked.model, await loadModel(store), h);
            // Another deployment's snapshot is not used.
            await store.setMeta("deployment", "{\"chainId\":1}");
            expect((await loadWithSnapshot(store, path)).outcome).to.equal("rebuilt-other-deployment");
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }),
        propertyParams(`model snapshot (${factory().name})`, 10),
      );
    });

    it("transaction hashes read on demand (from the snapshot's file, from memory after it) equal the store's, through appends, a second snapshot written over the first, a rollback below the file and a look-up by hash", async function () {
      await fc.assert(
        fc.asyncProperty(historyArbitrary({ ops: 30 }), fc.integer({ min: 1, max: 99 }), async (h, cutPct) => {
          fc.pre(h.tip >= 4 && h.transfers.length > 0);
          const cut = 2 + Math.floor(((h.tip - 3) * cutPct) / 100);
          const store = await factory().open();
          const dir = mkdtempSync(join(tmpdir(), "goods-ledger-hashes-"));
          /** Every transfer's hash as the model reads it equals the store's, and `hash:logIndex` finds the first transfer with both. */
          const expectStoreHashes = async (m: TraceModel) => {
            const rows = await store.transfers({ toBlock: m.tip.block, limit: 1_000_000 });
            expect(rows.length).to.equal(m.size);
            expect(rows.map((_, s) => txHashOf(m, s))).to.deep.equal(rows.map((r) => r.txHash));
            rows.forEach((r, s) => {
              const first = rows.findIndex((x) => x.txHash === r.txHash && x.logIndex === r.logIndex);
              expect(transferSeq(m, `${r.txHash.toUpperCase().replace("0X", "0x")}:${r.logIndex}`), r.checkpoint).to.equal(first);
              expect(s).to.be.at.least(first);
            });
          };
          try {
            await commit(store, h, 1, 1, 0);
            await commit(store, h, 2, cut, 0);
            const path = join(dir, "trace-model.snapshot");
            let live = await loadModel(store);
            writeSnapshot(live, path, null); // from now on the hashes so far are read from the file
            await expectStoreHashes(live);
            await commit(store, h, cut + 1, h.tip, 0);
            live = await extendModel(live, store); // the new ones in memory
            await expectStoreHashes(live);
            writeSnapshot(live, path, null); // over the file the model reads from: the file part copied, then memory
            await expectStoreHashes(live);
            await expectStoreHashes(readSnapshot(path).model);
            // A reorg to block 1: below the file's end, the file still answers for the transfers kept.
            await store.rollback(1);
            await commit(store, h, 2, h.tip, 1);
            const rolledBack = modelCounters.rollbacks;
            const builds = modelCounters.builds;
            live = await extendModel(live, store);
            expect([modelCounters.rollbacks - rolledBack, modelCounters.builds - builds], "rolled back in place, not rebuilt").to.deep.equal([1, 0]);
            expect(live.tip.hash).to.equal(hashOf(h.tip, 1));
            await expectStoreHashes(live);
            // A snapshot written after the cut copies the kept part of the file, then the new branch's hashes.
            writeSnapshot(live, path, null);
            await expectStoreHashes(live);
            await expectStoreHashes(readSnapshot(path).model);
            expect(transferSeq.bind(null, live, `0x${"ee".repeat(32)}:0`)).to.throw(TraceInputError, "unknown transfer");
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }),
        propertyParams(`model hashes on demand (${factory().name})`, 10),
      );
    });
  });
});
