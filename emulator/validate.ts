/**
 * Convex validators (their JSON form, as schemas and functions export them) checked against
 * values: for documents on every write, and for function arguments and return values. A fast
 * yes/no check on the hot path; when it says "invalid", `mismatch` says where and why, in the
 * shape of Convex's own messages. Records are checked too (convex-test does not).
 */
import { convexToJson, type Value } from "convex/values";
import { tableNameFromId } from "./store";

export type FieldJson = { fieldType: ValidatorJson; optional: boolean };
export type ValidatorJson =
  | { type: "null" | "number" | "bigint" | "float64" | "int64" | "commitTs" | "boolean" | "string" | "bytes" | "any" }
  | { type: "literal"; value: unknown }
  | { type: "id"; tableName: string }
  | { type: "array"; value: ValidatorJson }
  | { type: "union"; value: ValidatorJson[] }
  | { type: "object"; value: Record<string, FieldJson> }
  | { type: "record"; keys: ValidatorJson; values: FieldJson }
  | { type: string; value?: unknown };

function isSimpleObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  return prototype === null || prototype === Object.prototype || prototype?.constructor?.name === "Object";
}

function literalEquals(a: unknown, b: unknown): boolean {
  if (typeof a === "object" && a !== null && "$integer" in (a as object)) return false;
  return a === b;
}

export function isValid(validator: ValidatorJson, value: unknown): boolean {
  switch (validator.type) {
    case "null":
      return value === null;
    case "number":
    case "float64":
      return typeof value === "number";
    case "bigint":
    case "int64":
      return typeof value === "bigint";
    case "commitTs":
      return typeof value === "bigint" || (typeof value === "object" && value !== null && value.constructor?.name === "CommitTsPlaceholder");
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "bytes":
      return value instanceof ArrayBuffer;
    case "any":
      return value !== undefined;
    case "literal":
      return literalEquals((validator as { value: unknown }).value, value);
    case "id":
      return typeof value === "string" && tableNameFromId(value) === (validator as { tableName: string }).tableName;
    case "array":
      return Array.isArray(value) && value.every((v) => isValid((validator as { value: ValidatorJson }).value, v));
    case "union":
      return (validator as { value: ValidatorJson[] }).value.some((member) => isValid(member, value));
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value) || !isSimpleObject(value)) return false;
      const fields = (validator as { value: Record<string, FieldJson> }).value;
      const record = value as Record<string, unknown>;
      for (const [k, { fieldType, optional }] of Object.entries(fields)) {
        if (record[k] === undefined) {
          if (!optional) return false;
        } else if (!isValid(fieldType, record[k])) {
          return false;
        }
      }
      for (const k of Object.keys(record)) if (fields[k] === undefined && record[k] !== undefined) return false;
      return true;
    }
    case "record": {
      if (typeof value !== "object" || value === null || Array.isArray(value) || !isSimpleObject(value)) return false;
      const { keys, values } = validator as { keys: ValidatorJson; values: FieldJson };
      return Object.entries(value as Record<string, unknown>).every(
        ([k, v]) => v === undefined || (isValid(keys, k) && isValid(values.fieldType, v)),
      );
    }
    default:
      return true;
  }
}

/** A validator as Convex prints it in messages: v.object({ a: v.string() }). */
export function printValidator(validator: ValidatorJson, depth = 0): string {
  if (depth > 3) return "…";
  switch (validator.type) {
    case "literal":
      return `v.literal(${JSON.stringify((validator as { value: unknown }).value)})`;
    case "id":
      return `v.id("${(validator as { tableName: string }).tableName}")`;
    case "array":
      return `v.array(${printValidator((validator as { value: ValidatorJson }).value, depth + 1)})`;
    case "union":
      return `v.union(${(validator as { value: ValidatorJson[] }).value.map((m) => printValidator(m, depth + 1)).join(", ")})`;
    case "object": {
      const fields = Object.entries((validator as { value: Record<string, FieldJson> }).value).map(
        ([k, f]) => `${k}: ${f.optional ? `v.optional(${printValidator(f.fieldType, depth + 1)})` : printValidator(f.fieldType, depth + 1)}`,
      );
      return `v.object({${fields.join(", ")}})`;
    }
    case "record": {
      const { keys, values } = validator as { keys: ValidatorJson; values: FieldJson };
      return `v.record(${printValidator(keys, depth + 1)}, ${printValidator(values.fieldType, depth + 1)})`;
    }
    default:
      return `v.${validator.type}()`;
  }
}

function printValue(value: unknown): string {
  try {
    const text = JSON.stringify(convexToJson(value as Value));
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}

/** Where `value` first fails `validator`, worded like Convex's validation errors; null if it passes. */
export function mismatch(validator: ValidatorJson, value: unknown, path = ""): string | null {
  if (isValid(validator, value)) return null;
  if (validator.type === "object" && typeof value === "object" && value !== null && !Array.isArray(value)) {
    const fields = (validator as { value: Record<string, FieldJson> }).value;
    const record = value as Record<string, unknown>;
    for (const [k, { fieldType, optional }] of Object.entries(fields)) {
      if (record[k] === undefined) {
        if (!optional) {
          return `Object is missing the required field \`${k}\`. Consider wrapping the field validator in \`v.optional(...)\` if this is expected.\n\nObject: ${printValue(value)}\nValidator: ${printValidator(validator)}`;
        }
        continue;
      }
      const inner = mismatch(fieldType, record[k], `${path}.${k}`);
      if (inner) return inner;
    }
    for (const k of Object.keys(record)) {
      if (fields[k] === undefined && record[k] !== undefined) {
        return `Object contains extra field \`${k}\` that is not in the validator.\n\nObject: ${printValue(value)}\nValidator: ${printValidator(validator)}`;
      }
    }
  }
  if (validator.type === "array" && Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const inner = mismatch((validator as { value: ValidatorJson }).value, item, `${path}[${i}]`);
      if (inner) return inner;
    }
  }
  if (validator.type === "record" && typeof value === "object" && value !== null && !Array.isArray(value)) {
    const { keys, values } = validator as { keys: ValidatorJson; values: FieldJson };
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      if (!isValid(keys, k)) return `Record key \`${k}\` does not match the key validator.\n\nPath: ${path}\nValidator: ${printValidator(keys)}`;
      const inner = mismatch(values.fieldType, v, `${path}.${k}`);
      if (inner) return inner;
    }
  }
  return `Value does not match validator.\nPath: ${path || "(top level)"}\nValue: ${printValue(value)}\nValidator: ${printValidator(validator)}`;
}
