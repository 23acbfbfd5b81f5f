"use node";
/**
 * Fetch a received email's body. Resend's `email.received` webhook carries metadata only; the
 * text, HTML and attachment list come from its Receiving API (`resend.emails.receiving.get`).
 * In simulator mode the simulator's own store answers instead, so the same path runs. Large
 * parts go to file storage (convex/lib/emailBodies.ts), then one mutation stores the email.
 * Transient failures are retried with backoff; after the last try, or on a permanent one, the
 * email is stored with a visible note instead of its body: it is never lost.
 */
import { Resend } from "resend";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { internalAction, type ActionCtx } from "./_generated/server";
import { env } from "./lib/env";
import {
  MAX_ATTACHMENTS,
  MAX_INBOUND_TEXT,
  MAX_INLINE_HTML_BYTES,
  referencesOf,
  textFromHtml,
  truncateVisibly,
  vFetchJob,
  type AttachmentMeta,
  type FetchJob,
} from "./lib/emailBodies";

/** Tries in all; the waits between them grow 5 s, 20 s, 80 s, 320 s (with jitter). */
export const MAX_FETCH_ATTEMPTS = 5;

type Fetched = {
  text: string;
  html: string | null;
  attachments: AttachmentMeta[] | null;
  messageId: string | null;
  references: string | null;
};
type Failure = { error: string; permanent: boolean };

function header(headers: Record<string, string> | null | undefined, name: string): string | null {
  if (!headers) return null;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? String(headers[key]) : null;
}

async function fromResend(emailId: string): Promise<Fetched | Failure> {
  const config = env.channelConfig();
  if (!config.resend) return { error: "RESEND_API_KEY is not set on the deployment.", permanent: true };
  const client = new Resend(config.resend.apiKey, config.resend.baseUrl ? { baseUrl: config.resend.baseUrl.replace(/\/$/, "") } : undefined);
  try {
    // `cid` keeps inline images as references instead of base64 data URIs inside the HTML.
    const { data, error } = await client.emails.receiving.get(
      encodeURIComponent(emailId),
      { html_format: "cid" },
      { signal: AbortSignal.timeout(config.timeoutMs) },
    );
    if (error || !data) {
      const status = (error as { statusCode?: number } | null)?.statusCode ?? 0;
      return { error: `Resend answered ${status || "an error"}: ${error?.message ?? "no email"}`, permanent: status === 404 };
    }
    return {
      text: data.text ?? "",
      html: data.html ?? null,
      attachments: (data.attachments ?? []).slice(0, MAX_ATTACHMENTS).map((a) => ({
        filename: (a.filename ?? "attachment").slice(0, 255),
        contentType: (a.content_type ?? "application/octet-stream").slice(0, 255),
        size: Number(a.size) || 0,
        ...(a.content_id ? { contentId: a.content_id.slice(0, 255) } : {}),
        inline: a.content_disposition === "inline",
      })),
      messageId: data.message_id ?? null,
      references: header(data.headers, "references"),
    };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return { error: timedOut ? "Resend did not answer in time" : error instanceof Error ? error.message : String(error), permanent: false };
  }
}

async function fromSimulator(ctx: ActionCtx, emailId: string): Promise<Fetched | Failure> {
  const email = await ctx.runQuery(internal.emailBodies.simulated, { emailId });
  if (!email) return { error: "The simulator has no such email.", permanent: true };
  return { text: email.text, html: email.html ?? null, attachments: null, messageId: null, references: null };
}

async function store(ctx: ActionCtx, job: FetchJob, body: Fetched | Failure): Promise<void> {
  const { provider: _provider, attempt: _attempt, emailMessageId, attachments, ...received } = job;
  if ("error" in body) {
    await ctx.runMutation(internal.emailBodies.storeReceived, {
      ...received,
      text: "",
      attachments,
      ...(emailMessageId ? { emailMessageId } : {}),
      fetchError: body.error.slice(0, 500),
    });
    return;
  }
  const text = body.text || (body.html ? textFromHtml(body.html) : "");
  let textStorageId: Id<"_storage"> | undefined;
  if (text.length > MAX_INBOUND_TEXT) {
    textStorageId = await ctx.storage.store(new Blob([text], { type: "text/plain;charset=utf-8" }));
  }
  let html: string | undefined;
  let htmlStorageId: Id<"_storage"> | undefined;
  if (body.html) {
    if (new TextEncoder().encode(body.html).length <= MAX_INLINE_HTML_BYTES) html = body.html;
    else htmlStorageId = await ctx.storage.store(new Blob([body.html], { type: "text/html;charset=utf-8" }));
  }
  const messageId = body.messageId ?? emailMessageId;
  const references = referencesOf(body.references ?? undefined, messageId ?? undefined);
  await ctx.runMutation(internal.emailBodies.storeReceived, {
    ...received,
    // What a message holds, cut with a note when longer (the whole text is then in storage).
    text: truncateVisibly(text).content,
    ...(html !== undefined ? { html } : {}),
    ...(htmlStorageId ? { htmlStorageId } : {}),
    ...(textStorageId ? { textStorageId } : {}),
    attachments: body.attachments ?? attachments,
    ...(messageId ? { emailMessageId: messageId.slice(0, 500) } : {}),
    ...(references ? { references } : {}),
  });
}

export const fetchReceived = internalAction({
  args: vFetchJob,
  handler: async (ctx, job) => {
    const body = job.provider === "resend" ? await fromResend(job.emailId) : await fromSimulator(ctx, job.emailId);
    if ("error" in body && !body.permanent && job.attempt < MAX_FETCH_ATTEMPTS) {
      const delayMs = 5000 * 4 ** (job.attempt - 1) * (0.8 + Math.random() * 0.4);
      console.warn(`[email] fetching received email failed (try ${job.attempt}): ${body.error}; trying again`);
      await ctx.runMutation(internal.emailBodies.retryFetch, { delayMs, job: { ...job, attempt: job.attempt + 1 } });
      return;
    }
    await store(ctx, job, body);
  },
});
