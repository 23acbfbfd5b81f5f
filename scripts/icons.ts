/**
 * `npx tsx scripts/icons.ts`: draw the app's PNG icons (public/icons/, app/apple-icon.png) from its mark, the same
 * inbox tray as app/icon.svg, by rendering SVG in Chromium (the browser tests' /usr/bin/chromium;
 * CHROMIUM_PATH points elsewhere). The PNGs are committed; run this again after changing the mark.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

const INDIGO = "#4f46e5";
/** The tray, drawn in a 24×24 box (as in components/shell/logo.tsx). */
const TRAY = `<path d="M22 12h-6l-2 3h-4l-2-3H2"/><path d="M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z"/>`;

/** The tray, white, scaled to `share` of a size×size square and centred, over `background`. */
function svg(size: number, { share, background, radius }: { share: number; background: string | null; radius: number }): string {
  const glyph = size * share;
  const offset = (size - glyph) / 2;
  const scale = glyph / 24;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">${
    background ? `<rect width="${size}" height="${size}" rx="${radius}" fill="${background}"/>` : ""
  }<g transform="translate(${offset} ${offset}) scale(${scale})" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${TRAY}</g></svg>`;
}

const ICONS: Array<{ file: string; size: number; share: number; background: string | null; radius: number }> = [
  // "any" icons: the rounded square of the favicon.
  { file: "icon-192.png", size: 192, share: 0.66, background: INDIGO, radius: 42 },
  { file: "icon-512.png", size: 512, share: 0.66, background: INDIGO, radius: 112 },
  // Maskable: full bleed, the tray inside the 80% safe circle.
  { file: "maskable-512.png", size: 512, share: 0.5, background: INDIGO, radius: 0 },
  // iOS rounds the corners of the home-screen icon itself and wants no transparency (Next.js
  // links app/apple-icon.png as the apple-touch-icon).
  { file: "../../app/apple-icon.png", size: 180, share: 0.6, background: INDIGO, radius: 0 },
  // Android's status bar draws the badge from its alpha channel: white tray, transparent ground.
  { file: "badge-96.png", size: 96, share: 0.8, background: null, radius: 0 },
];

async function main() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
  try {
    const page = await browser.newPage();
    for (const icon of ICONS) {
      await page.setViewportSize({ width: icon.size, height: icon.size });
      await page.setContent(`<html><body style="margin:0;background:transparent">${svg(icon.size, icon)}</body></html>`);
      const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: icon.size, height: icon.size } });
      const out = path.join(import.meta.dirname, "..", "public", "icons", icon.file);
      writeFileSync(out, png);
      console.log(`${out} (${png.length} bytes)`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
