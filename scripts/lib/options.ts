/**
 * Options and help text that many commands share.
 */
import { Option } from "commander";
import type { RoleName } from "./context.js";
import { parseCode } from "./validate.js";

/**
 * `--from <key>`: who signs.
 *
 * @param role - The deployment role that signs when `--from` is not given, if any.
 */
export function fromOption(role?: RoleName): Option {
  return new Option(
    "--from <key>",
    `signer: a keystore key (name or address), a deployment role, or dev:<n> on the local chain${role ? ` (default: the ${role} role holder)` : ""}`,
  );
}

/** `--reason <code>`: the reason code an officer's action carries (required). */
export function reasonOption(): Option {
  return new Option("--reason <code>", "reason code, e.g. SANCTIONS_HIT (≤ 31 characters, or 32 bytes of hex)")
    .argParser(parseCode("reason code"))
    .makeOptionMandatory();
}

/** `--ref <code>`: an optional payment or operation reference. */
export function refOption(what = "reference"): Option {
  return new Option("--ref <code>", `${what} (≤ 31 characters, or 32 bytes of hex)`).argParser(parseCode(what));
}

/**
 * The "Examples:" block of a command's help.
 *
 * @param lines - Command lines without the `goods-ledger` prefix.
 * @returns Text for commander's `addHelpText("after", …)`.
 */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ goods-ledger ${l}`).join("\n")}`;
}
