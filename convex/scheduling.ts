/** Scheduling settings as the signed-in user manages them: the account's zone, quiet hours, business hours. */
import { v } from "convex/values";
import { isTimeZone } from "../lib/recurrence";
import { weeklyHoursProblem, type WeeklyHours } from "../lib/weeklyHours";
import { userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { appError } from "./lib/errors";
import { schedulingSettingsOf, settingsDoc } from "./lib/schedulingSettings";
import { vWeeklyHours } from "./schema";

const vSettings = v.object({
  timeZone: v.string(),
  quietHoursEnabled: v.boolean(),
  quietHours: vWeeklyHours,
  businessHours: vWeeklyHours,
  /** False until the user saves settings (the defaults are shown). */
  saved: v.boolean(),
});

export const settings = userQuery({
  args: {},
  returns: vSettings,
  handler: async (ctx) => ({
    ...(await schedulingSettingsOf(ctx, ctx.userId)),
    saved: (await settingsDoc(ctx, ctx.userId)) !== null,
  }),
});

function checkHours(hours: WeeklyHours, field: string): void {
  const problem = weeklyHoursProblem(hours);
  if (problem) throw appError("INVALID_ARGUMENT", problem, { field });
}

export const updateSettings = userMutation({
  args: {
    timeZone: v.optional(v.string()),
    quietHoursEnabled: v.optional(v.boolean()),
    quietHours: v.optional(vWeeklyHours),
    businessHours: v.optional(vWeeklyHours),
  },
  returns: v.null(),
  handler: async (ctx, changes) => {
    if (changes.timeZone !== undefined && !isTimeZone(changes.timeZone)) {
      throw appError("INVALID_ARGUMENT", `"${changes.timeZone.slice(0, 64)}" is not a time zone.`, { field: "timeZone" });
    }
    if (changes.quietHours) checkHours(changes.quietHours as WeeklyHours, "quietHours");
    if (changes.businessHours) checkHours(changes.businessHours as WeeklyHours, "businessHours");
    const next = { ...(await schedulingSettingsOf(ctx, ctx.userId)), ...changes };
    const doc = await settingsDoc(ctx, ctx.userId);
    if (doc) await ctx.db.patch("schedulingSettings", doc._id, next);
    else await ctx.db.insert("schedulingSettings", { userId: ctx.userId, ...next });
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "settings.scheduling",
      details: { fields: Object.keys(changes).join(",") },
    });
    return null;
  },
});
