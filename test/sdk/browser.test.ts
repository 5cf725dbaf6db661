import { expect } from "chai";
import { build, type Plugin } from "esbuild";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("../../src/sdk/index.ts", import.meta.url));
const nodeBuiltins = new Set(builtinModules.filter((m) => !m.startsWith("_")));

/** Records every import of a Node built-in (with or without the `node:` prefix) and by whom. */
function nodeImportCatcher(found: string[]): Plugin {
  return {
    name: "node-import-catcher",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.replace(/^node:/, "").split("/")[0]!;
        if (args.path.startsWith("node:") || nodeBuiltins.has(bare)) {
          found.push(`${args.path} (imported by ${args.importer})`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
}

describe("sdk runs anywhere", function () {
  it("bundles src/sdk/index.ts for the browser with no Node built-in imported", async function () {
    const found: string[] = [];
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      plugins: [nodeImportCatcher(found)],
    });
    expect(result.errors).to.deep.equal([]);
    expect(found, `Node-only imports:\n${found.join("\n")}`).to.deep.equal([]);
    expect(result.outputFiles[0]!.text.length).to.be.greaterThan(10_000);
  });

  it("the catcher does catch a node: import (so the check above can fail)", async function () {
    const found: string[] = [];
    await build({
      stdin: { contents: 'import { readFileSync } from "node:fs"; import path from "path"; console.log(readFileSync, path);', loader: "ts" },
      bundle: true,
      platform: "browser",
      write: false,
      logLevel: "silent",
      plugins: [nodeImportCatcher(found)],
    });
    expect(found.map((f) => f.split(" ")[0])).to.deep.equal(["node:fs", "path"]);
  });
});
