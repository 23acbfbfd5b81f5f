/** Custom contact fields an account defines in Settings (rules in lib/customFields.ts). */
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { internal } from "./_generated/api";
import { getOwned, internalMutation, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { createField, fieldDefs, purgeFieldValues, updateField } from "./lib/customFields";
import schema, { vFieldType } from "./schema";

const vField = doc(schema, "customFields");

/** The account's fields, in the order they were made. */
export const list = userQuery({
  args: {},
  returns: v.array(vField),
  handler: async (ctx) => await fieldDefs(ctx, ctx.userId),
});

export const create = userMutation({
  args: {
    label: v.string(),
    type: vFieldType,
    options: v.optional(v.array(v.string())),
    showInTable: v.optional(v.boolean()),
  },
  returns: v.id("customFields"),
  handler: async (ctx, args) => await createField(ctx, ctx.userId, ctx.actor, args),
});

/** Rename a field, change a list's options, or show/hide it in the contacts table. Its type is fixed. */
export const update = userMutation({
  args: {
    fieldId: v.id("customFields"),
    label: v.optional(v.string()),
    options: v.optional(v.array(v.string())),
    showInTable: v.optional(v.boolean()),
  },
  returns: v.null(),
  handler: async (ctx, { fieldId, ...args }) => {
    await updateField(ctx, ctx.userId, ctx.actor, await getOwned(ctx, "customFields", fieldId), args);
    return null;
  },
});

/** Delete a field: it disappears at once; its values are removed from contacts in batches. */
export const remove = userMutation({
  args: { fieldId: v.id("customFields") },
  returns: v.null(),
  handler: async (ctx, { fieldId }) => {
    const field = await getOwned(ctx, "customFields", fieldId);
    if (field.deleting) return null;
    await ctx.db.patch("customFields", fieldId, { deleting: true });
    await ctx.scheduler.runAfter(0, internal.customFields.purgeValues, { fieldId, cursor: null });
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "customField.remove",
      target: { table: "customFields", id: fieldId },
      details: { key: field.key, label: field.label },
    });
    return null;
  },
});

/** Remove a deleted field's values, a page of contacts per transaction; then the field itself. */
export const purgeValues = internalMutation({
  args: { fieldId: v.id("customFields"), cursor: v.union(v.string(), v.null()) },
  returns: v.null(),
  handler: async (ctx, { fieldId, cursor }) => {
    const field = await ctx.db.get("customFields", fieldId);
    if (!field?.deleting) return null;
    const next = await purgeFieldValues(ctx, field, cursor);
    if (next === null) await ctx.db.delete("customFields", fieldId);
    else await ctx.scheduler.runAfter(0, internal.customFields.purgeValues, { fieldId, cursor: next });
    return null;
  },
});
