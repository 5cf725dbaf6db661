/** Bundles a module for the browser with esbuild and lists every Node built-in its import graph reaches. */
import { build, type BuildOptions, type Plugin } from "esbuild";
import { builtinModules } from "node:module";

const nodeBuiltins = new Set(builtinModules.filter((m) => !m.startsWith("_")));

/** An esbuild plugin that records each import of a Node built-in (with or without `node:`) and its importer. */
export function nodeImportCatcher(found: string[]): Plugin {
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

/**
 * Bundles for `platform: "browser"` and returns the Node built-ins imported, with the build's result.
 *
 * @param options - esbuild options (entry points or stdin, loaders).
 * @returns the imports found and the build result.
 */
export async function browserBundle(options: BuildOptions) {
  const found: string[] = [];
  const result = await build({ bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent", ...options, plugins: [nodeImportCatcher(found)] });
  return { found, result };
}
