/**
 * Hand-written mutants for `npm run mutate` (scripts/mutate.ts): each is one deliberate bug in the engine or the
 * contracts, and the test files that must catch it. A pattern must occur exactly once in its file, so a mutant
 * that no longer matches the code fails the run instead of silently testing nothing.
 *
 * Data only: mocha loads every file under test/, and this one registers no test.
 */
export interface Mutant {
  /** Short id for `--only`. */
  id: string;
  /** The bug, in words. */
  description: string;
  /** The file it goes into (from the repository's root). */
  file: string;
  /** The exact text replaced (must occur exactly once). */
  find: string;
  /** Its replacement. */
  replace: string;
  /** Test files that must fail with the bug in place. */
  tests: string[];
  /** `mocha` (default) or `solidity`. */
  runner?: "mocha" | "solidity";
}

const TRACE_PROPERTIES = ["test/trace/trace.property.test.ts", "test/trace/conventions.test.ts"];
const LOT_PROPERTIES = ["test/trace/lots.property.test.ts", "test/trace/exact.test.ts"];
const COMPLIANCE = ["test/contracts/compliant.test.ts"];

export const MUTANTS: readonly Mutant[] = [
  {
    id: "search-time-flipped",
    description: "trace search: a wallet is reached by its latest arrival instead of its earliest (time comparison flipped)",
    file: "src/trace/search.ts",
    find: "if (forward ? s < c : s > c) cand[v] = s;",
    replace: "if (forward ? s > c || c === none : s > c) cand[v] = s;",
    tests: TRACE_PROPERTIES,
  },
  {
    id: "daily-limit-off-by-one",
    description: "contracts: a transfer that brings the day's outflow exactly to the daily limit is refused (> became >=)",
    file: "contracts/WalletRegistry.sol",
    find: "|| spent + value > (limits >> 128) & MASK64",
    replace: "|| spent + value >= (limits >> 128) & MASK64",
    tests: COMPLIANCE,
  },
  {
    id: "spender-check-skipped",
    description: "contracts: transferFrom skips the spender's can-move check (one path's compliance check skipped)",
    file: "contracts/WalletRegistry.sol",
    find: "if (spender != owner) _requireCanMove(spender, _accounts[spender], block.timestamp / 1 days);",
    replace: "// mutant: the spender's can-move check is skipped",
    tests: [...COMPLIANCE, "test/contracts/GoodsToken.test.ts"],
  },
  {
    id: "haircut-rounding-reversed",
    description: "trace: a haircut split gives the units left over to the smallest remainders instead of the largest",
    file: "src/trace/exact.ts",
    find: "sort((x, y) => (rem[y]! > rem[x]! ? 1 : rem[y]! < rem[x]! ? -1 : x - y))",
    replace: "sort((x, y) => (rem[y]! < rem[x]! ? 1 : rem[y]! > rem[x]! ? -1 : x - y))",
    tests: LOT_PROPERTIES,
  },
  {
    id: "fifo-wrong-end",
    description: "trace: FIFO provenance takes the sender's newest units first (queue consumed from the wrong end)",
    file: "src/trace/provenance.ts",
    find: "for (let i = q.head; i < q.lot.length && need > 0n; i++) {",
    replace: "for (let i = q.lot.length - 1; i >= q.head && need > 0n; i--) {",
    tests: LOT_PROPERTIES,
  },
  {
    id: "reorg-rollback-short",
    description: "indexer: a reorg rolls back to one block above the common ancestor (one block too few)",
    file: "src/indexer/sync.ts",
    find: "await this.#store.rollback(h.number);",
    replace: "await this.#store.rollback(h.number + 1);",
    tests: ["test/indexer/reorg.test.ts", "test/indexer/fake-node.test.ts"],
  },
];
