/** The signed-in account: who it is, and the settings a person changes themselves (name, time zone, password). */
import { getAuthSessionId, invalidateSessions, modifyAccountCredentials, retrieveAccount } from "@convex-dev/auth/server";
import { v } from "convex/values";
import { MIN_PASSWORD_LENGTH } from "../lib/password";
import { internal } from "./_generated/api";
import { internalMutation, internalQuery, optionalUserQuery, userAction, userMutation } from "./functions";
import { recordAudit } from "./lib/audit";
import { appError } from "./lib/errors";

const NAME_MAX = 100;
const PASSWORD_MAX = 256;

/** Who is signed in, or null: the UI's source of truth for the account menu and settings. */
export const viewer = optionalUserQuery({
  args: {},
  returns: v.union(
    v.null(),
    v.object({
      _id: v.id("users"),
      email: v.optional(v.string()),
      name: v.optional(v.string()),
      timeZone: v.optional(v.string()),
    }),
  ),
  handler: async (ctx) => {
    if (ctx.userId === null) return null;
    const user = await ctx.db.get("users", ctx.userId);
    if (user === null) return null;
    return { _id: user._id, email: user.email, name: user.name, timeZone: user.timeZone };
  },
});

/** Whether the runtime knows this IANA zone ("Europe/Paris"); "" is not one. */
function isTimeZone(zone: string): boolean {
  if (zone === "" || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Change the display name and the time zone; null clears either (the browser's zone is used then). */
export const updateProfile = userMutation({
  args: {
    name: v.optional(v.union(v.string(), v.null())),
    timeZone: v.optional(v.union(v.string(), v.null())),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    const patch: { name?: string; timeZone?: string } = {};
    if (args.name !== undefined) {
      const name = args.name?.trim().replace(/\s+/g, " ") ?? "";
      if (name.length > NAME_MAX) {
        throw appError("INVALID_ARGUMENT", `Names are at most ${NAME_MAX} characters.`, { field: "name" });
      }
      patch.name = name || undefined;
    }
    if (args.timeZone !== undefined) {
      if (args.timeZone !== null && !isTimeZone(args.timeZone)) {
        throw appError("INVALID_ARGUMENT", "That is not a time zone this app knows.", { field: "timeZone" });
      }
      patch.timeZone = args.timeZone ?? undefined;
    }
    await ctx.db.patch("users", ctx.userId, patch);
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "account.update",
      target: { table: "users", id: ctx.userId },
      details: { fields: Object.keys(patch).join(",") },
    });
    return null;
  },
});

/** The account's sign-in email (the password account's id). */
export const accountEmail = internalQuery({
  args: { userId: v.id("users") },
  returns: v.union(v.string(), v.null()),
  handler: async (ctx, { userId }) => (await ctx.db.get("users", userId))?.email ?? null,
});

export const recordPasswordChange = internalMutation({
  args: { userId: v.id("users") },
  returns: v.null(),
  handler: async (ctx, { userId }) => {
    await recordAudit(ctx, {
      userId,
      actor: { kind: "user", id: userId },
      action: "account.password",
      target: { table: "users", id: userId },
    });
    return null;
  },
});

/**
 * Change the password: the current one must be right (failed tries count towards Convex Auth's
 * lock-out like failed sign-ins). Every other session is signed out; this one stays.
 */
export const changePassword = userAction({
  args: { currentPassword: v.string(), newPassword: v.string() },
  returns: v.null(),
  handler: async (ctx, { currentPassword, newPassword }) => {
    if (newPassword.length < MIN_PASSWORD_LENGTH) throw appError("WEAK_PASSWORD", undefined, { field: "newPassword" });
    if (newPassword.length > PASSWORD_MAX) {
      throw appError("INVALID_ARGUMENT", `Passwords are at most ${PASSWORD_MAX} characters.`, { field: "newPassword" });
    }
    const email = await ctx.runQuery(internal.users.accountEmail, { userId: ctx.userId });
    if (email === null) throw appError("INVALID_STATE", "This account has no password to change.");
    try {
      await retrieveAccount(ctx, { provider: "password", account: { id: email, secret: currentPassword } });
    } catch (error) {
      const message = error instanceof Error ? error.message : "";
      if (/TooManyFailedAttempts/.test(message)) throw appError("TOO_MANY_ATTEMPTS");
      throw appError("INVALID_CREDENTIALS", "The current password is not right.", { field: "currentPassword" });
    }
    await modifyAccountCredentials(ctx, { provider: "password", account: { id: email, secret: newPassword } });
    const sessionId = await getAuthSessionId(ctx);
    await invalidateSessions(ctx, { userId: ctx.userId, except: sessionId ? [sessionId] : [] });
    await ctx.runMutation(internal.users.recordPasswordChange, { userId: ctx.userId });
    return null;
  },
});
