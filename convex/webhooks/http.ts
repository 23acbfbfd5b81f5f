/** Shared pieces of the webhook HTTP handlers: bounded bodies, rejections, responses. */
import { internal } from "../_generated/api";
import type { ActionCtx } from "../_generated/server";

export const MAX_FORM_BYTES = 64 * 1024;
export const MAX_JSON_BYTES = 1024 * 1024;

/** Read a body up to `limit` bytes; null when it is larger. */
export async function readBody(request: Request, limit: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) return null;
  const text = await request.text();
  return new TextEncoder().encode(text).length > limit ? null : text;
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
