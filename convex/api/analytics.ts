/** REST API: /analytics, the same summary the app's dashboard shows. */
import { v } from "convex/values";
import { internal } from "../_generated/api";
import { apiQuery } from "../functions";
import { analyticsSummary } from "../lib/analytics";
import { defineRoute, type ApiRoute } from "./route";
import * as s from "./schemas";

export const summary = apiQuery({
  args: { from: v.string(), to: v.string() },
  handler: async (ctx, { from, to }) => await analyticsSummary(ctx, ctx.userId, from, to),
});

export const analyticsRoutes: ApiRoute[] = [
  defineRoute({
    method: "GET",
    path: "/analytics",
    tag: "Analytics",
    summary: "Message analytics for a date range",
    description: "Totals, per channel and status, average response time and a daily series (UTC days).",
    query: s.AnalyticsQuery,
    responses: { 200: { description: "The summary.", schema: s.Analytics } },
    handler: async (ctx, { query }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.analytics.summary, { ...ctx.auth, from: query.from, to: query.to }),
    }),
  }),
];
