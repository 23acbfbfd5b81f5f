"use node";
/**
 * Sync the account's WhatsApp templates: from Twilio's Content API (ContentAndApprovals) when
 * Twilio is configured, else from the simulator's catalogue, through the same reading. Read in
 * Node (the SDK), written by one internal mutation.
 */
import { v } from "convex/values";
import { readContentTemplate, SIMULATOR_CONTENT, type ContentTemplate } from "./channels/contentTemplates";
import { listContentTemplates } from "./channels/twilioContent";
import { internal } from "./_generated/api";
import { userAction } from "./functions";
import { env } from "./lib/env";
import { appError } from "./lib/errors";

export const sync = userAction({
  args: {},
  returns: v.object({ added: v.number(), updated: v.number(), removed: v.number(), source: v.string() }),
  handler: async (ctx): Promise<{ added: number; updated: number; removed: number; source: string }> => {
    const config = env.channelConfig();
    let templates: ContentTemplate[];
    if (config.twilio) {
      try {
        templates = await listContentTemplates({ ...config.twilio, timeoutMs: config.timeoutMs });
      } catch (error) {
        const status = (error as { status?: number })?.status;
        throw appError(
          "INVALID_STATE",
          status === 401 || status === 403
            ? "Twilio refused the deployment's credentials (TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN)."
            : "Twilio's Content API could not be reached. Try again.",
        );
      }
    } else {
      templates = SIMULATOR_CONTENT.map(readContentTemplate);
    }
    const source = config.twilio ? ("twilio" as const) : ("simulator" as const);
    const result = await ctx.runMutation(internal.whatsappTemplates.store, {
      userId: ctx.userId,
      source,
      templates: templates.map(({ samples, category, rejectionReason, ...t }) => ({
        ...t,
        samples: Object.entries(samples).map(([key, sample]) => ({ key, sample })),
        ...(category ? { category } : {}),
        ...(rejectionReason ? { rejectionReason } : {}),
      })),
    });
    return { ...result, source };
  },
});
