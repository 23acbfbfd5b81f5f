#!/usr/bin/env node
/**
 * This machine's npm registry serves only this platform's native packages, so `npm install`
 * cannot record other platforms' optional binaries (e.g. @next/swc-darwin-arm64) and `npm ci`
 * then rejects the lockfile as out of sync. Record each missing optional package with the os/cpu
 * its name declares, so `npm ci` sees a complete lockfile and skips them on this platform.
 * Run after changing dependencies: `npm install && node scripts/lockfile-platforms.mjs`.
 */
import fs from "node:fs";

const OSES = ["darwin", "linux", "win32", "freebsd", "android", "openbsd", "sunos", "aix", "netbsd", "openharmony"];
const CPUS = ["arm64", "x64", "ia32", "arm", "ppc64", "s390x", "riscv64", "loong64", "mips64el", "wasm32"];

const file = process.argv[2] ?? "package-lock.json";
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path ? path + "/" : ""}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const base = name.split("/").pop();
    const os = OSES.find((o) => base.split("-").includes(o));
    const cpu = CPUS.find((c) => base.split("-").includes(c));
    if (!os && !cpu) throw new Error(`Cannot tell the platform of optional package ${name}`);
    if (!/^\d+\.\d+\.\d+/.test(version)) throw new Error(`${name}: expected an exact version, got ${version}`);
    packages[`node_modules/${name}`] = {
      version,
      optional: true,
      ...(os ? { os: [os] } : {}),
      ...(cpu ? { cpu: [cpu] } : {}),
    };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`${file}: recorded ${added} optional platform package(s)`);
