// Builds the CLI into one ES module, dist/cli.mjs (esbuild, a dev dependency), with a manifest of the sources
// it was built from (dist/cli.meta.json: each input's size and mtime). bin/goods-ledger.js runs the build only
// when it is current; when a source changed it rebuilds first, so a stale build never runs old code.
//
// Dependencies stay external (loaded from node_modules). Each bundled module keeps its own `import.meta.url`
// (rewritten to the source file's URL, relative to the bundle), so code that finds files next to its source
// (the project root, the analyst page's assets) works the same bundled or not.
//
// Usage: node bin/build.js            (npm run build; also run on install by `prepare`)
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const bundlePath = join(root, "dist", "cli", "cli.mjs");
export const manifestPath = join(root, "dist", "cli", "meta.json");

/** The stamp of a source file: size and modification time. */
function stamp(path) {
  const s = statSync(path);
  return `${s.size}:${Math.floor(s.mtimeMs)}`;
}

/**
 * Whether dist/cli.mjs was built from the sources as they are now.
 *
 * @returns "current", or why it is not (for the note the wrapper prints).
 */
export function buildState() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    statSync(bundlePath);
  } catch {
    return "missing";
  }
  for (const [file, was] of Object.entries(manifest.inputs)) {
    let now;
    try {
      now = stamp(join(root, file));
    } catch {
      return `${file} is gone`;
    }
    if (now !== was) return `${file} changed`;
  }
  return "current";
}

/** Packages that only some commands use (the indexer's stores): loaded on first use, not at every start. */
const LAZY_PACKAGES = ["pg", "better-sqlite3"];

/**
 * Replaces the default import of each of {@link LAZY_PACKAGES} by a proxy that `require`s the package the first
 * time it is used (`new Database(…)`, `pg.Pool`). Their code only uses them inside functions.
 */
const lazyPackages = {
  name: "lazy-packages",
  setup(b) {
    const filter = new RegExp(`^(${LAZY_PACKAGES.join("|")})$`);
    b.onResolve({ filter }, (args) => (args.namespace === "lazy" ? undefined : { path: args.path, namespace: "lazy" }));
    b.onLoad({ filter: /.*/, namespace: "lazy" }, (args) => ({
      contents: `import { createRequire } from "node:module";
let real;
const load = () => (real ??= createRequire(import.meta.url)(${JSON.stringify(args.path)}));
export default new Proxy(function () {}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  construct: (_, args) => Reflect.construct(load(), args),
  apply: (_, self, args) => Reflect.apply(load(), self, args),
});
`,
      loader: "js",
      resolveDir: root,
    }));
  },
};

/** Packages loaded from node_modules at run time: every dependency but viem's family, commander and the SDK (each
 * external package costs a module resolution per chunk that imports it), and ws's native extras. */
function externals() {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const bundled = new Set(["viem", "commander", "@goods-ledger/sdk"]);
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies }).filter((n) => !bundled.has(n));
  return [...names, ...names.map((n) => `${n}/*`), "bufferutil", "utf-8-validate"];
}

/** Builds dist/cli.mjs and its manifest (written atomically: a concurrent run sees the old or the new one). */
export async function build() {
  const esbuild = await import("esbuild");
  const outDir = dirname(bundlePath);
  mkdirSync(dirname(outDir), { recursive: true });
  const importMetaUrl = {
    name: "source-import-meta-url",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        const rel = relative(outDir, args.path).split("\\").join("/");
        const contents = source.includes("import.meta.url")
          ? source.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`)
          : source;
        return { contents, loader: "ts" };
      });
    },
  };
  // Built into a fresh folder, then swapped in whole (the entry and its lazily loaded chunks belong together).
  const tmp = `${outDir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: [join(root, "scripts", "cli.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    // viem (and what it uses) and commander are bundled: tree-shaken, viem loads in a fraction of the time of its
    // whole ES module graph. Every other package stays in node_modules.
    external: externals(),
    outdir: tmp,
    entryNames: "[name]",
    chunkNames: "chunk-[hash]",
    outExtension: { ".js": ".mjs" },
    splitting: true,
    // Bundled CommonJS (commander) requires Node's built-in modules.
    banner: { js: 'import { createRequire as __goodsLedgerCreateRequire } from "node:module"; const require = __goodsLedgerCreateRequire(import.meta.url);' },
    metafile: true,
    logLevel: "error",
    // The SDK (the workspace @goods-ledger/sdk) is bundled from its sources, so the manifest stamps them and an
    // edit there rebuilds the CLI, as an edit to any other source does.
    alias: { "@goods-ledger/sdk": join(root, "src", "sdk", "index.ts") },
    plugins: [importMetaUrl, lazyPackages],
  });
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    if (file.includes(":")) continue; // a virtual module (lazy:pg)
    const abs = join(process.cwd(), file);
    const rel = relative(root, abs).split("\\").join("/");
    // Bundled packages change only with an install, which rewrites package-lock.json (stamped below).
    if (!rel.startsWith("node_modules/")) inputs[rel] = stamp(abs);
  }
  inputs["package-lock.json"] = stamp(join(root, "package-lock.json"));
  inputs["bin/build.js"] = stamp(fileURLToPath(import.meta.url));
  writeFileSync(join(tmp, "meta.json"), `${JSON.stringify({ builtAt: new Date().toISOString(), inputs }, null, 1)}\n`);
  // rename() cannot replace a non-empty folder: move the old one aside first. A CLI starting in between finds
  // no build and builds one itself.
  const old = `${outDir}.${process.pid}.old`;
  try {
    renameSync(outDir, old);
  } catch {}
  renameSync(tmp, outDir);
  rmSync(old, { recursive: true, force: true });
  return Object.keys(inputs).length;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const count = await build();
  console.error(`built ${relative(process.cwd(), bundlePath) || bundlePath} from ${count} sources in ${Date.now() - started} ms`);
}
