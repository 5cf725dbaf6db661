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
import { dirname, join, relative, sep } from "node:path";
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
  // Every run checks every source (about 180 stats): plain string paths and no exceptions keep it to about a
  // millisecond (path.join and a throwing stat per file cost several).
  const prefix = root.endsWith(sep) ? root : root + sep;
  for (const file in manifest.inputs) {
    const s = statSync(prefix + file, { throwIfNoEntry: false });
    if (s === undefined) return `${file} is gone`;
    if (`${s.size}:${Math.floor(s.mtimeMs)}` !== manifest.inputs[file]) return `${file} changed`;
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

/**
 * Node's built-in modules, taken with `process.getBuiltinModule` (Node >= 22.3) instead of an ES `import`. An ES
 * import of a built-in makes Node read every one of its exports, lazy getters included: `import "node:http"`
 * loads undici (for `http.WebSocket`) and `import "node:crypto"` the Web Crypto classes, 20-30 ms of start-up
 * for nothing. Each import becomes a CommonJS module of one line, whose properties are read where they are
 * used.
 */
const nodeBuiltins = {
  name: "node-builtins",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "node-builtin" }));
    b.onLoad({ filter: /.*/, namespace: "node-builtin" }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

/** viem's entry points ("barrels") whose named imports are pointed at the file that defines each name. */
const VIEM_BARRELS = { viem: "index.js", "viem/actions": "actions/index.js", "viem/accounts": "accounts/index.js", "viem/utils": "utils/index.js" };
let viemExports;

/** Each name a viem barrel exports: the file that defines it and its name there. */
function viemExportMap() {
  if (viemExports) return viemExports;
  viemExports = {};
  const base = join(root, "node_modules", "viem", "_esm");
  for (const [spec, file] of Object.entries(VIEM_BARRELS)) {
    const map = (viemExports[spec] = new Map());
    const text = readFileSync(join(base, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    for (const m of text.matchAll(/export\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
      const target = m[2].startsWith(".") ? join(dirname(join(base, file)), m[2]) : m[2]; // or a package (abitype)
      for (const item of m[1].split(",").map((x) => x.trim()).filter(Boolean)) {
        const [, original, alias] = /^(?:type\s+)?([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(item) ?? [];
        if (original) map.set(alias ?? original, { file: target, name: original });
      }
    }
  }
  return viemExports;
}

/**
 * Rewrites `import { a, b } from "viem"` (and viem/actions, /accounts, /utils) into one import per name from the
 * file that defines it. With code splitting, esbuild puts in a command's chunks every file its imports reach,
 * and a barrel reaches every viem file that any command uses: `balance` loaded viem's wallet and ENS actions
 * because `deploy` uses them. Names the map does not know stay on the barrel.
 */
function deepViemImports(source) {
  return source.replace(/import\s*\{([^}]*)\}\s*from\s*"(viem(?:\/actions|\/accounts|\/utils)?)";/g, (whole, names, spec) => deepImport(names, spec, viemExportMap()[spec]));
}

/**
 * The imports that replace `import { <names> } from "<spec>"`: one per name `map` knows (name → the file that
 * defines it and its name there), from that file; the names it does not know stay on `spec`. Type-only names go.
 */
function deepImport(names, spec, map) {
  const kept = [];
  const deep = [];
  for (const item of names.split(",").map((x) => x.trim()).filter(Boolean)) {
    if (item.startsWith("type ")) continue; // erased by TypeScript
    const [, name, local] = /^([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(item) ?? [];
    const found = name && map.get(name);
    if (found) deep.push(`import { ${found.name} as ${local ?? name} } from ${JSON.stringify(found.file)};`);
    else kept.push(item);
  }
  return [...deep, ...(kept.length > 0 ? [`import { ${kept.join(", ")} } from "${spec}";`] : [])].join(" ") || "";
}

/**
 * Each name the SDK's entry (src/sdk/index.ts, the workspace @goods-ledger/sdk) exports: the source file that
 * defines it. Read from the `export * from` and `export { … } from` lines of the entry, and the declarations of
 * each file they name.
 */
let sdkExports;
function sdkExportMap() {
  if (sdkExports) return sdkExports;
  sdkExports = new Map();
  const strip = (text) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const source = (from, spec) => join(dirname(from), spec.replace(/\.js$/, ".ts"));
  const declared = (file, seen = new Set()) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = strip(readFileSync(file, "utf8"));
    for (const m of text.matchAll(/export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|enum)\s+([\w$]+)/g)) sdkExports.set(m[1], { file, name: m[1] });
    for (const m of text.matchAll(/export\s*\*\s*from\s*['"]([^'"]+)['"]/g)) declared(source(file, m[1]), seen);
    for (const m of text.matchAll(/export\s*\{([^}]*)\}(?:\s*from\s*['"]([^'"]+)['"])?/g)) {
      for (const item of m[1].split(",").map((x) => x.trim()).filter(Boolean)) {
        const [, original, alias] = /^(?:type\s+)?([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(item) ?? [];
        if (original && !item.startsWith("type ")) sdkExports.set(alias ?? original, { file: m[2] ? source(file, m[2]) : file, name: original });
      }
    }
  };
  declared(join(root, "src", "sdk", "index.ts"));
  return sdkExports;
}

/**
 * Rewrites `import { a, b } from "@goods-ledger/sdk"` into one import per name from the SDK source file that
 * defines it, as {@link deepViemImports} does for viem: through the SDK's entry, `balance` would load every action
 * any command uses. The sources import the package by name (the layering rule); only the bundle goes deep.
 */
function deepSdkImports(source) {
  return source.replace(/import\s*\{([^}]*)\}\s*from\s*"@goods-ledger\/sdk";/g, (whole, names) => deepImport(names, "@goods-ledger/sdk", sdkExportMap()));
}

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
        const source = deepSdkImports(deepViemImports(readFileSync(args.path, "utf8")));
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
    // The metafile's paths are relative to the project, wherever the build runs from (a run rebuilds in the
    // user's folder).
    absWorkingDir: root,
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
    banner: { js: 'const require = process.getBuiltinModule("node:module").createRequire(import.meta.url);' },
    metafile: true,
    logLevel: "error",
    // The SDK (the workspace @goods-ledger/sdk) is bundled from its sources, so the manifest stamps them and an
    // edit there rebuilds the CLI, as an edit to any other source does.
    alias: { "@goods-ledger/sdk": join(root, "src", "sdk", "index.ts") },
    plugins: [importMetaUrl, lazyPackages, nodeBuiltins],
  });
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    if (file.includes(":")) continue; // a virtual module (lazy:pg)
    const abs = join(root, file);
    const rel = relative(root, abs).split("\\").join("/");
    // Bundled packages change only with an install, which rewrites package-lock.json (stamped below).
    if (!rel.startsWith("node_modules/")) inputs[rel] = stamp(abs);
  }
  inputs["package-lock.json"] = stamp(join(root, "package-lock.json"));
  inputs["bin/build.js"] = stamp(fileURLToPath(import.meta.url));
  // What each output file holds and imports (for `npm run build -- --analyze` and the start-up test).
  writeFileSync(join(tmp, "esbuild-meta.json"), JSON.stringify(result.metafile));
  writeFileSync(join(tmp, "meta.json"), `${JSON.stringify({ builtAt: new Date().toISOString(), inputs }, null, 1)}\n`);
  // rename() cannot replace a non-empty folder: move the old one aside first. A CLI starting in between finds
  // no build and builds one itself.
  const old = `${outDir}.${process.pid}.old`;
  try {
    renameSync(outDir, old);
  } catch {}
  renameSync(tmp, outDir);
  rmSync(old, { recursive: true, force: true });
  // The compile cache (bin/goods-ledger.js) holds code of the old build: empty it, so it never grows without end.
  rmSync(join(root, "node_modules", ".cache", "goods-ledger"), { recursive: true, force: true });
  rmSync(join(root, "dist", ".compile-cache"), { recursive: true, force: true }); // where it lived before
  return Object.keys(inputs).length;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const count = await build();
  console.error(`built ${relative(process.cwd(), bundlePath) || bundlePath} from ${count} sources in ${Date.now() - started} ms`);
}
