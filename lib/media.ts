/** How the thread shows a message's media: images inline, anything else as a link. */

export type MediaItem = { url: string; kind: "image" | "file"; name: string };

const IMAGE_EXTENSION = /\.(png|jpe?g|gif|webp|avif|bmp)$/i;

/** Only http(s) links are shown: a `javascript:` or `data:` URL in a message is never rendered as one. */
export function safeLink(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * The message's media, paired with their content types where the provider gave them, and
 * named after the files they are (attachments are the last of `urls`) where known.
 */
export function mediaItems(
  urls: readonly string[] | undefined,
  types: readonly string[] | undefined,
  fileNames: readonly string[] = [],
): MediaItem[] {
  const items: MediaItem[] = [];
  const firstFile = (urls?.length ?? 0) - fileNames.length;
  (urls ?? []).forEach((raw, i) => {
    const url = safeLink(raw);
    if (!url) return;
    const { pathname } = new URL(url);
    const type = types?.[i]?.toLowerCase() ?? "";
    const image = type ? type.startsWith("image/") && type !== "image/svg+xml" : IMAGE_EXTENSION.test(pathname);
    const name = (i >= firstFile ? fileNames[i - firstFile] : undefined) || decodeURIComponent(pathname.split("/").filter(Boolean).pop() ?? "") || new URL(url).host;
    items.push({ url, kind: image ? "image" : "file", name });
  });
  return items;
}
