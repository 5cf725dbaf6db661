/**
 * Keys for the CLI. Private keys never sit in the repository or on a command line: they live in
 * encrypted JSON keystore files (Web3 Secret Storage, scrypt, written by ethers), one per key, in a folder
 * outside the repository. The password is prompted, or read from `GOODS_LEDGER_PASSWORD` for CI.
 *
 * The well-known Hardhat dev keys (public, from the "test test … junk" mnemonic) are allowed only on the
 * local chain (chain id 31337), and the CLI says so on stderr each time it uses one.
 */
import { pbkdf2Sync } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { getAddress, toHex, type Address, type Hex } from "viem";
import { HDKey, privateKeyToAddress } from "viem/accounts";
import { CliError } from "./errors.js";
import { readSecret } from "./prompt.js";

/** Environment variable holding the keystore password (for CI and scripts). */
export const PASSWORD_ENV = "GOODS_LEDGER_PASSWORD";
/** Environment variable naming the keystore folder. */
export const KEYSTORE_ENV = "GOODS_LEDGER_KEYSTORE";
/** Chain id of the local development chain, the only one where dev keys are accepted. */
export const LOCAL_CHAIN_ID = 31337;

/** The keystore folder: `--keystore`, else `$GOODS_LEDGER_KEYSTORE`, else `~/.goods-ledger/keystore`. */
export function defaultKeystoreDir(): string {
  return process.env[KEYSTORE_ENV] ?? join(homedir(), ".goods-ledger", "keystore");
}

/** One key in the keystore. */
export interface KeystoreEntry {
  /** The file name without `.json`. */
  name: string;
  /** The key's address (stored unencrypted in the file). */
  address: Address;
  /** Path of the encrypted JSON file. */
  file: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A folder of encrypted JSON keystore files. */
export class Keystore {
  constructor(readonly dir: string) {}

  /** Every key in the folder, sorted by name. */
  list(): KeystoreEntry[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => {
        const file = join(this.dir, f);
        const { address } = JSON.parse(readFileSync(file, "utf8")) as { address?: string };
        if (typeof address !== "string") throw new CliError(`keystore file ${file} has no address: not a JSON keystore`);
        return { name: f.slice(0, -".json".length), address: getAddress(address.startsWith("0x") ? address : `0x${address}`), file };
      });
  }

  /** The key with this name or address, if any. */
  find(nameOrAddress: string): KeystoreEntry | undefined {
    const lower = nameOrAddress.toLowerCase();
    return this.list().find((e) => e.name === nameOrAddress || e.address.toLowerCase() === lower);
  }

  /**
   * Encrypts a private key into `<dir>/<name>.json` (mode 0600). Refuses to overwrite an existing name or
   * to store the same address twice.
   *
   * @returns The new entry.
   */
  async add(name: string, privateKey: Hex, password: string): Promise<KeystoreEntry> {
    if (!NAME.test(name)) throw new CliError(`key name "${name}": use 1–64 letters, digits, ".", "_" or "-"`, { code: "invalid-input" });
    const { Wallet } = await import("ethers"); // loaded only here and in unlock: it costs ~0.2 s to load
    const wallet = new Wallet(privateKey);
    const existing = this.find(name) ?? this.find(wallet.address);
    if (existing) {
      throw new CliError(`keystore already has ${existing.name} (${existing.address}); nothing was written`, { code: "key-exists" });
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = join(this.dir, `${name}.json`);
    writeFileSync(file, await wallet.encrypt(password), { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
    return { name, address: getAddress(wallet.address), file };
  }

  /**
   * Decrypts a key.
   *
   * @returns The private key.
   * @throws CliError naming the key when the password is wrong.
   */
  async unlock(entry: KeystoreEntry, password: string): Promise<Hex> {
    const { Wallet } = await import("ethers");
    try {
      const wallet = await Wallet.fromEncryptedJson(readFileSync(entry.file, "utf8"), password);
      return wallet.privateKey as Hex;
    } catch (error) {
      throw new CliError(`wrong password for key ${entry.name} (${entry.address})`, { code: "wrong-password", cause: error });
    }
  }
}

/**
 * The keystore password: `$GOODS_LEDGER_PASSWORD` when set, else asked on the terminal.
 *
 * @param prompt - What to ask, e.g. "Password for alice".
 * @param isNew - For a new key: at least 8 characters, and asked twice on a terminal.
 */
export async function keystorePassword(prompt: string, isNew = false): Promise<string> {
  let password = process.env[PASSWORD_ENV];
  if (password === undefined) {
    if (!process.stdin.isTTY) throw new CliError(`${prompt}: no terminal to ask on; set ${PASSWORD_ENV}`, { code: "no-password" });
    password = await readSecret(`${prompt}: `);
    if (isNew && (await readSecret("Repeat it: ")) !== password) {
      throw new CliError("the two passwords differ; nothing was written", { code: "invalid-input" });
    }
  }
  if (isNew && password.length < 8) throw new CliError("the password must have at least 8 characters; nothing was written", { code: "invalid-input" });
  return password;
}

/** The public mnemonic behind Hardhat's and anvil's default accounts. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/** How many dev accounts every local node funds (anvil funds 10, Hardhat 20). */
export const DEV_ACCOUNT_COUNT = 10;

let devKeys: { address: Address; privateKey: Hex }[] | undefined;

/**
 * The local chain's well-known dev accounts, by index. Public knowledge: never use them anywhere but
 * chain 31337.
 */
export function devAccounts(): { address: Address; privateKey: Hex }[] {
  if (devKeys === undefined) {
    // BIP-39 seed (PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic"), then BIP-44 m/44'/60'/0'/0/i.
    const seed = pbkdf2Sync(DEV_MNEMONIC.normalize("NFKD"), "mnemonic", 2048, 64, "sha512");
    const parent = HDKey.fromMasterSeed(seed).derive("m/44'/60'/0'/0");
    devKeys = Array.from({ length: DEV_ACCOUNT_COUNT }, (_, i) => {
      const privateKey = toHex(parent.deriveChild(i).privateKey!);
      return { address: privateKeyToAddress(privateKey), privateKey };
    });
  }
  return devKeys;
}
