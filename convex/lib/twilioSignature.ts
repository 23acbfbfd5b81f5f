/**
 * Twilio's request signature (`X-Twilio-Signature`) with Web Crypto, so webhooks are checked in
 * Convex's default runtime with no Node action: base64 HMAC-SHA1, keyed by the auth token, of
 * the URL Twilio called followed by every form parameter's name and value, names sorted (a
 * repeated name contributes each distinct value, sorted). The same rules as the twilio SDK's
 * `getExpectedTwilioSignature`/`validateRequest`, which the tests check both ways.
 */

/** Form parameters as Twilio signs them: a repeated name keeps all its values. */
export type FormParams = Record<string, string | string[]>;

/** The string Twilio signs: the URL, then `name + value` for each parameter in sorted order. */
function signedData(url: string, params: FormParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const v of values) data += name + v;
  }
  return data;
}

function base64(bytes: ArrayBuffer): string {
  let binary = "";
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The signature Twilio would send for a request to `url` with `params`. */
export async function twilioSignature(token: string, url: string, params: FormParams): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(token), { name: "HMAC", hash: "SHA-1" }, false, [
    "sign",
  ]);
  return base64(await crypto.subtle.sign("HMAC", key, encoder.encode(signedData(url, params))));
}

/** Equal strings, in time that does not depend on where they differ. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * The URL with and without its default port: Twilio signs the URL as configured, and some
 * set-ups add or drop `:443`/`:80` on the way (the SDK's validator accepts both too).
 */
function portVariants(url: string): string[] {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!match) return [url];
  const [, scheme, authority, rest] = match;
  const at = authority.lastIndexOf("@");
  const userInfo = authority.slice(0, at + 1);
  const hostPort = authority.slice(at + 1);
  const colon = hostPort.indexOf(":", hostPort.lastIndexOf("]") + 1);
  const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
  const withoutPort = scheme + userInfo + host + rest;
  const withPort =
    colon === -1 ? scheme + userInfo + host + (scheme.toLowerCase() === "https://" ? ":443" : ":80") + rest : url;
  return [...new Set([withoutPort, withPort])];
}

/** Whether `signature` is Twilio's signature of a request to `url` carrying `params`. */
export async function verifyTwilioSignature(
  token: string,
  signature: string,
  url: string,
  params: FormParams,
): Promise<boolean> {
  for (const candidate of portVariants(url)) {
    if (sameText(signature, await twilioSignature(token, candidate, params))) return true;
  }
  return false;
}
