/**
 * Request bodies for HTTP actions (webhooks and the REST API): read up to a size limit and
 * decoded strictly, so bytes that are not UTF-8 are refused instead of being stored as U+FFFD.
 */
import type { FormParams } from "./twilioSignature";

export type BodyText = { ok: true; text: string } | { ok: false; error: "tooLarge" | "notUtf8" };

/** The body as UTF-8 text, refused past `limit` bytes (by its declared length first, unread). */
export async function readTextBody(request: Request, limit: number): Promise<BodyText> {
  const read = await readBodyBytes(request, limit);
  if (!read.ok) return read;
  const text = decodeUtf8(read.bytes);
  return text === null ? { ok: false, error: "notUtf8" } : { ok: true, text };
}

/** The body's bytes (a file), refused past `limit` bytes (by its declared length first, unread). */
export async function readBodyBytes(request: Request, limit: number): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; error: "tooLarge" }> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > limit) return { ok: false, error: "tooLarge" };
  if (request.body === null) return { ok: true, bytes: new Uint8Array() };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return { ok: false, error: "tooLarge" };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

/** UTF-8 bytes as text; null when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * An `application/x-www-form-urlencoded` body, strictly: a malformed percent-escape or one that
 * decodes to bytes that are not UTF-8 makes the whole form null (URLSearchParams would keep it
 * as U+FFFD). A repeated name keeps every value, in order.
 */
export function parseForm(text: string): FormParams | null {
  const out: FormParams = Object.create(null) as FormParams;
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decodeFormPart(eq === -1 ? pair : pair.slice(0, eq));
    const value = decodeFormPart(eq === -1 ? "" : pair.slice(eq + 1));
    if (name === null || value === null) return null;
    const previous = out[name];
    out[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return out;
}

function decodeFormPart(part: string): string | null {
  try {
    return decodeURIComponent(part.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/** A form's single values (the last one of a repeated name), for schema validation. */
export function formValues(form: FormParams): Record<string, string> {
  return Object.fromEntries(
    Object.entries(form).map(([name, value]) => [name, Array.isArray(value) ? value[value.length - 1] : value]),
  );
}
