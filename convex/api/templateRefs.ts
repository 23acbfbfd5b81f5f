/** The REST API's template arguments of POST /messages and /broadcasts: ids as text, variables as an object. */
import { v } from "convex/values";
import type { Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { getOwnedByString } from "../functions";
import { vSendVariables, type SendVariables } from "../schema";

export const vTemplateArgs = {
  templateId: v.optional(v.string()),
  whatsappTemplateId: v.optional(v.string()),
  variables: v.optional(vSendVariables),
};

/** Another account's (or a malformed) id is NOT_FOUND. */
export async function templateRefs(
  ctx: { db: QueryCtx["db"]; userId: Id<"users"> },
  ids: { templateId?: string; whatsappTemplateId?: string },
): Promise<{ templateId?: Id<"templates">; whatsappTemplateId?: Id<"whatsappTemplates"> }> {
  return {
    ...(ids.templateId !== undefined ? { templateId: (await getOwnedByString(ctx, "templates", ids.templateId))._id } : {}),
    ...(ids.whatsappTemplateId !== undefined
      ? { whatsappTemplateId: (await getOwnedByString(ctx, "whatsappTemplates", ids.whatsappTemplateId))._id }
      : {}),
  };
}

/** `{"var.orderId": "A-17"}` as the functions take it. */
export function variablesOf(variables: Record<string, string> | undefined): { variables?: SendVariables } {
  return variables ? { variables: Object.entries(variables).map(([name, value]) => ({ name, value })) } : {};
}
