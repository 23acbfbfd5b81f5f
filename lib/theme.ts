/**
 * The colour theme: "system" follows the device (a CSS media query in app/globals.css, so it
 * needs no script), "light" or "dark" is a choice made in Settings → Appearance, kept in this
 * browser's localStorage and put on <html> as a class before the first paint.
 */
export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_STORAGE_KEY = "theme";

export function parseTheme(value: string | null | undefined): Theme {
  return value === "light" || value === "dark" ? value : "system";
}

/** The <html> classes for a choice: none for "system" (the media query decides). */
export function themeClasses(theme: Theme): { add: string[]; remove: string[] } {
  return theme === "system" ? { add: [], remove: ["light", "dark"] } : { add: [theme], remove: [theme === "light" ? "dark" : "light"] };
}

/**
 * Runs in <head> before the page paints (app/layout.tsx): applies a stored choice. Plain ES5,
 * self-contained, and silent when storage is blocked.
 */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(t==="light"||t==="dark")document.documentElement.classList.add(t)}catch(e){}`;
