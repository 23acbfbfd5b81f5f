/**
 * Convex's Node.js runtime, emulated: the CLI's `node/` bundles (the `"use node"` modules)
 * imported into this process. Their `Convex` global reaches the invocation running in the
 * current async context, so Node actions run concurrently; CommonJS code inside the bundles
 * finds Node's `require`, as on a Node deployment.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import type { Invocation } from "./isolate";

const current = new AsyncLocalStorage<Invocation>();

function need(): Invocation {
  const invocation = current.getStore();
  if (!invocation) throw new Error("The Convex runtime was used outside of a function (at import time).");
  return invocation;
}

let installed = false;
function install(nodeDir: string) {
  if (installed) return;
  installed = true;
  const g = globalThis as Record<string, unknown>;
  g.Convex = {
    syscall: (op: string, args: string) => need().syscall(op, args),
    asyncSyscall: (op: string, args: string) => need().asyncSyscall(op, args),
    jsSyscall: (op: string, args: Record<string, unknown>) => need().jsSyscall(op, args),
  };
  g.require ??= createRequire(path.join(nodeDir, "index.js"));
  // A Node action's console output is its function log, as on a deployment.
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      const invocation = current.getStore();
      if (invocation) invocation.log(level, format(...args));
      else original(...args);
    };
  }
}

/** The exports of one `"use node"` module of a bundle's `node/` directory. */
export async function importNodeModule(nodeDir: string, modulePath: string): Promise<Record<string, unknown>> {
  install(nodeDir);
  return (await import(pathToFileURL(path.join(nodeDir, `${modulePath}.js`)).href)) as Record<string, unknown>;
}

/** Run `fn` (a Node action's invocation) with `invocation` as the runtime it sees. */
export function runInNode<T>(invocation: Invocation, fn: () => Promise<T>): Promise<T> {
  return current.run(invocation, fn);
}
