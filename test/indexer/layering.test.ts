import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
/** The layers, lowest first: a module may import its own layer and those before it, never one after. */
const LAYERS = ["sdk", "indexer", "trace", "server"] as const;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") || path.endsWith(".js") ? [path] : [];
  });
}

/** The SDK's package name: the workspace in src/sdk. */
const SDK_PACKAGE = "@goods-ledger/sdk";

/** Every relative import of a source file, and every import of the SDK package, resolved to a path under the project. */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']((?:\.{1,2}\/|@goods-ledger\/sdk)[^"']*)["']/g)].map((m) => m[1]!);
  return specs.map((s) => (s.startsWith(SDK_PACKAGE) ? `src/sdk${s.slice(SDK_PACKAGE.length) || "/index.ts"}` : relative(root, resolve(dirname(file), s))));
}

describe("layering › imports go sdk ← indexer ← trace ← server, never backwards (Ponder's layering.test.ts)", function () {
  it("no module under src/ imports a later layer, scripts/, test/ or bench/", function () {
    const backward: string[] = [];
    for (const [rank, layer] of LAYERS.entries()) {
      for (const file of files(join(root, "src", layer))) {
        for (const target of imports(file)) {
          const [top, sub] = target.split("/");
          const targetRank = top === "src" ? LAYERS.indexOf(sub as (typeof LAYERS)[number]) : Infinity;
          if (targetRank > rank) backward.push(`${relative(root, file)} → ${target}`);
        }
      }
    }
    expect(backward).to.deep.equal([]);
  });

  it("outside src/sdk, code reaches the SDK only as the package @goods-ledger/sdk, never by a path into src/sdk", function () {
    const byPath: string[] = [];
    for (const dir of ["src/indexer", "src/trace", "src/server", "scripts", "bench"]) {
      for (const file of files(join(root, dir))) {
        const text = readFileSync(file, "utf8");
        for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g)) {
          if (relative(root, resolve(dirname(file), m[1]!)).startsWith("src/sdk/")) byPath.push(`${relative(root, file)} → ${m[1]}`);
        }
      }
    }
    expect(byPath).to.deep.equal([]);
  });

  it("the check sees real imports (it is not vacuous): trace imports the indexer, the indexer the SDK", function () {
    const from = (layer: string) => files(join(root, "src", layer)).flatMap(imports);
    expect(from("trace").some((t) => t.startsWith("src/indexer/"))).to.equal(true);
    expect(from("indexer").some((t) => t.startsWith("src/sdk/"))).to.equal(true);
    expect(from("server").some((t) => t.startsWith("src/trace/"))).to.equal(true);
  });
});
