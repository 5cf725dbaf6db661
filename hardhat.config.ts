import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { SEED, runs } from "./test/support/seed.js";

// Hardhat downloads solc from the internet, which these machines cannot reach.
// We compile with the `solc` npm package (soljson, wasm) instead. The path must be
// absolute and the version label must be the real compiler version (TOOLCHAIN.md).
const require = createRequire(import.meta.url);
const soljson = require.resolve("solc/soljson.js");
const solcVersion: string = require("solc/package.json").version;

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: solcVersion,
    path: soljson,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      // Hyperledger Besu (the production chain, QBFT) supports Cancun.
      evmVersion: "cancun",
    },
  },
  paths: {
    tests: { mocha: "test" },
  },
  test: {
    mocha: { timeout: 120_000 },
    // Solidity invariant tests (test/contracts/invariants): at least 1,000 random operation sequences in CI
    // (issue 8), GOODS_LEDGER_RUNS_SCALE scales them and GOODS_LEDGER_SEED fixes or randomizes the seed, as for the
    // TypeScript properties (test/support/seed.ts).
    solidity: {
      fuzz: { seed: `0x${SEED.toString(16)}` },
      invariant: { runs: runs(1_000), depth: 40 },
    },
  },
  networks: {
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.GOODS_LEDGER_RPC_URL ?? "http://127.0.0.1:8545",
    },
  },
});
