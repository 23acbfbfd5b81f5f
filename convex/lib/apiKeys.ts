/**
 * API key format and hashing, shared by key management (convex/apiKeys.ts) and the REST
 * API's authentication. A key is `uik_live_` + 32 random bytes in base64url (43 characters);
 * only its SHA-256 and a short display prefix are ever stored.
 */
import { sha256 } from "@oslojs/crypto/sha2";

export const KEY_PREFIX = "uik_live_";
const RANDOM_BYTES = 32;
/** Random characters kept in the display prefix: "uik_live_AbC1". */
const PREFIX_CHARS = 4;
const KEY_PATTERN = /^uik_live_[A-Za-z0-9_-]{43}$/;

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A new key. `crypto.getRandomValues` in a Convex mutation draws from a per-execution,
 * randomly seeded CSPRNG (Convex Auth makes its session tokens the same way).
 */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const bytes = new Uint8Array(RANDOM_BYTES);
  crypto.getRandomValues(bytes);
  const key = KEY_PREFIX + base64url(bytes);
  return { key, prefix: key.slice(0, KEY_PREFIX.length + PREFIX_CHARS), hash: hashApiKey(key) };
}

/** Hex SHA-256 of a key: what the database stores and looks keys up by. */
export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

/** Hex SHA-256 of a string's UTF-8 bytes (pure JS: works in queries and mutations too). */
export function sha256Hex(text: string): string {
  return hex(sha256(new TextEncoder().encode(text)));
}

/** Whether a string has the shape of one of our keys (anything else is not worth a lookup). */
export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** A key works until it is revoked or expires. */
export function isKeyActive(key: { revokedAt?: number; expiresAt?: number }, now: number): boolean {
  return key.revokedAt === undefined && (key.expiresAt === undefined || now < key.expiresAt);
}
