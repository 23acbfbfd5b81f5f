/**
 * What files a message may carry on each channel, written once for the composer (which explains
 * a refusal before uploading) and the backend (which enforces it). Limits are the providers':
 * Twilio takes up to 10 media of at most 5 MB together on MMS and one of up to 16 MB on
 * WhatsApp; Resend takes 40 MB per email after base64, so 25 MB of files.
 */
export type Channel = "sms" | "whatsapp" | "email";

const MB = 1024 * 1024;
const IMAGES = ["image/jpeg", "image/png", "image/gif"] as const;

export type AttachmentRules = { maxFiles: number; maxTotalBytes: number; types: readonly string[] };

export const ATTACHMENT_RULES: Record<Channel, AttachmentRules> = {
  sms: { maxFiles: 10, maxTotalBytes: 5 * MB, types: [...IMAGES, "application/pdf"] },
  whatsapp: { maxFiles: 1, maxTotalBytes: 16 * MB, types: ["image/jpeg", "image/png", "application/pdf"] },
  email: { maxFiles: 10, maxTotalBytes: 25 * MB, types: [...IMAGES, "image/webp", "application/pdf"] },
};

/** The largest single upload on any channel (the storage step refuses more). */
export const MAX_UPLOAD_BYTES = 25 * MB;
/** Every type some channel takes: what the file picker offers. */
export const UPLOAD_TYPES: readonly string[] = [...new Set(Object.values(ATTACHMENT_RULES).flatMap((r) => r.types))];

export type FileFacts = { name: string; contentType: string; size: number };

const CHANNEL_LABEL: Record<Channel, string> = { sms: "MMS", whatsapp: "WhatsApp", email: "Email" };

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
}

function typeLabel(types: readonly string[]): string {
  const names = [...new Set(types.map((t) => (t === "application/pdf" ? "PDF" : t.replace("image/", "").toUpperCase())))];
  return names.join(", ").replace(/, ([^,]*)$/, " or $1");
}

/** Why these files cannot go together on the channel, or null if they can. */
export function attachmentProblem(channel: Channel, files: readonly FileFacts[]): string | null {
  const rules = ATTACHMENT_RULES[channel];
  const label = CHANNEL_LABEL[channel];
  if (files.length > rules.maxFiles) {
    return rules.maxFiles === 1 ? `${label} messages carry one file.` : `${label} messages carry at most ${rules.maxFiles} files.`;
  }
  for (const f of files) {
    if (!rules.types.includes(f.contentType.toLowerCase())) {
      return `${label} cannot carry “${f.name}”: send ${typeLabel(rules.types)} files.`;
    }
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > rules.maxTotalBytes) {
    return `${label} files may be ${formatBytes(rules.maxTotalBytes)} together; these are ${formatBytes(total)}.`;
  }
  return null;
}

/** Why a file cannot be uploaded at all, or null. */
export function uploadProblem(file: FileFacts): string | null {
  if (!UPLOAD_TYPES.includes(file.contentType.toLowerCase())) return `“${file.name}” is not an image or a PDF.`;
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > MAX_UPLOAD_BYTES) return `“${file.name}” is ${formatBytes(file.size)}; files may be at most ${formatBytes(MAX_UPLOAD_BYTES)}.`;
  return null;
}
