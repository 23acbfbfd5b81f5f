/**
 * The project's own ESLint rules.
 *
 * `runtime/no-node-in-default-runtime`: Convex runs every file of `convex/` without `"use node"` in
 * its V8 runtime (no Node built-ins, no Node-only packages), and `lib/` is shared with the browser.
 * Such files may not import a Node built-in, a Node-only package, or a `"use node"` module of
 * ours — the import would make `npx convex deploy` fail at bundling. Type-only imports are erased
 * and allowed.
 */
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";

/** npm packages that need Node (provider SDKs): only `"use node"` actions may import them. */
export const NODE_ONLY_PACKAGES = ["twilio", "resend", "web-push"];

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith("_")));
const EXTENSIONS = ["", ".ts", ".tsx", ".mts", ".js", ".mjs", "/index.ts", "/index.js"];
const USE_NODE = /^\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/|\s)*["']use node["']/;

function isUseNode(source) {
  return USE_NODE.test(source);
}

function packageName(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The file a relative import names, if it exists. */
function resolveRelative(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const ext of EXTENSIONS) {
    const candidate = base + ext;
    if (existsSync(candidate) && !candidate.endsWith("/")) {
      try {
        return { file: candidate, source: readFileSync(candidate, "utf8") };
      } catch {
        // A directory without an index: try the next form.
      }
    }
  }
  return null;
}

/** Why `specifier` cannot be imported from a default-runtime or browser file, or null. */
export function nodeOnlyReason(fromFile, specifier) {
  if (specifier.startsWith("node:") || BUILTINS.has(specifier) || BUILTINS.has(specifier.split("/")[0])) {
    return `the Node built-in "${specifier}"`;
  }
  if (NODE_ONLY_PACKAGES.includes(packageName(specifier))) return `the Node-only package "${specifier}"`;
  if (specifier.startsWith(".")) {
    const target = resolveRelative(fromFile, specifier);
    if (target && isUseNode(target.source)) return `the "use node" module "${specifier}"`;
  }
  return null;
}

/** Files the rule checks: Convex modules and shared lib code (tests run in Node and are exempt). */
function checked(filename) {
  const rel = path.relative(process.cwd(), filename).split(path.sep).join("/");
  if (!/^(convex|lib)\//.test(rel) || rel.startsWith("convex/_generated/")) return false;
  return !/\.(test|spec)\.[cm]?[tj]sx?$/.test(rel) && !/(^|\/)test\.setup\.ts$/.test(rel);
}

const noNodeInDefaultRuntime = {
  meta: {
    type: "problem",
    docs: { description: "No Node-only imports in Convex's default runtime or in code shared with the browser" },
    schema: [],
    messages: {
      nodeOnly:
        '{{what}} needs Node: {{where}} Move the code into a file that starts with "use node" and exports only actions.',
    },
  },
  create(context) {
    const filename = context.filename ?? context.getFilename();
    if (!checked(filename)) return {};
    const source = context.sourceCode ?? context.getSourceCode();
    if (isUseNode(source.text)) return {};
    const where = filename.includes(`${path.sep}lib${path.sep}`) && !filename.includes(`convex${path.sep}`)
      ? "lib/ is shared with the browser."
      : "Convex runs this file in its default (V8) runtime.";
    const check = (node, specifier) => {
      if (typeof specifier !== "string") return;
      const what = nodeOnlyReason(filename, specifier);
      if (what) context.report({ node, messageId: "nodeOnly", data: { what: what[0].toUpperCase() + what.slice(1), where } });
    };
    const allTypes = (node) =>
      node.importKind === "type" ||
      node.exportKind === "type" ||
      (node.specifiers?.length > 0 &&
        node.specifiers.every((s) => s.importKind === "type" || s.exportKind === "type"));
    return {
      ImportDeclaration(node) {
        if (!allTypes(node)) check(node, node.source.value);
      },
      ExportNamedDeclaration(node) {
        if (node.source && !allTypes(node)) check(node, node.source.value);
      },
      ExportAllDeclaration(node) {
        if (node.exportKind !== "type") check(node, node.source.value);
      },
      ImportExpression(node) {
        if (node.source.type === "Literal") check(node, node.source.value);
      },
      CallExpression(node) {
        if (node.callee.type === "Identifier" && node.callee.name === "require" && node.arguments[0]?.type === "Literal") {
          check(node, node.arguments[0].value);
        }
      },
    };
  },
};

export const runtimePlugin = { rules: { "no-node-in-default-runtime": noNodeInDefaultRuntime } };
