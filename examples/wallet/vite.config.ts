import { defineConfig } from "vite";

export default defineConfig({
  // Relative asset URLs, so the built page can be served from any path (the browser test serves it at /wallet/).
  base: "./",
  // ../common/ledger.ts imports the SDK and viem too: resolve them from this app's node_modules.
  resolve: { dedupe: ["@goods-ledger/sdk", "viem"] },
  build: { target: "es2022", sourcemap: true },
});
