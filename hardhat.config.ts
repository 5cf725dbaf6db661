import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";

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
  },
  networks: {
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.GOODS_LEDGER_RPC_URL ?? "http://127.0.0.1:8545",
    },
  },
});
