/**
 * The SDK's API reference (`npm run docs`: TypeDoc over src/sdk, into docs/api/) is generated from the TSDoc,
 * and TypeDoc's validation (every exported function, class, type, variable documented; every link resolved;
 * nothing referenced but unexported) runs with warnings as errors. This test runs it without writing the site.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const typedoc = join(root, "node_modules", "typedoc", "bin", "typedoc");

function runTypedoc(args: string[], cwd = root) {
  const result = spawnSync(process.execPath, [typedoc, ...args, "--emit", "none"], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("sdk API reference (TypeDoc)", function () {
  this.timeout(180_000);

  it("every export of @goods-ledger/sdk is documented and every link resolves (TypeDoc validation, warnings as errors)", function () {
    const { status, output } = runTypedoc(["--options", "src/sdk/typedoc.json"]);
    expect(output).not.to.match(/\[warning\]|\[error\]/);
    expect(status, output).to.equal(0);
  });

  it("the same validation fails on an undocumented export (so the check above can fail)", function () {
    const dir = mkdtempSync(join(tmpdir(), "goods-ledger-typedoc-"));
    try {
      writeFileSync(join(dir, "index.ts"), "/** Documented. */\nexport const documented = 1;\nexport function undocumented(): number {\n  return 2;\n}\n");
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true, types: [] }, include: ["index.ts"] }));
      const { status, output } = runTypedoc(
        ["--name", "probe", "--entryPoints", "index.ts", "--tsconfig", "tsconfig.json", "--validation.notDocumented", "--requiredToBeDocumented", "Function", "--treatWarningsAsErrors"],
        dir,
      );
      expect(output).to.match(/undocumented.*does not have any documentation/);
      expect(status).not.to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
