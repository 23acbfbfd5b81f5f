/**
 * Opaque REST API cursors. Convex's own continue cursors are readable (they carry index keys,
 * our internal user id among them), so the API hands out a sealed form: AES-GCM over the Convex
 * cursor, with the account and the list it belongs to as associated data. A cursor that was
 * tampered with, or comes from another account or another list, does not open. Web Crypto only,
 * so it runs in Convex's default runtime.
 */

const NONCE_BYTES = 12;
const keys = new Map<string, Promise<CryptoKey>>();

function key(secret: string): Promise<CryptoKey> {
  let cached = keys.get(secret);
  if (!cached) {
    cached = crypto.subtle
      .digest("SHA-256", new TextEncoder().encode(`unified-inbox api cursors\n${secret}`))
      .then((raw) => crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]));
    keys.set(secret, cached);
  }
  return cached;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** `cursor` sealed for `binding` (the account and the list). */
export async function sealCursor(secret: string, binding: string, cursor: string): Promise<string> {
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: new TextEncoder().encode(binding) },
    await key(secret),
    new TextEncoder().encode(cursor),
  );
  const out = new Uint8Array(NONCE_BYTES + sealed.byteLength);
  out.set(nonce);
  out.set(new Uint8Array(sealed), NONCE_BYTES);
  return toBase64Url(out);
}

/** The Convex cursor inside `token`, or null if it was not sealed for `binding` with this secret. */
export async function openCursor(secret: string, binding: string, token: string): Promise<string | null> {
  const bytes = fromBase64Url(token);
  if (bytes === null || bytes.length <= NONCE_BYTES + 16) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, NONCE_BYTES), additionalData: new TextEncoder().encode(binding) },
      await key(secret),
      bytes.slice(NONCE_BYTES),
    );
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    return null;
  }
}
