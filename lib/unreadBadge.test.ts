import { describe, expect, it } from "vitest";
import { faviconWithBadge, svgDataUrl, titleWithUnread, unreadLabel } from "./unreadBadge";

describe("unread in the tab", () => {
  it("labels the count, capped at 99+", () => {
    expect(unreadLabel(0)).toBeNull();
    expect(unreadLabel(7)).toBe("7");
    expect(unreadLabel(100)).toBe("99+");
    expect(unreadLabel(40, true)).toBe("99+");
  });

  it("puts the count in front of the title once, and takes it away at zero", () => {
    expect(titleWithUnread("Inbox · Unified Inbox", "3")).toBe("(3) Inbox · Unified Inbox");
    expect(titleWithUnread("(3) Inbox · Unified Inbox", "4")).toBe("(4) Inbox · Unified Inbox");
    expect(titleWithUnread("(99+) Inbox · Unified Inbox", null)).toBe("Inbox · Unified Inbox");
    expect(titleWithUnread("(Draft) notes", null)).toBe("(Draft) notes");
  });

  it("draws the badge into the icon, as an SVG data URL", () => {
    const svg = faviconWithBadge("12");
    expect(svg).toContain(">12</text>");
    expect(svg).toContain('fill="#dc2626"');
    expect(faviconWithBadge("99+")).toContain(">99+</text>");
    expect(svgDataUrl(svg)).toMatch(/^data:image\/svg\+xml,%3Csvg/);
  });
});
