/**
 * Hardhat, loaded only by the commands that need it (chain, deploy, demo): it takes about a second to
 * start, which `balance` or `transfer` should not pay.
 */
import { join } from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { projectRootDir } from "./paths.js";

/**
 * Creates a Hardhat runtime environment from the project's hardhat.config.ts, whatever the current
 * directory is.
 *
 * @param ignitionDir - Where Ignition keeps its deployment journals (default: the project's ignition/).
 * @returns The runtime environment.
 */
export async function createHre(ignitionDir?: string): Promise<HardhatRuntimeEnvironment> {
  const { createHardhatRuntimeEnvironment, importUserConfig } = await import("hardhat/hre");
  const configPath = join(projectRootDir, "hardhat.config.ts");
  const userConfig = await importUserConfig(configPath);
  const paths = ignitionDir === undefined ? userConfig.paths : { ...userConfig.paths, ignition: ignitionDir };
  return createHardhatRuntimeEnvironment({ ...userConfig, paths }, { config: configPath }, projectRootDir);
}
