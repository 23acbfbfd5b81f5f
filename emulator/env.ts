/** Environment for the functions: `.env.local`, without overriding what the process already has. */
import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";

export const DEFAULT_SITE_URL = "http://127.0.0.1:3211";

/** Load `file` into process.env; variables already set win. Returns the names loaded. */
export function loadEnvFile(file: string): string[] {
  if (!existsSync(file)) return [];
  const values = parseEnv(readFileSync(file, "utf8")) as Record<string, string>;
  const loaded: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (process.env[name] !== undefined) continue;
    process.env[name] = value;
    loaded.push(name);
  }
  return loaded;
}
