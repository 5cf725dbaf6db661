import { expect } from "chai";
import fc from "fast-check";
import type { TraceModel } from "../../src/trace/model.js";
import { ANY_KEY, AmountsByWallet, BigColumn, ChunkList, DensePieceLog, FifoArena, R, addLimbs, cmpLimbs, limbsToBig, setBig, subLimbs } from "../../src/trace/replay.js";
import { propertyParams } from "../support/seed.js";

/** Amounts across every representation: small, around 2^32, 2^53, 2^64, and at or above 2^85 (pooled). */
const amount = fc.oneof(
  fc.bigInt({ min: 0n, max: 1000n }),
  fc.bigInt({ min: 2n ** 31n, max: 2n ** 33n }),
  fc.bigInt({ min: 2n ** 52n, max: 2n ** 54n }),
  fc.bigInt({ min: 2n ** 63n, max: 2n ** 64n + 5n }),
  fc.bigInt({ min: 2n ** 84n, max: 2n ** 86n }),
);

const limbs = (x: bigint): [number, number] => {
  setBig(x);
  return [R.lo, R.hi];
};

describe("replay arithmetic and FIFO arena (docs/TRACE.md C8)", function () {
  it("amounts as pairs of numbers › add, subtract and compare exactly as bigints do, 0 to beyond 2^85", function () {
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        const [alo, ahi] = limbs(a);
        const [blo, bhi] = limbs(b);
        expect(limbsToBig(alo, ahi)).to.equal(a);
        addLimbs(alo, ahi, blo, bhi);
        expect(limbsToBig(R.lo, R.hi)).to.equal(a + b);
        const [big, small] = a >= b ? [[alo, ahi], [blo, bhi]] : [[blo, bhi], [alo, ahi]];
        subLimbs(big[0]!, big[1]!, small[0]!, small[1]!);
        expect(limbsToBig(R.lo, R.hi)).to.equal(a >= b ? a - b : b - a);
        expect(Math.sign(cmpLimbs(alo, ahi, blo, bhi))).to.equal(a < b ? -1 : a > b ? 1 : 0);
      }),
      propertyParams("limb arithmetic", 300),
    );
  });

  it("BigColumn and per-wallet balances › read back exactly what was written, negative balances included", function () {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(5), amount, fc.boolean()), { maxLength: 60 }), (ops) => {
        const col = new BigColumn();
        const bal = new AmountsByWallet();
        bal.ensure(6);
        const want = new Array<bigint>(6).fill(0n);
        for (const [w, a, add] of ops) {
          col.push(a);
          const [lo, hi] = limbs(a);
          if (add) bal.add(w, lo, hi);
          else bal.sub(w, lo, hi);
          want[w]! += add ? a : -a;
        }
        expect(ops.map((_, i) => col.get(i))).to.deep.equal(ops.map((o) => o[1]));
        expect([0, 1, 2, 3, 4, 5].map((w) => bal.get(w))).to.deep.equal(want);
        expect([0, 1, 2, 3, 4, 5].map((w) => bal.clone().get(w))).to.deep.equal(want);
      }),
      propertyParams("BigColumn and balances", 200),
    );
  });

  it("FIFO arena › pushes and takes (any key or one key) give the chunks a list of bigint chunks gives, through region moves, compactions and copies", function () {
    const op = fc.oneof(
      { arbitrary: fc.record({ push: fc.constant(true), w: fc.nat(7), key: fc.nat(3), a: amount }), weight: 12 },
      { arbitrary: fc.record({ push: fc.constant(false), w: fc.nat(7), only: fc.oneof(fc.constant(ANY_KEY), fc.nat(3)), a: amount }), weight: 6 },
      { arbitrary: fc.record({ clone: fc.constant(true) }), weight: 1 },
    );
    let moved = 0;
    let compacted = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 100, maxLength: 400 }), (ops) => {
        let arena = new FifoArena(16);
        arena.ensure(8);
        const ref: { key: number; a: bigint }[][] = Array.from({ length: 8 }, () => []);
        const out = new ChunkList();
        for (const o of ops) {
          if ("clone" in o) {
            arena = arena.clone();
            continue;
          }
          const [lo, hi] = limbs(o.a);
          if (o.push) {
            if (o.a === 0n) continue; // the replays never push an empty chunk
            const [before, waste] = [arena.key, arena.waste];
            arena.push(o.w, o.key, lo, hi);
            if (arena.key !== before) moved++;
            if (arena.waste < waste) compacted++;
            const q = ref[o.w]!;
            if (q.length > 0 && q.at(-1)!.key === o.key) q.at(-1)!.a += o.a;
            else q.push({ key: o.key, a: o.a });
            continue;
          }
          out.n = 0;
          arena.take(o.w, lo, hi, o.only, out);
          const left = limbsToBig(R.lo, R.hi);
          let need = o.a;
          const got: [number, bigint][] = [];
          for (const c of ref[o.w]!) {
            if (need === 0n) break;
            if ((o.only !== ANY_KEY && c.key !== o.only) || c.a === 0n) continue;
            const take = c.a < need ? c.a : need;
            c.a -= take;
            need -= take;
            if (got.length > 0 && got.at(-1)![0] === c.key) got.at(-1)![1] += take;
            else got.push([c.key, take]);
          }
          expect(left).to.equal(need);
          expect(Array.from({ length: out.n }, (_, i) => [out.key[i]!, limbsToBig(out.lo[i]!, out.hi[i]!)])).to.deep.equal(got);
        }
        for (let w = 0; w < 8; w++) {
          const live: [number, bigint][] = [];
          for (let i = arena.head[w]!; i < arena.end[w]!; i++) {
            const a = limbsToBig(arena.lo[i]!, arena.hi[i]!);
            if (a !== 0n) live.push([arena.key[i]!, a]);
          }
          expect(live).to.deep.equal(ref[w]!.filter((c) => c.a !== 0n).map((c) => [c.key, c.a]));
        }
      }),
      propertyParams("FIFO arena", 150),
    );
    expect(moved, "pushes that grew the arena's columns").to.be.greaterThan(0);
    expect(compacted, "pushes that compacted the arena in place").to.be.greaterThan(0);
  });

  it("dense piece log › pieces of each transfer read back exactly (the first one's amount derived from the transfer's), through transfers with none and truncations", function () {
    // Per transfer: its pieces' keys and amounts (possibly none); the transfer's amount is their sum.
    const transfer = fc.array(fc.tuple(fc.nat(5), fc.oneof(fc.bigInt({ min: 1n, max: 2n ** 40n }), amount.filter((x) => x > 0n))), { maxLength: 4 });
    fc.assert(
      fc.property(fc.array(transfer, { minLength: 1, maxLength: 40 }), fc.nat(40), fc.array(transfer, { maxLength: 10 }), (first, cut, again) => {
        const log = new DensePieceLog();
        const all = [...first];
        const wide = new Map<number, bigint>();
        const sums: bigint[] = [];
        const record = (list: typeof first, from: number) =>
          list.forEach((pieces, i) => pieces.forEach(([key, a]) => log.push(from + i, key, 0, a)));
        record(first, 0);
        const k = Math.min(cut, first.length);
        log.truncate(k);
        all.length = k;
        all.push(...again);
        record(again, k);
        for (const pieces of all) sums.push(pieces.reduce((x, [, a]) => x + a, 0n));
        const lo = new Uint32Array(sums.length);
        const hi = new Uint32Array(sums.length);
        sums.forEach((x, s) => {
          if (x >= 2n ** 64n) {
            lo[s] = hi[s] = 0xffff_ffff;
            wide.set(s, x);
          } else {
            lo[s] = Number(x & 0xffff_ffffn);
            hi[s] = Number(x >> 32n);
          }
        });
        const model = { amountLo: lo, amountHi: hi, wideAmounts: wide } as unknown as TraceModel;
        all.forEach((pieces, s) => {
          const [p0, p1] = log.range(s);
          const got = Array.from({ length: p1 - p0 }, (_, j) => [log.key.data[p0 + j]!, log.get(model, s, p0 + j)]);
          expect(got, `transfer ${s}`).to.deep.equal(pieces);
        });
      }),
      propertyParams("dense piece log", 200),
    );
  });
});
