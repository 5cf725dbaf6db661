/** Paths inside the project, whatever the current directory is. */
import { fileURLToPath } from "node:url";

/** The project root (where package.json and hardhat.config.ts live). */
export const projectRootDir = fileURLToPath(new URL("../..", import.meta.url));
