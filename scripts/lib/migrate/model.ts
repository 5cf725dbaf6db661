/**
 * The trace model of the selected network: for a deployment made by `goods-ledger migrate` (its file has
 * `migratedFrom`), one model across the migration (v1's index up to the pinned block, then v2's; docs/TRACE.md
 * M1–M4); for any other, the index alone.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "../../../src/indexer/store/open.js";
import type { Store } from "../../../src/indexer/store/store.js";
import { loadMigratedModel } from "../../../src/trace/migration.js";
import { loadModel, type TraceModel } from "../../../src/trace/model.js";
import type { CliContext } from "../context.js";
import { CliError } from "../errors.js";
import { projectRootDir } from "../paths.js";
import type { MigratedDeploymentFile } from "./run.js";

/**
 * Loads the model the trace commands query.
 *
 * @param ctx - the CLI context (its network's deployment file, when there is one, says whether it was migrated).
 * @param store - the selected network's index.
 * @param v1Store - the v1 index, default `$GOODS_LEDGER_V1_STORE`, else `.data/index/<migratedFrom.network>`.
 */
export async function loadNetworkModel(ctx: CliContext, store: Store, v1Store = process.env.GOODS_LEDGER_V1_STORE || undefined): Promise<TraceModel> {
  let migratedFrom: MigratedDeploymentFile["migratedFrom"];
  try {
    migratedFrom = (JSON.parse(readFileSync(ctx.deploymentPath, "utf8")) as MigratedDeploymentFile).migratedFrom;
  } catch {
    migratedFrom = undefined; // no deployment file: a --store index on its own
  }
  if (migratedFrom === undefined) return loadModel(store);
  const location = v1Store ?? join(projectRootDir, ".data", "index", migratedFrom.network);
  let v1: Store;
  try {
    v1 = await openStore(location, { mustExist: true });
  } catch (error) {
    throw new CliError(
      `network "${ctx.options.network}" was migrated from "${migratedFrom.network}" at block ${migratedFrom.blockNumber}: its history starts in v1's index (${location}), which is missing; run \`goods-ledger -n ${migratedFrom.network} index --to-block ${migratedFrom.blockNumber}\` first`,
      { code: "no-v1-index", cause: error },
    );
  }
  try {
    return await loadMigratedModel(v1, store, { v1Block: migratedFrom.blockNumber });
  } finally {
    await v1.close();
  }
}
