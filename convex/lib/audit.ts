import type { Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import type { Actor } from "../schema";

export type AuditEntry = {
  userId: Id<"users">;
  actor: Actor;
  /** Verb-style, e.g. "contact.create", "apiKey.revoke", "message.send". */
  action: string;
  target?: { table: string; id: string };
  details?: Record<string, string | number | boolean | null>;
};

/** Record who did what. Every change to user data that a person would ask about later. */
export async function recordAudit(ctx: Pick<MutationCtx, "db">, entry: AuditEntry): Promise<void> {
  await ctx.db.insert("auditLog", { ...entry, at: Date.now() });
}
