import { expect } from "chai";
import { fileURLToPath } from "node:url";
import { browserBundle } from "./support/bundle.js";

const entry = (path: string) => fileURLToPath(new URL(`../../src/sdk/${path}`, import.meta.url));

describe("sdk runs anywhere", function () {
  it("bundles src/sdk/index.ts for the browser with no Node built-in imported", async function () {
    const { found, result } = await browserBundle({ entryPoints: [entry("index.ts")] });
    expect(result.errors).to.deep.equal([]);
    expect(found, `Node-only imports:\n${found.join("\n")}`).to.deep.equal([]);
    expect(result.outputFiles![0]!.text.length).to.be.greaterThan(10_000);
  });

  it("the opt-in WebAssembly signer pulls no Node built-in either (its package's browser build is used)", async function () {
    const { found } = await browserBundle({ entryPoints: [entry("accounts/wasm.ts")], outdir: "/nowhere", loader: { ".wasm": "file" } });
    expect(found).to.deep.equal([]);
  });

  it("the catcher does catch Node imports (so the checks above can fail)", async function () {
    const { found } = await browserBundle({
      stdin: { contents: 'import { readFileSync } from "node:fs"; import path from "path"; console.log(readFileSync, path);', loader: "ts" },
    });
    expect(found.map((f) => f.split(" ")[0])).to.deep.equal(["node:fs", "path"]);
  });
});
