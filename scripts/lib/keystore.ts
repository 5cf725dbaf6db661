/**
 * Keys for the CLI. Private keys never sit in the repository or on a command line: they live in
 * encrypted JSON keystore files (Web3 Secret Storage, scrypt, written by ethers), one per key, in a folder
 * outside the repository. The password is prompted, or read from `GOODS_LEDGER_PASSWORD` for CI.
 *
 * The well-known Hardhat dev keys (public, from the "test test … junk" mnemonic) are allowed only on the
 * local chain (chain id 31337), and the CLI says so on stderr each time it uses one.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { getAddress, type Address, type Hex } from "viem";
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
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/** How many dev accounts every local node funds (anvil funds 10, Hardhat 20). */
export const DEV_ACCOUNT_COUNT = 10;

/**
 * The first {@link DEV_ACCOUNT_COUNT} accounts of {@link DEV_MNEMONIC} (BIP-44 m/44'/60'/0'/0/i), written out:
 * deriving them costs a BIP-32 derivation and a public key per account at every run that signs.
 * test/cli/startup.test.ts derives them again and compares.
 */
const DEV_KEYS: readonly { address: Address; privateKey: Hex }[] = [
  { address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", privateKey: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" },
  { address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", privateKey: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" },
  { address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", privateKey: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a" },
  { address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906", privateKey: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6" },
  { address: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", privateKey: "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a" },
  { address: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", privateKey: "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba" },
  { address: "0x976EA74026E726554dB657fA54763abd0C3a0aa9", privateKey: "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e" },
  { address: "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", privateKey: "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356" },
  { address: "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f", privateKey: "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97" },
  { address: "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", privateKey: "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6" },
];

/**
 * The local chain's well-known dev accounts, by index. Public knowledge: never use them anywhere but
 * chain 31337.
 */
export function devAccounts(): { address: Address; privateKey: Hex }[] {
  return DEV_KEYS.map((k) => ({ ...k }));
}
