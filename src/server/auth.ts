import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
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
  /** When the token stops working (ISO 8601); absent: never. */
  expiresAt?: string;
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
  if (!Array.isArray(raw.tokens) || raw.tokens.some((t) => typeof t?.sha256 !== "string" || !ROLES.includes(t.role) ||
    (t.expiresAt !== undefined && Number.isNaN(Date.parse(t.expiresAt))))) {
    throw new Error(`${file} is not a tokens file ({ "tokens": [{ name, role: analyst|admin, sha256, expiresAt? }] })`);
  }
  return raw as TokenFile;
}

/** Writes the file atomically (a reader never sees half a file), mode 0600. */
function writeTokens(file: string, tokens: TokenFile): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/**
 * Creates a token, stores its hash in the file (created if missing, mode 0600), and returns the token: the
 * only time it is ever shown.
 * @param expiresAt - when it stops working; absent: never.
 * @throws Error when the name is taken.
 */
export function addToken(file: string, name: string, role: Role, expiresAt?: Date): string {
  const tokens = readTokens(file);
  if (tokens.tokens.some((t) => t.name === name)) throw new Error(`a token named "${name}" already exists in ${file}`);
  const token = `glt_${randomBytes(24).toString("base64url")}`;
  tokens.tokens.push({ name, role, sha256: digest(token), createdAt: new Date().toISOString(), ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }) });
  writeTokens(file, tokens);
  return token;
}

/**
 * Revokes a token: removes its entry, so the server refuses it from the next request on (it re-reads the file).
 * @throws Error when no token has that name.
 */
export function revokeToken(file: string, name: string): TokenEntry {
  const tokens = readTokens(file);
  const entry = tokens.tokens.find((t) => t.name === name);
  if (entry === undefined) throw new Error(`no token named "${name}" in ${file}`);
  writeTokens(file, { tokens: tokens.tokens.filter((t) => t !== entry) });
  return entry;
}

/** Why {@link authenticate} refused a token. */
export type DenyReason = "unknown-token" | "expired-token";

/**
 * Finds the entry of a bearer token (constant-time comparison of hashes, over every entry).
 * @returns the entry, or why it is refused: unknown, or past its `expiresAt` at `now`.
 */
export function authenticate(tokens: TokenFile, token: string, now: Date = new Date()): TokenEntry | { denied: DenyReason; name?: string } {
  const given = Buffer.from(digest(token), "hex");
  let found: TokenEntry | null = null;
  for (const t of tokens.tokens) {
    const stored = Buffer.from(t.sha256, "hex");
    if (stored.length === given.length && timingSafeEqual(stored, given)) found = t;
  }
  if (found === null) return { denied: "unknown-token" };
  if (found.expiresAt !== undefined && Date.parse(found.expiresAt) <= now.getTime()) return { denied: "expired-token", name: found.name };
  return found;
}
