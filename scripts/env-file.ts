/** Read and extend `.env.local` without losing what a person put there. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseEnv } from "node:util";

export const ENV_FILE = ".env.local";

export function readEnvFile(path = ENV_FILE): Record<string, string> {
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, "utf8")) as Record<string, string>;
}

function quote(value: string): string {
  if (/^[\w.:/@+-]*$/.test(value)) return value;
  return value.includes("'") ? JSON.stringify(value) : `'${value}'`;
}

/** Append the variables that are not set yet; returns the names written. */
export function addMissing(values: Record<string, string>, path = ENV_FILE): string[] {
  const current = readEnvFile(path);
  const missing = Object.entries(values).filter(([k]) => current[k] === undefined);
  if (missing.length === 0) return [];
  const existing = existsSync(path) ? readFileSync(path, "utf8") : "";
  const lines = missing.map(([k, v]) => `${k}=${quote(v)}`);
  const sep = existing === "" || existing.endsWith("\n") ? "" : "\n";
  writeFileSync(path, existing + sep + lines.join("\n") + "\n", { mode: 0o600 });
  return missing.map(([k]) => k);
}
