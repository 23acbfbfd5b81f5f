/** A user's scheduling settings (zone, quiet hours, business hours), with the defaults when none are saved. */
import { DEFAULT_QUIET_HOURS, type WeeklyHours } from "../../lib/weeklyHours";
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";

export type SchedulingSettings = Pick<Doc<"schedulingSettings">, "timeZone" | "quietHoursEnabled"> & {
  quietHours: WeeklyHours;
  businessHours: WeeklyHours;
};

/**
 * Quiet hours are off until the account turns them on (prefilled 21:00–08:00): switching them on
 * for everyone would silently move every existing account's schedules. Business hours are empty
 * (no after-hours replies) until set.
 */
export const DEFAULT_SETTINGS: SchedulingSettings = {
  timeZone: "UTC",
  quietHoursEnabled: false,
  quietHours: DEFAULT_QUIET_HOURS,
  businessHours: { periods: [], holidays: [] },
};

export async function settingsDoc(ctx: Pick<QueryCtx, "db">, userId: Id<"users">) {
  return await ctx.db
    .query("schedulingSettings")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .unique();
}

export async function schedulingSettingsOf(ctx: Pick<QueryCtx, "db">, userId: Id<"users">): Promise<SchedulingSettings> {
  const doc = await settingsDoc(ctx, userId);
  if (!doc) return DEFAULT_SETTINGS;
  return {
    timeZone: doc.timeZone,
    quietHoursEnabled: doc.quietHoursEnabled,
    quietHours: doc.quietHours as WeeklyHours,
    businessHours: doc.businessHours as WeeklyHours,
  };
}
