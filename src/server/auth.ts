import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** What a token may do: `analyst` reads (queries, exports, evidence packs); `admin` also edits the flag list. */
export type Role = "analyst" | "admin";
/** Every role. */
export const ROLES: readonly Role[] = ["analyst", "admin"];

/** One API token as stored: only its sha256, never the token. */
export interface TokenEntry {
  name: string;
  role: Role;
  sha256: string;
  createdAt: string;
}

/** The tokens file: `{ "tokens": [TokenEntry, …] }`. */
export interface TokenFile {
  tokens: TokenEntry[];
}

const digest = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Reads a tokens file (an absent file has no tokens).
 * @throws Error naming the file when it is not a tokens file.
 */
export function readTokens(file: string): TokenFile {
  if (!existsSync(file)) return { tokens: [] };
  const raw = JSON.parse(readFileSync(file, "utf8")) as Partial<TokenFile>;
  if (!Array.isArray(raw.tokens) || raw.tokens.some((t) => typeof t?.sha256 !== "string" || !ROLES.includes(t.role))) {
    throw new Error(`${file} is not a tokens file ({ "tokens": [{ name, role: analyst|admin, sha256 }] })`);
  }
  return raw as TokenFile;
}

/**
 * Creates a token, stores its hash in the file (created if missing, mode 0600), and returns the token: the
 * only time it is ever shown.
 * @throws Error when the name is taken.
 */
export function addToken(file: string, name: string, role: Role): string {
  const tokens = readTokens(file);
  if (tokens.tokens.some((t) => t.name === name)) throw new Error(`a token named "${name}" already exists in ${file}`);
  const token = `glt_${randomBytes(24).toString("base64url")}`;
  tokens.tokens.push({ name, role, sha256: digest(token), createdAt: new Date().toISOString() });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return token;
}

/**
 * Finds the entry of a bearer token (constant-time comparison of hashes).
 * @returns the entry, or null for an unknown token.
 */
export function authenticate(tokens: TokenFile, token: string): TokenEntry | null {
  const given = Buffer.from(digest(token), "hex");
  let found: TokenEntry | null = null;
  for (const t of tokens.tokens) {
    const stored = Buffer.from(t.sha256, "hex");
    if (stored.length === given.length && timingSafeEqual(stored, given)) found = t;
  }
  return found;
}
