import { describe, expect, it } from "vitest";
import { attachmentProblem, formatBytes, uploadProblem } from "./attachments";

const MB = 1024 * 1024;
const jpeg = (name: string, size = 100_000) => ({ name, contentType: "image/jpeg", size });

describe("attachment rules per channel", () => {
  it("MMS: up to 10 images or PDFs, 5 MB together", () => {
    expect(attachmentProblem("sms", [jpeg("a.jpg"), { name: "menu.pdf", contentType: "application/pdf", size: MB }])).toBeNull();
    expect(attachmentProblem("sms", Array.from({ length: 11 }, (_, i) => jpeg(`${i}.jpg`)))).toBe("MMS messages carry at most 10 files.");
    expect(attachmentProblem("sms", [jpeg("big.jpg", 3 * MB), jpeg("big2.jpg", 3 * MB)])).toBe("MMS files may be 5.0 MB together; these are 6.0 MB.");
    expect(attachmentProblem("sms", [{ name: "pic.webp", contentType: "image/webp", size: 10 }])).toBe(
      "MMS cannot carry “pic.webp”: send JPEG, PNG, GIF or PDF files.",
    );
  });

  it("WhatsApp: one file; email: webp too", () => {
    expect(attachmentProblem("whatsapp", [jpeg("a.jpg"), jpeg("b.jpg")])).toBe("WhatsApp messages carry one file.");
    expect(attachmentProblem("whatsapp", [jpeg("a.jpg", 15 * MB)])).toBeNull();
    expect(attachmentProblem("email", [{ name: "pic.webp", contentType: "image/webp", size: 10 }])).toBeNull();
    expect(attachmentProblem("email", [])).toBeNull();
  });

  it("uploads: images and PDFs only, not empty, not huge", () => {
    expect(uploadProblem(jpeg("a.jpg"))).toBeNull();
    expect(uploadProblem({ name: "x.exe", contentType: "application/octet-stream", size: 10 })).toBe("“x.exe” is not an image or a PDF.");
    expect(uploadProblem(jpeg("e.jpg", 0))).toBe("“e.jpg” is empty.");
    expect(uploadProblem(jpeg("h.jpg", 30 * MB))).toBe("“h.jpg” is 30 MB; files may be at most 25 MB.");
    expect(formatBytes(1536)).toBe("2 KB");
  });
});
