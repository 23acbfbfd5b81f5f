import { ConvexError } from "convex/values";
import { ERROR_CODES, type AppErrorData, type ErrorCode } from "../../lib/errors";

/** The error every user-facing failure throws: a code the UI and the HTTP API understand. */
export function appError(
  code: ErrorCode,
  message: string = ERROR_CODES[code],
  details?: AppErrorData["details"],
): ConvexError<AppErrorData> {
  return new ConvexError<AppErrorData>(details ? { code, message, details } : { code, message });
}
