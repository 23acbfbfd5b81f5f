/**
 * Reading an uploaded CSV file: bytes → text (UTF-8 with or without BOM, UTF-16 with BOM,
 * Windows-1252), a clear INVALID_FILE for what is not CSV (spreadsheets, PDFs, binaries,
 * HTML/JSON), the separator (`,` `;` tab `|`), records one at a time through papaparse (quoted
 * newlines and quotes included), header detection and the column → contact field mapping.
 */
import Papa from "papaparse";
import { fieldKeyFromLabel, type FieldDef } from "../../lib/customFields";
import { toE164 } from "../../lib/phone";
import { appError } from "./errors";

/** The largest file an import reads (the 5 MB, with room). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 50_000;
export const MAX_IMPORT_COLUMNS = 200;

export type Decoded = { text: string; encoding: string };


/** Bytes → text, or INVALID_FILE saying what the file seems to be instead. */
export function decodeCsv(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) throw appError("INVALID_FILE", "The file is empty.");
  if (bytes.length > MAX_IMPORT_BYTES) {
    throw appError("LIMIT_EXCEEDED", `Files are at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`, { maxBytes: MAX_IMPORT_BYTES });
  }
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    throw appError("INVALID_FILE", "This is an Excel workbook or another zip file, not CSV. In Excel, use File → Save As → CSV UTF-8.");
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) throw appError("INVALID_FILE", "This is an old Excel (.xls) file, not CSV. Save it as CSV UTF-8 first.");
  if (starts(0x25, 0x50, 0x44, 0x46)) throw appError("INVALID_FILE", "This is a PDF, not a CSV file.");
  let decoded: Decoded;
  if (starts(0xef, 0xbb, 0xbf)) decoded = { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), encoding: "utf-8-bom" };
  else if (starts(0xff, 0xfe)) decoded = { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le" };
  else if (starts(0xfe, 0xff)) decoded = { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be" };
  else {
    if (bytes.subarray(0, 8192).includes(0)) throw appError("INVALID_FILE", "This is a binary file, not CSV text.");
    try {
      decoded = { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
    } catch {
      // Not UTF-8: Excel's "CSV (Comma delimited)" on Windows writes Windows-1252, a superset of Latin-1.
      // (Convex's runtime decodes every WHATWG encoding, as browsers and Node do.)
      decoded = { text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252" };
    }
  }
  decoded.text = fixWindows1252(decoded.text, decoded.encoding).replace(/\r\n?/g, "\n"); // one line ending, even when mixed
  const head = decoded.text.trimStart().slice(0, 100).toLowerCase();
  if (head.startsWith("<!doctype") || head.startsWith("<html") || head.startsWith("<?xml")) {
    throw appError("INVALID_FILE", "This is a web page or XML file, not CSV.");
  }
  if (/^[[{]\s*["{[\]]/.test(head)) throw appError("INVALID_FILE", "This is a JSON file, not CSV.");
  if (decoded.text.trim() === "") throw appError("INVALID_FILE", "The file is empty.");
  return decoded;
}

/**
 * Windows-1252 puts € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ at 0x80–0x9F, where
 * Latin-1 has control characters. Some runtimes' "windows-1252" decoders (edge-runtime's) give
 * the Latin-1 controls; map them, so the text is right whichever decoder ran.
 */
const CP1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";
function fixWindows1252(text: string, encoding: string): string {
  if (encoding !== "windows-1252") return text;
  return text.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

const DELIMITERS = [",", ";", "\t", "|"] as const;

/** The separator the header line uses most (outside quotes); "," when none. */
export function detectDelimiter(text: string): string {
  const line = firstLine(text);
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ",";
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

function firstLine(text: string): string {
  for (const line of text.split(/\r\n|\n|\r/, 20)) if (line.trim() !== "") return line;
  return "";
}

/**
 * Call `onRecord` for each record (its cells and its 1-based row number, the header being row 1),
 * blank lines included in the numbering but not passed on. When `onRecord` returns a promise,
 * parsing waits for it (staging writes batches as it goes without holding every record).
 */
export async function forEachRecord(
  text: string,
  delimiter: string,
  onRecord: (cells: string[], row: number) => void | Promise<void>,
): Promise<void> {
  let row = 0;
  // papaparse's abort() completes the parse: remember why it was stopped, so it rejects.
  let failure: { error: unknown } | null = null;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(text, {
      delimiter,
      skipEmptyLines: false,
      step: (result, parser) => {
        if (failure) return;
        row++;
        const cells = result.data;
        if (cells.every((c) => c.trim() === "")) return;
        const stop = (error: unknown) => {
          failure = { error };
          parser.abort();
        };
        try {
          const pending = onRecord(cells, row);
          if (pending) {
            parser.pause();
            pending.then(() => parser.resume(), stop);
          }
        } catch (error) {
          stop(error);
        }
      },
      complete: () => (failure ? reject(failure.error) : resolve()),
      error: (error: Error) => reject(error),
    });
  });
}

// ---------------------------------------------------------------------------------------
// Columns

/** Where a column goes. Custom fields are "field:<key>"; "" ignores the column. */
export type Target = "name" | "firstName" | "lastName" | "mobile" | "phone" | "email" | "tags" | "consent" | "timeZone" | `field:${string}` | "";

export const STANDARD_TARGETS = ["name", "firstName", "lastName", "mobile", "phone", "email", "tags", "consent", "timeZone"] as const;

const words = (header: string) =>
  header
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

/** Header words (accents and punctuation removed) → target, in several languages. */
const ALIASES: Record<Exclude<Target, "" | `field:${string}`>, string[]> = {
  name: ["name", "full name", "fullname", "contact", "contact name", "display name", "customer", "customer name", "nom", "nombre", "naam", "nome"],
  firstName: ["first name", "firstname", "first", "given name", "forename", "prenom", "vorname", "nombre de pila", "primeiro nome"],
  lastName: ["last name", "lastname", "last", "surname", "family name", "nom de famille", "nachname", "apellido", "apellidos", "sobrenome"],
  mobile: ["mobile", "mobile phone", "mobile number", "cell", "cell phone", "cellphone", "handy", "portable", "movil", "celular", "whatsapp", "sms"],
  phone: ["phone", "phone number", "telephone", "telephone number", "tel", "phone 1", "phone1", "number", "telefono", "telefon", "telefone", "numero"],
  email: ["email", "e mail", "email address", "e mail address", "mail", "courriel", "correo", "correo electronico"],
  tags: ["tags", "tag", "labels", "label", "categories", "category"],
  timeZone: ["time zone", "timezone", "tz", "zone", "fuseau horaire", "zona horaria", "zeitzone", "fuso horario"],
  consent: ["consent", "opt in", "optin", "opted in", "subscribed", "subscriber", "marketing consent", "sms consent", "accepts marketing", "accepts sms", "newsletter"],
};

function headerTarget(header: string, fields: readonly FieldDef[]): Target {
  const w = words(header);
  if (w === "") return "";
  for (const f of fields) if (words(f.label) === w || f.key === w.replace(/ /g, "_") || fieldKeyFromLabel(header) === f.key) return `field:${f.key}`;
  for (const [target, aliases] of Object.entries(ALIASES)) if (aliases.includes(w)) return target as Target;
  return "";
}

export const looksLikeEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
export const looksLikePhone = (value: string, country: string) => /\d{6}/.test(value.replace(/\D/g, "")) && toE164(value, country) !== null;

/** Whether the first record is a header: no cell of it is an email address or a phone number. */
export function isHeaderRow(cells: string[], country: string): boolean {
  return !cells.some((c) => looksLikeEmail(c) || looksLikePhone(c, country));
}

/**
 * Map columns to targets from their headers, then check against the values: a "Phone" column
 * full of email addresses is read as email (and the other way round), and unnamed columns whose
 * values are clearly emails or phone numbers are picked up. Each standard target is used once.
 */
export function detectMapping(headers: string[], sample: string[][], fields: readonly FieldDef[], country: string): Target[] {
  const mapping = headers.map((h) => headerTarget(h, fields));
  const shares = headers.map((_, col) => {
    const values = sample.map((r) => (r[col] ?? "").trim()).filter((v) => v !== "");
    if (values.length === 0) return { email: 0, phone: 0 };
    return {
      email: values.filter(looksLikeEmail).length / values.length,
      phone: values.filter((v) => looksLikePhone(v, country)).length / values.length,
    };
  });
  mapping.forEach((target, col) => {
    const s = shares[col];
    if ((target === "phone" || target === "mobile") && s.email > 0.5) mapping[col] = "email";
    else if (target === "email" && s.phone > 0.5) mapping[col] = "phone";
    else if (target === "" && s.email > 0.8) mapping[col] = "email";
    else if (target === "" && s.phone > 0.8) mapping[col] = "phone";
  });
  // A standard target once: later duplicates are ignored (phone → mobile when both are "phone").
  const used = new Set<Target>();
  return mapping.map((target) => {
    if (target === "") return target;
    if (used.has(target)) {
      if (target === "phone" && !used.has("mobile")) {
        used.add("mobile");
        return "mobile";
      }
      return "";
    }
    used.add(target);
    return target;
  });
}

/** Check a mapping chosen in the app or the API: known targets only, each standard one once. */
export function checkMapping(mapping: string[], columns: number, fields: readonly FieldDef[]): Target[] {
  if (mapping.length < columns || mapping.length > MAX_IMPORT_COLUMNS) {
    throw appError("INVALID_ARGUMENT", `The mapping has ${mapping.length} entries but the file has ${columns} columns.`, { field: "mapping" });
  }
  const keys = new Set(fields.map((f) => f.key));
  const used = new Set<string>();
  return mapping.map((target) => {
    const ok = target === "" || (STANDARD_TARGETS as readonly string[]).includes(target) || (target.startsWith("field:") && keys.has(target.slice(6)));
    if (!ok) throw appError("INVALID_ARGUMENT", `"${target.slice(0, 60)}" is not a column target.`, { field: "mapping" });
    if (target !== "" && used.has(target)) throw appError("INVALID_ARGUMENT", `"${target}" is mapped twice.`, { field: "mapping" });
    used.add(target);
    return target as Target;
  });
}
