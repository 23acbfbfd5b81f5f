import { describe, expect, it } from "vitest";
import { mediaItems, safeLink } from "./media";

describe("mediaItems", () => {
  it("shows images inline by content type or, without one, by file extension", () => {
    expect(
      mediaItems(
        ["https://cdn.example/a/photo", "https://cdn.example/b/pic.JPG", "https://cdn.example/c/menu.pdf", "https://cdn.example/d/x.svg"],
        undefined,
      ).map((i) => [i.kind, i.name]),
    ).toEqual([
      ["file", "photo"],
      ["image", "pic.JPG"],
      ["file", "menu.pdf"],
      ["file", "x.svg"],
    ]);
    expect(mediaItems(["https://api.twilio.example/Media/ME1"], ["image/jpeg"])[0]).toMatchObject({ kind: "image", name: "ME1" });
    expect(mediaItems(["https://cdn.example/v.png"], ["video/mp4"])[0].kind).toBe("file");
  });

  it("names attachments after their files", () => {
    const items = mediaItems(["https://cdn.example/typed.jpg", "http://127.0.0.1:3210/api/storage/abc"], ["", "application/pdf"], ["menu.pdf"]);
    expect(items.map((i) => [i.kind, i.name])).toEqual([
      ["image", "typed.jpg"],
      ["file", "menu.pdf"],
    ]);
  });

  it("drops anything that is not an http(s) link", () => {
    expect(mediaItems(["javascript:alert(1)", "data:image/png;base64,AAAA", "not a url"], ["image/png"])).toEqual([]);
    expect(safeLink("javascript:alert(1)")).toBeNull();
    expect(safeLink("https://example.com/a b")).toBe("https://example.com/a%20b");
  });
});
