/**
 * Convex's limits, and the errors a deployment gives when a function exceeds them
 * (https://docs.convex.dev/production/state/limits; numbers and messages as convex-backend's
 * knobs.rs and error types have them). Time limits are wall-clock here and the query/mutation
 * limit can be scaled for a slow machine (EMULATOR_TIME_SCALE, default 4: 4 s instead of 1 s).
 */
const KiB = 1024;
const MiB = 1024 * KiB;

function scale(): number {
  const value = Number(process.env.EMULATOR_TIME_SCALE ?? 4);
  return Number.isFinite(value) && value > 0 ? value : 4;
}

export const LIMITS = {
  documentSize: 1 * MiB,
  fieldsPerDocument: 1024,
  nestingDepth: 16,
  arrayLength: 8192,
  fieldNameLength: 1024,
  argumentsSize: 16 * MiB,
  returnValueSize: 16 * MiB,
  documentsRead: 32_000,
  bytesRead: 16 * MiB,
  documentsWritten: 16_000,
  bytesWritten: 16 * MiB,
  indexRangesRead: 4096,
  scheduledPerMutation: 1000,
  scheduledArgsSize: 16 * MiB,
  httpResponseSize: 20 * MiB,
  /** Query and mutation execution time of the function's own code (Convex: 1 s), times EMULATOR_TIME_SCALE. */
  get udfTimeMs() {
    return 1000 * scale();
  },
  /** A query or mutation that has not finished after this long (wall clock) is ended (Convex: 15 s of system time). */
  get udfWallClockMs() {
    return 15_000 * scale();
  },
  /** Default-runtime action and HTTP action execution time: 30 minutes. */
  v8ActionTimeMs: 30 * 60 * 1000,
  /** Node action execution time: 10 minutes. */
  nodeActionTimeMs: 10 * 60 * 1000,
};

export class LimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LimitError";
  }
}

/** Depth, field count and array length of a document, as Convex checks them (size: see Transaction). */
export function checkValueShape(value: unknown, depth = 1): void {
  if (Array.isArray(value)) {
    if (value.length > LIMITS.arrayLength) {
      throw new LimitError(`ArrayTooLong: Array length is too long (${value.length} > maximum length ${LIMITS.arrayLength})`);
    }
    for (const item of value) checkDepth(item, depth + 1);
    return;
  }
  if (typeof value === "object" && value !== null && !(value instanceof ArrayBuffer)) {
    const keys = Object.keys(value);
    if (keys.length > LIMITS.fieldsPerDocument) {
      throw new LimitError(`TooManyFieldsError: Object has too many fields (${keys.length} > maximum number ${LIMITS.fieldsPerDocument})`);
    }
    for (const key of keys) {
      if (key.length > LIMITS.fieldNameLength) throw new LimitError(`Field name ${key.slice(0, 40)}… is too long (${key.length} > maximum length ${LIMITS.fieldNameLength})`);
      checkDepth((value as Record<string, unknown>)[key], depth + 1);
    }
  }
}

function checkDepth(value: unknown, depth: number) {
  if (typeof value !== "object" || value === null || value instanceof ArrayBuffer) return;
  if (depth > LIMITS.nestingDepth) {
    throw new LimitError(
      `InvalidDocumentError: the document isn't a valid document: Document is too nested (nested ${depth} levels deep > maximum nesting ${LIMITS.nestingDepth})`,
    );
  }
  checkValueShape(value, depth);
}
