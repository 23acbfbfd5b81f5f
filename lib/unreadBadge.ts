/** The unread count in the tab: its title prefix and the favicon's badge. */

const PREFIX = /^\(\d+\+?\) /;

/** "3", or "99+" past 99 (or when the count is known to be incomplete). */
export function unreadLabel(messages: number, more = false): string | null {
  if (messages <= 0 && !more) return null;
  return messages > 99 || more ? "99+" : String(messages);
}

/** The document title with the unread count in front: "(3) Inbox · Unified Inbox"; none at zero. */
export function titleWithUnread(title: string, label: string | null): string {
  const bare = title.replace(PREFIX, "");
  return label ? `(${label}) ${bare}` : bare;
}

/** The app's icon (as app/icon.svg) with a red badge holding `label`, as an SVG document. */
export function faviconWithBadge(label: string): string {
  const text = label.length > 2 ? "99+" : label;
  const size = text.length === 1 ? 15 : text.length === 2 ? 13 : 10;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
    `<rect width="32" height="32" rx="7" fill="#4f46e5"/>` +
    `<g fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" transform="translate(4 4)">` +
    `<path d="M22 12h-6l-2 3h-4l-2-3H2"/><path d="M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z"/></g>` +
    `<circle cx="22" cy="10" r="10" fill="#dc2626" stroke="#fff" stroke-width="1.5"/>` +
    `<text x="22" y="10" dy="0.36em" text-anchor="middle" font-family="Arial,Helvetica,sans-serif" font-weight="700" font-size="${size}" fill="#fff">${text}</text>` +
    `</svg>`
  );
}

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}
