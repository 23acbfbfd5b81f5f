/** Shared pieces of the webhook HTTP handlers: bounded bodies, rejections, responses. */
import { internal } from "../_generated/api";
import type { ActionCtx } from "../_generated/server";
import { readTextBody } from "../lib/httpBody";

export const MAX_FORM_BYTES = 64 * 1024;
export const MAX_JSON_BYTES = 1024 * 1024;

/** A body up to `limit` bytes of UTF-8, or the response refusing it (413, or 400 for bytes that are not UTF-8). */
export async function readBody(ctx: ActionCtx, provider: string, request: Request, limit: number): Promise<string | Response> {
  const body = await readTextBody(request, limit);
  if (body.ok) return body.text;
  return body.error === "tooLarge"
    ? await reject(ctx, provider, "body too large", 413)
    : await reject(ctx, provider, "body not UTF-8", 400);
}

/** Refuse a request: count and log it (provider and reason only, never secrets or content). */
export async function reject(ctx: ActionCtx, provider: string, reason: string, status: number, body = ""): Promise<Response> {
  console.warn(`[webhook] rejected ${provider} request: ${reason}`);
  await ctx.runMutation(internal.webhooks.log.reject, { provider, reason });
  return new Response(body || reason, { status, headers: { "content-type": "text/plain" } });
}

export function xml(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "text/xml" } });
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}
