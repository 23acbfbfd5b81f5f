/**
 * A fast yes/no version of convex-test's schema validation (its `validateValidator`), for the
 * emulator's hot write path. convex-test checks a union by trying each member and catching the
 * Error each mismatch throws, so every `status` write built several Errors with stack traces.
 * This mirrors its rules case by case and returns a boolean; when it says "invalid", the caller
 * runs convex-test's own validation, so errors keep their exact messages.
 * tests/emulator/validate.test.ts compares the two on random documents.
 */
import { CommitTsPlaceholder } from "convex/values";
import { tableNameFromId } from "./fastdb";

export type ValidatorJson =
  | { type: "null" | "number" | "bigint" | "commitTs" | "boolean" | "string" | "bytes" | "any" }
  | { type: "literal"; value: unknown }
  | { type: "id"; tableName: string }
  | { type: "array"; value: ValidatorJson }
  | { type: "union"; value: ValidatorJson[] }
  | { type: "object"; value: Record<string, { fieldType: ValidatorJson; optional: boolean }> }
  | { type: string; value?: unknown };

function isSimpleObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  return prototype === null || prototype === Object.prototype || prototype?.constructor?.name === "Object";
}

export function isValid(validator: ValidatorJson, value: unknown): boolean {
  switch (validator.type) {
    case "null":
      return value === null;
    case "number":
      return typeof value === "number";
    case "bigint":
      return typeof value === "bigint";
    case "commitTs":
      return typeof value === "bigint" || value instanceof CommitTsPlaceholder;
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "bytes":
      return value instanceof ArrayBuffer;
    case "any":
      return true;
    case "literal":
      return value === (validator as { value: unknown }).value;
    case "id":
      return typeof value === "string" && tableNameFromId(value) === (validator as { tableName: string }).tableName;
    case "array":
      return Array.isArray(value) && value.every((v) => isValid((validator as { value: ValidatorJson }).value, v));
    case "union":
      return (validator as { value: ValidatorJson[] }).value.some((member) => isValid(member, value));
    case "object": {
      if (typeof value !== "object" || value === null || !isSimpleObject(value)) return false;
      const fields = (validator as { value: Record<string, { fieldType: ValidatorJson; optional: boolean }> }).value;
      const record = value as Record<string, unknown>;
      for (const [k, { fieldType, optional }] of Object.entries(fields)) {
        if (record[k] === undefined) {
          if (!optional) return false;
        } else if (!isValid(fieldType, record[k])) {
          return false;
        }
      }
      for (const k of Object.keys(record)) if (fields[k] === undefined) return false;
      return true;
    }
    default:
      // convex-test checks nothing else (records, for one): neither do we.
      return true;
  }
}
