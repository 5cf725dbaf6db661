/**
 * `goods-ledger key new|import|list`: the encrypted JSON keystore. Private keys are never taken from the
 * command line: `import` reads the key from a hidden prompt or from stdin.
 */
import type { Command } from "commander";
import type { Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import type { CliContext } from "../lib/context.js";
import { CliError } from "../lib/errors.js";
import { PASSWORD_ENV, keystorePassword } from "../lib/keystore.js";
import { table } from "../lib/output.js";
import { readSecret, readStdin } from "../lib/prompt.js";

/** Registers `key`. */
export function register(program: Command, ctx: CliContext): void {
  const key = program
    .command("key")
    .description("manage signing keys: encrypted JSON keystore files (never in the repo, never on a command line)")
    .addHelpText(
      "after",
      `
The keystore folder is --keystore, else $GOODS_LEDGER_KEYSTORE, else ~/.goods-ledger/keystore.
The password is asked on the terminal, or read from $${PASSWORD_ENV} (for CI).
Sign with a key by name, by address, or by the deployment role it holds: --from alice | 0x… | issuer.`,
    );

  key
    .command("new <name>")
    .description("create a random key and store it encrypted")
    .addHelpText("after", "\nExamples:\n  $ goods-ledger key new ops-issuer\n  $ GOODS_LEDGER_PASSWORD=… goods-ledger key new ci-registrar --json")
    .action(async (name: string) => {
      const password = await keystorePassword(`New password for key ${name}`, true);
      const entry = await ctx.keystore.add(name, generatePrivateKey(), password);
      ctx.out.result(entry, `created key ${entry.name}: ${entry.address} (${entry.file})`);
    });

  key
    .command("import <name>")
    .description("store an existing private key encrypted; the key is read from a hidden prompt, or from stdin")
    .addHelpText(
      "after",
      "\nExamples:\n  $ goods-ledger key import treasury                 # asks for the private key, then a password\n  $ goods-ledger key import treasury < key.txt       # reads the key from stdin",
    )
    .action(async (name: string) => {
      const secret = process.stdin.isTTY ? await readSecret("Private key (hex): ") : await readStdin();
      const privateKey = (secret.startsWith("0x") ? secret : `0x${secret}`) as Hex;
      if (!/^0x[0-9a-fA-F]{64}$/.test(privateKey)) {
        throw new CliError("private key: expected 32 bytes of hex (64 hex digits, 0x optional); nothing was written", { code: "invalid-input" });
      }
      const password = await keystorePassword(`New password for key ${name}`, true);
      const entry = await ctx.keystore.add(name, privateKey, password);
      ctx.out.result(entry, `imported key ${entry.name}: ${entry.address} (${entry.file})`);
    });

  key
    .command("list")
    .description("list the keystore's keys (names and addresses; no password needed)")
    .addHelpText("after", "\nExamples:\n  $ goods-ledger key list\n  $ goods-ledger key list --json")
    .action(() => {
      const keystore = ctx.keystore;
      const entries = keystore.list();
      ctx.out.result(
        { dir: keystore.dir, keys: entries },
        entries.length === 0
          ? `no keys in ${keystore.dir} (create one with \`goods-ledger key new <name>\`)`
          : [`keys in ${keystore.dir}:`, ...table([["name", "address"], ...entries.map((e) => [e.name, e.address])])],
      );
    });
}
