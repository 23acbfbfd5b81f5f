import { authTables } from "@convex-dev/auth/server";
import { defineSchema, defineTable } from "convex/server";
import { rateLimitTables } from "convex-helpers/server/rateLimit";
import { v, type Infer } from "convex/values";
import type { MessageStatus } from "../lib/messageStatus";

// Shared validators: the one definition of each enum, used by functions and the UI.
export const vChannel = v.union(v.literal("sms"), v.literal("whatsapp"), v.literal("email"));
export type Channel = Infer<typeof vChannel>;
export const CHANNELS: readonly Channel[] = vChannel.members.map((member) => member.value);

export const vDirection = v.union(v.literal("inbound"), v.literal("outbound"));
export type Direction = Infer<typeof vDirection>;

/** The lifecycle itself is in lib/messageStatus.ts; this validator must list the same statuses. */
export const vMessageStatus = v.union(
  v.literal("scheduled"),
  v.literal("queued"),
  v.literal("sending"),
  v.literal("sent"),
  v.literal("delivered"),
  v.literal("read"),
  v.literal("failed"),
  v.literal("canceled"),
  v.literal("received"),
);
// Compile-time check that the two lists agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const _statusListsAgree: Same<Infer<typeof vMessageStatus>, MessageStatus> = true;

export const vProvider = v.union(v.literal("twilio"), v.literal("resend"), v.literal("simulator"));
export type Provider = Infer<typeof vProvider>;

export const vOptOut = v.object({ sms: v.boolean(), whatsapp: v.boolean(), email: v.boolean() });
export type OptOut = Infer<typeof vOptOut>;

export const vMetadata = v.record(v.string(), v.union(v.string(), v.number(), v.boolean(), v.null()));
export const vSocialHandles = v.record(v.string(), v.string());

/** Custom fields (lib/customFields.ts has the rules): per-account definitions, values on the contact by key. */
export const vFieldType = v.union(
  v.literal("text"),
  v.literal("number"),
  v.literal("date"),
  v.literal("boolean"),
  v.literal("select"),
);
export const vFieldValue = v.union(v.string(), v.number(), v.boolean());
/** Field key → value; in writes, null removes the value. */
export const vFieldValues = v.record(v.string(), vFieldValue);
export const vFieldValuesInput = v.record(v.string(), v.union(vFieldValue, v.null()));

/** Opt-in/out recorded from a consent column of an import (or another source), with when and where. */
export const vConsent = v.object({ optedIn: v.boolean(), at: v.number(), source: v.string() });

export const vActor = v.object({
  kind: v.union(v.literal("user"), v.literal("apiKey"), v.literal("webhook"), v.literal("system")),
  /** The user id, the API key's display prefix, or the provider name. */
  id: v.string(),
});
export type Actor = Infer<typeof vActor>;

/** A file in Convex storage attached to a message or a draft (limits per channel: lib/attachments.ts). */
export const vAttachment = v.object({
  storageId: v.id("_storage"),
  name: v.string(),
  contentType: v.string(),
  /** Bytes. */
  size: v.number(),
});
export type Attachment = Infer<typeof vAttachment>;

/** What a draft holds, as drafts.save takes it (the table adds its owner and when it was saved). */
export const draftFields = {
  contactId: v.id("contacts"),
  channel: v.optional(vChannel),
  content: v.string(),
  subject: v.optional(v.string()),
  mediaUrl: v.optional(v.string()),
  attachments: v.optional(v.array(vAttachment)),
  /** The "send later" picker: null-ish when closed, "" when open and empty, else a datetime-local value. */
  schedule: v.optional(v.string()),
  /** The browser tab that wrote it last, so that tab does not re-apply its own save. */
  clientId: v.string(),
};

/** Where a conversation is: open (no value), done (archived until a reply), or snoozed until a time. */
export const vInboxState = v.union(v.literal("done"), v.literal("snoozed"));
export type InboxState = Infer<typeof vInboxState>;

/**
 * How an outbound message came to be: typed in the inbox, sent through the REST API (with the
 * key's name), one of a broadcast's (its `broadcastId` links it), or made by an automation.
 * `scheduled`: written to go out later rather than at once. Set once, when the message is created.
 */
export const vOrigin = v.object({
  via: v.union(v.literal("inbox"), v.literal("api"), v.literal("broadcast"), v.literal("automation")),
  scheduled: v.optional(v.boolean()),
  name: v.optional(v.string()),
});
export type Origin = Infer<typeof vOrigin>;

export const contactFields = {
  userId: v.id("users"),
  name: v.string(),
  /** Lower-cased name, for ordering lists by name. */
  sortName: v.string(),
  /** E.164, e.g. "+14155550123". */
  phone: v.optional(v.string()),
  /** Lower-cased. */
  email: v.optional(v.string()),
  /**
   * A short code ("22395") or alphanumeric sender ID ("AMAZON") this contact texted in from.
   * Such senders cannot be replied to: the contact has no phone, so nothing is ever sent to it.
   */
  shortSender: v.optional(v.string()),
  socialHandles: v.optional(vSocialHandles),
  metadata: v.optional(vMetadata),
  optedOut: vOptOut,
  /** Name, email and phone tokens for the search index. */
  searchText: v.string(),
  // The conversation, denormalised so the inbox reads one document per row.
  lastMessageAt: v.optional(v.number()),
  lastMessagePreview: v.optional(v.string()),
  lastMessageChannel: v.optional(vChannel),
  lastMessageDirection: v.optional(vDirection),
  unreadCount: v.number(),
  hasUnread: v.boolean(),
  /** Last inbound WhatsApp message: opens the 24-hour free-form window. */
  whatsappWindowStartedAt: v.optional(v.number()),
  /** First inbound message not yet answered, for response-time analytics. */
  awaitingReplySince: v.optional(v.number()),
  /** Message statistics for the profile panel. */
  sentCount: v.optional(v.number()),
  receivedCount: v.optional(v.number()),
  /** Latest inbound and outbound message times, for segments ("last message received before …") and cancel-on-reply. */
  lastReceivedAt: v.optional(v.number()),
  lastSentAt: v.optional(v.number()),
  /** Latest broadcast message to the contact, and their latest reply after one (segments). */
  lastBroadcastAt: v.optional(v.number()),
  repliedToBroadcastAt: v.optional(v.number()),
  /** Tags as written (unique without case); `contactTags` indexes them. */
  tags: v.optional(v.array(v.string())),
  /** Custom field values by field key (see `customFields`). */
  fields: v.optional(vFieldValues),
  consent: v.optional(vConsent),
  /** The import that created this contact. */
  importId: v.optional(v.id("imports")),
  /** Done or snoozed; absent while the conversation is open. A new inbound message reopens it. */
  inboxState: v.optional(vInboxState),
  /** When a snoozed conversation comes back on its own. */
  snoozedUntil: v.optional(v.number()),
  /** The owner has an unsent draft to this contact (the draft itself is in `drafts`). */
  hasDraft: v.optional(v.boolean()),
  /** IANA zone ("Europe/Paris"): inferred from the phone number where its region has one, editable. */
  timeZone: v.optional(v.string()),
};

export const groupFields = {
  userId: v.id("users"),
  name: v.string(),
  sortName: v.string(),
  description: v.optional(v.string()),
  memberCount: v.number(),
};

export const noteFields = {
  userId: v.id("users"),
  /** Who wrote it. Today always the owner; kept so teams can come later. */
  authorId: v.id("users"),
  contactId: v.id("contacts"),
  content: v.string(),
  isPrivate: v.boolean(),
  mentions: v.array(v.string()),
  updatedAt: v.optional(v.number()),
};

export const auditFields = {
  userId: v.id("users"),
  actor: vActor,
  action: v.string(),
  target: v.optional(v.object({ table: v.string(), id: v.string() })),
  at: v.number(),
  details: v.optional(vMetadata),
};

export const vMessageError = v.object({
  /** e.g. "TWILIO_21211", "WHATSAPP_WINDOW_CLOSED", "UNKNOWN_OUTCOME". */
  code: v.string(),
  /** Readable reason, shown in the thread. */
  message: v.string(),
  permanent: v.boolean(),
});

/** Values given with a send for its merge fields (`var.orderId`, or overriding a contact's value). */
export const vSendVariables = v.array(v.object({ name: v.string(), value: v.string() }));
export type SendVariables = Infer<typeof vSendVariables>;

export const vMessageTemplate = v.object({
  content: v.string(),
  subject: v.optional(v.string()),
  variables: v.optional(vSendVariables),
  /** An approved WhatsApp template, rendered (variables mapped) when the message goes out. */
  whatsappTemplateId: v.optional(v.id("whatsappTemplates")),
});

export const vAutomatic = v.object({
  kind: v.union(v.literal("afterHours"), v.literal("keyword")),
  ruleId: v.id("autoReplies"),
});

export const messageFields = {
  userId: v.id("users"),
  contactId: v.id("contacts"),
  broadcastId: v.optional(v.id("broadcasts")),
  channel: vChannel,
  direction: vDirection,
  status: vMessageStatus,
  content: v.string(),
  subject: v.optional(v.string()),
  mediaUrls: v.optional(v.array(v.string())),
  mediaTypes: v.optional(v.array(v.string())),
  /**
   * Where the message sits in its thread: when it was received, created, or is
   * (re)scheduled to go out. Also its day in the analytics aggregates.
   */
  at: v.number(),
  /** When a pending outbound message is due to be dispatched (first try or a retry). */
  scheduledAt: v.optional(v.number()),
  /** When a dispatch claimed it (status `sending`); a stuck claim is swept after a timeout. */
  claimedAt: v.optional(v.number()),
  sentAt: v.optional(v.number()),
  deliveredAt: v.optional(v.number()),
  readAt: v.optional(v.number()),
  failedAt: v.optional(v.number()),
  /** Addresses as used (E.164 or email). */
  from: v.optional(v.string()),
  to: v.optional(v.string()),
  senderId: v.optional(v.id("senders")),
  provider: v.optional(vProvider),
  providerMessageId: v.optional(v.string()),
  attempts: v.number(),
  lastError: v.optional(vMessageError),
  /** Who created it: the app, an API key (its prefix), a broadcast, a webhook. */
  source: v.optional(vActor),
  /**
   * A scheduled message's text as written, with its merge fields: rendered again with the
   * contact's values when it goes out (lib/templates.ts), then cleared. `content` holds what was
   * rendered when it was written.
   */
  template: v.optional(vMessageTemplate),
  /** A WhatsApp template send (Twilio Content API): the approved content and its variables (JSON). */
  contentSid: v.optional(v.string()),
  contentVariables: v.optional(v.string()),
  /** A broadcast's message rendered for its recipient: its text is its own, not the broadcast's. */
  personalized: v.optional(v.boolean()),
  /** How an outbound message was sent, as the thread shows it (see vOrigin). */
  origin: v.optional(vOrigin),
  /** Files from Convex storage; their URLs are also in `mediaUrls`, which the providers fetch. */
  attachments: v.optional(v.array(vAttachment)),
  /** An occurrence of this recurring message. */
  recurrenceId: v.optional(v.id("recurrences")),
  /** A follow-up that cancels itself if the contact writes after it was scheduled. */
  cancelOnReply: v.optional(v.boolean()),
  /** Held by quiet hours: the time it was due before it was moved to the next allowed time. */
  heldFrom: v.optional(v.number()),
  /** Goes out even in quiet hours: confirmed in the composer, a transactional API send, an auto-reply. */
  ignoreQuietHours: v.optional(v.boolean()),
  /** Sent by an automation, not a person (shown as such in the thread). */
  automatic: v.optional(vAutomatic),
};

export const senderFields = {
  userId: v.id("users"),
  channel: vChannel,
  /** E.164 for sms/whatsapp, a lower-cased from-address for email. */
  address: v.string(),
  provider: vProvider,
  label: v.optional(v.string()),
  /** Twilio Messaging Service whose number pool sends for this identity. */
  messagingServiceSid: v.optional(v.string()),
  /** Sends per second this identity may make (broadcast pacing). */
  ratePerSecond: v.number(),
  isDefault: v.boolean(),
  /**
   * No longer written: broadcasts are paced by their pump's token bucket, not by send slots kept
   * here (a field every fan-out wrote and every claim and inbound route read). Kept for old documents.
   */
  nextSlotAt: v.optional(v.number()),
};

export const vPeriod = v.object({ day: v.number(), start: v.number(), end: v.number() });
export const vWeeklyHours = v.object({ periods: v.array(vPeriod), holidays: v.optional(v.array(v.string())) });

export const vRecurrenceSpec = v.object({
  freq: v.union(v.literal("daily"), v.literal("weekly"), v.literal("monthly")),
  interval: v.number(),
  weekdays: v.optional(v.array(v.number())),
  monthly: v.optional(
    v.union(
      v.object({ kind: v.literal("dayOfMonth"), day: v.number() }),
      v.object({ kind: v.literal("nthWeekday"), nth: v.number(), weekday: v.number() }),
    ),
  ),
  start: v.string(),
  timeZone: v.string(),
  count: v.optional(v.number()),
  until: v.optional(v.string()),
});

export const vRecurrenceStatus = v.union(v.literal("active"), v.literal("paused"), v.literal("ended"), v.literal("canceled"));

export const recurrenceFields = {
  userId: v.id("users"),
  /** To one contact (a recurring message) or a group (a recurring broadcast). */
  contactId: v.optional(v.id("contacts")),
  groupId: v.optional(v.id("groups")),
  /** The contact's or group's name when created, for lists. */
  targetName: v.string(),
  channel: vChannel,
  content: v.string(),
  subject: v.optional(v.string()),
  spec: vRecurrenceSpec,
  /** RFC 5545 text made from `spec` (floating DTSTART; the zone is spec.timeZone). */
  rrule: v.string(),
  status: vRecurrenceStatus,
  /** The pending occurrence's time and its message or broadcast. */
  nextAt: v.optional(v.number()),
  pendingMessageId: v.optional(v.id("messages")),
  pendingBroadcastId: v.optional(v.id("broadcasts")),
  /** Occurrences created so far. */
  occurrences: v.number(),
  /** The last occurrence the send policy refused (it is skipped, the series goes on). */
  lastSkipped: v.optional(v.object({ at: v.number(), code: v.string(), message: v.string() })),
  cancelOnReply: v.optional(v.boolean()),
  source: v.optional(vActor),
};

/** Notifications: whether new messages notify at all ("all" or "none"). */
export const vNewMessagesSetting = v.union(v.literal("all"), v.literal("none"));

/** What a pending push is about; one item per topic (a conversation's news, its failed sends, a broadcast). */
export const vPushKind = v.union(v.literal("message"), v.literal("failed"), v.literal("broadcast"));
export type PushKind = Infer<typeof vPushKind>;
export const vPushItem = v.object({
  kind: vPushKind,
  /** "message:<contactId>", "failed:<contactId>" or "broadcast:<broadcastId>": events of one topic collapse. */
  topic: v.string(),
  contactId: v.optional(v.id("contacts")),
  /** The latest message of the topic (the one shown). */
  messageId: v.optional(v.id("messages")),
  broadcastId: v.optional(v.id("broadcasts")),
  /** Events collapsed into this item since the last push. */
  count: v.number(),
  at: v.number(),
});
export type PushItem = Infer<typeof vPushItem>;
/** A change to the aggregates, as one transaction made it (see convex/lib/stats.ts). */
export const vDayDelta = v.object({
  day: v.string(),
  counts: v.record(v.string(), v.number()),
  responseTimeSumMs: v.number(),
  responseCount: v.number(),
});
export const vBroadcastDelta = v.object({
  broadcastId: v.id("broadcasts"),
  counts: v.record(v.string(), v.number()),
  skipped: v.optional(v.record(v.string(), v.number())),
});

export const vReceiptStatus = v.union(v.literal("sent"), v.literal("delivered"), v.literal("read"), v.literal("failed"));
export type ReceiptStatus = Infer<typeof vReceiptStatus>;

/** One condition of a segment; a segment's contacts meet all of its conditions (lib/segments.ts). */
export const vCondition = v.union(
  v.object({ kind: v.literal("tag"), has: v.boolean(), tag: v.string() }),
  v.object({
    kind: v.literal("field"),
    key: v.string(),
    op: v.union(
      v.literal("is"),
      v.literal("isNot"),
      v.literal("contains"),
      v.literal("gt"),
      v.literal("lt"),
      v.literal("isSet"),
      v.literal("isEmpty"),
    ),
    value: v.optional(vFieldValue),
  }),
  v.object({ kind: v.literal("reachable"), channel: vChannel }),
  v.object({ kind: v.literal("optedOut"), channel: vChannel, optedOut: v.boolean() }),
  v.object({
    kind: v.literal("lastMessage"),
    direction: vDirection,
    op: v.union(v.literal("before"), v.literal("after"), v.literal("never")),
    /** A fixed time (ms) … */
    at: v.optional(v.number()),
    /** … or a time relative to now, in days ago. */
    daysAgo: v.optional(v.number()),
  }),
  v.object({ kind: v.literal("repliedToBroadcast"), replied: v.boolean() }),
  v.object({ kind: v.literal("import"), importId: v.id("imports") }),
);
export type Condition = Infer<typeof vCondition>;

export const vBroadcastStatus = v.union(
  v.literal("scheduled"),
  v.literal("sending"),
  v.literal("completed"),
  v.literal("canceled"),
);

export const vBroadcastCounts = v.object({
  total: v.number(),
  scheduled: v.number(),
  queued: v.number(),
  sending: v.number(),
  sent: v.number(),
  delivered: v.number(),
  read: v.number(),
  failed: v.number(),
  canceled: v.number(),
  skipped: v.number(),
});
export type BroadcastCounts = Infer<typeof vBroadcastCounts>;

export const vSkipReasons = v.object({
  noAddress: v.number(),
  optedOut: v.number(),
  whatsappWindowClosed: v.number(),
  /** A merge field was empty and had no fallback (optional: broadcasts before templates lack it). */
  missingVariable: v.optional(v.number()),
  /** The rendered message was longer than the channel allows. */
  contentTooLong: v.optional(v.number()),
  /** Received another broadcast within the broadcast's frequency cap. */
  frequencyCap: v.optional(v.number()),
});
export type SkipReasons = Infer<typeof vSkipReasons>;
/** Why one recipient was skipped (`broadcastSkips`): a key of vSkipReasons. */
export const vSkipReason = v.union(
  v.literal("noAddress"),
  v.literal("optedOut"),
  v.literal("whatsappWindowClosed"),
  v.literal("missingVariable"),
  v.literal("contentTooLong"),
  v.literal("frequencyCap"),
);

export const broadcastFields = {
  userId: v.id("users"),
  /** The audience: a group, or a segment (whose members are resolved when it is sent). */
  groupId: v.optional(v.id("groups")),
  segmentId: v.optional(v.id("segments")),
  /** A segment's conditions as they were when the fan-out started (one send, one definition). */
  segmentConditions: v.optional(v.array(vCondition)),
  /** The group's or segment's name when the broadcast was created. */
  groupName: v.string(),
  /** The group's size when the broadcast was created (progress shows against it until fan-out ends). */
  members: v.optional(v.number()),
  channel: vChannel,
  senderId: v.id("senders"),
  content: v.string(),
  subject: v.optional(v.string()),
  mediaUrls: v.optional(v.array(v.string())),
  status: vBroadcastStatus,
  scheduledAt: v.optional(v.number()),
  startedAt: v.optional(v.number()),
  completedAt: v.optional(v.number()),
  /** Fan-out progress: members are turned into messages a batch per transaction. */
  fanOutDone: v.boolean(),
  /** Bumped on reschedule, so only the newest chain of fan-out jobs does anything. */
  fanOutRun: v.number(),
  /**
   * Progress as of the broadcast's end (zero until then). The live figures are in `broadcastStats`,
   * kept by the aggregates rollup; readers go through `withProgress` (convex/lib/broadcasts.ts).
   */
  counts: vBroadcastCounts,
  skipped: vSkipReasons,
  /** The first recipients skipped for their template values, with why (the rest are only counted). */
  skippedSamples: v.optional(v.array(v.object({ contactId: v.id("contacts"), name: v.string(), reason: v.string() }))),
  /** Values given with the send for its merge fields; `content`/`subject` keep them as written. */
  variables: v.optional(vSendVariables),
  /** Sent as this approved WhatsApp template (`content` is its body). */
  whatsappTemplateId: v.optional(v.id("whatsappTemplates")),
  templateId: v.optional(v.id("templates")),
  source: v.optional(vActor),
  /** An occurrence of this recurring broadcast. */
  recurrenceId: v.optional(v.id("recurrences")),
  /** Sent at this local date and time in each recipient's zone (the account's for contacts without one). */
  localTime: v.optional(v.object({ date: v.string(), time: v.string() })),
  /** Skip members who were sent a broadcast in the last this many days. */
  frequencyCapDays: v.optional(v.number()),
};

// --- Contacts at scale: custom fields, tags, segments, imports, exports ---

export const vDuplicatePolicy = v.union(v.literal("skip"), v.literal("fillEmpty"), v.literal("overwrite"));
export type DuplicatePolicy = Infer<typeof vDuplicatePolicy>;

/** Where a CSV column goes: a contact field, a custom field ("field:<key>"), or nowhere. */
export const vColumnTarget = v.string();

export const vImportOptions = v.object({
  defaultCountry: v.string(),
  onDuplicate: vDuplicatePolicy,
  /** One target per column; absent: detected from the headers. */
  mapping: v.optional(v.array(vColumnTarget)),
  /** Tag every imported contact with this. */
  tag: v.optional(v.string()),
  /** Add every imported contact to this group… */
  groupId: v.optional(v.id("groups")),
  /** …or to a new group of this name. */
  newGroupName: v.optional(v.string()),
});
export type ImportOptions = Infer<typeof vImportOptions>;

export const vImportCounts = v.object({
  created: v.number(),
  updated: v.number(),
  unchanged: v.number(),
  skipped: v.number(),
  invalid: v.number(),
  failed: v.number(),
});
export type ImportCounts = Infer<typeof vImportCounts>;

export const vRowProblem = v.object({ row: v.number(), message: v.string() });

export const vImportAnalysis = v.object({
  encoding: v.string(),
  delimiter: v.string(),
  hasHeader: v.boolean(),
  headers: v.array(v.string()),
  /** The targets used (detected, or as chosen). */
  mapping: v.array(vColumnTarget),
  /** A few rows as read, for the mapping preview. */
  sample: v.array(v.array(v.string())),
  rows: v.number(),
  /** What a run would do now: new, updated, skipped (duplicates, unchanged) and invalid rows. */
  preview: v.object({ new: v.number(), updated: v.number(), skipped: v.number(), invalid: v.number() }),
  problems: v.array(vRowProblem),
  analyzedAt: v.number(),
  ms: v.number(),
});

export const vImportStatus = v.union(
  v.literal("analyzing"),
  v.literal("ready"),
  v.literal("staging"),
  v.literal("running"),
  v.literal("completed"),
  v.literal("canceled"),
  v.literal("failed"),
  v.literal("undoing"),
  v.literal("undone"),
);
export type ImportStatus = Infer<typeof vImportStatus>;

export const importFields = {
  userId: v.id("users"),
  fileName: v.string(),
  size: v.number(),
  storageId: v.optional(v.id("_storage")),
  status: vImportStatus,
  options: vImportOptions,
  analysis: v.optional(vImportAnalysis),
  /** Rows written to importRows so far (staging), and rows processed (running). */
  staged: v.number(),
  processed: v.number(),
  total: v.number(),
  counts: vImportCounts,
  /** Rows that went wrong while running, first ones (the failed-rows CSV has all). */
  problems: v.array(vRowProblem),
  error: v.optional(v.object({ code: v.string(), message: v.string() })),
  /** Start the run as soon as the analysis is done (the REST API without dryRun). */
  autoStart: v.boolean(),
  /** Bumped whenever a new chain of jobs takes over (re-analysis, resume after a restart). */
  run: v.number(),
  /** Last sign of life of the running job; the sweep resumes stale ones. */
  heartbeatAt: v.number(),
  attempts: v.number(),
  /** The group the imported contacts went to, and whether the import created it. */
  groupId: v.optional(v.id("groups")),
  createdGroup: v.optional(v.boolean()),
  startedAt: v.optional(v.number()),
  completedAt: v.optional(v.number()),
  source: vActor,
};

export const vImportRowStatus = v.union(
  v.literal("pending"),
  v.literal("created"),
  v.literal("updated"),
  v.literal("unchanged"),
  v.literal("skipped"),
  v.literal("invalid"),
  v.literal("failed"),
);
export type ImportRowStatus = Infer<typeof vImportRowStatus>;

/** A row's values, normalised (E.164 phone, lower-cased email, typed custom fields). */
export const vImportRowData = v.object({
  name: v.optional(v.string()),
  phone: v.optional(v.string()),
  email: v.optional(v.string()),
  tags: v.optional(v.array(v.string())),
  fields: v.optional(vFieldValues),
  consent: v.optional(v.boolean()),
  /** An IANA zone ("Europe/Paris"), as the file gave it. */
  timeZone: v.optional(v.string()),
});
export type ImportRowData = Infer<typeof vImportRowData>;

/** What an import changed on an existing contact, to put back on undo. */
export const vContactSnapshot = v.object({
  name: v.string(),
  phone: v.optional(v.string()),
  email: v.optional(v.string()),
  tags: v.optional(v.array(v.string())),
  fields: v.optional(vFieldValues),
  consent: v.optional(vConsent),
  optedOut: vOptOut,
  timeZone: v.optional(v.string()),
});

export const vExportKind = v.union(v.literal("contacts"), v.literal("messages"), v.literal("importFailures"));
export type ExportKind = Infer<typeof vExportKind>;

export default defineSchema({
  ...authTables,

  /** Convex Auth's users, plus the account settings people change in Settings → Account. */
  users: defineTable({
    ...authTables.users.validator.fields,
    /** IANA time zone for dates and "send later" (the browser's when unset). */
    timeZone: v.optional(v.string()),
  })
    .index("email", ["email"])
    .index("phone", ["phone"]),

  contacts: defineTable(contactFields)
    .index("by_user_and_sortName", ["userId", "sortName"])
    .index("by_user_and_phone", ["userId", "phone"])
    .index("by_user_and_email", ["userId", "email"])
    .index("by_user_and_shortSender", ["userId", "shortSender"])
    // The inbox's open / done / snoozed lists (open is a missing inboxState), with their unread and channel views.
    .index("by_user_and_inboxState_and_lastMessageAt", ["userId", "inboxState", "lastMessageAt"])
    .index("by_user_and_inboxState_and_hasUnread_and_lastMessageAt", ["userId", "inboxState", "hasUnread", "lastMessageAt"])
    .index("by_user_and_inboxState_and_lastMessageChannel_and_lastMessageAt", [
      "userId",
      "inboxState",
      "lastMessageChannel",
      "lastMessageAt",
    ])
    .index("by_importId", ["importId"])
    .searchIndex("search_text", { searchField: "searchText", filterFields: ["userId"] }),

  groups: defineTable(groupFields).index("by_user_and_sortName", ["userId", "sortName"]),

  groupMemberships: defineTable({
    userId: v.id("users"),
    groupId: v.id("groups"),
    contactId: v.id("contacts"),
  })
    .index("by_group_and_contact", ["groupId", "contactId"])
    .index("by_contact_and_group", ["contactId", "groupId"]),

  notes: defineTable(noteFields).index("by_contact", ["contactId"]),

  /**
   * Files in Convex storage and whose they are: uploads from the composer (with the conversation
   * they were added in) and inbound media copied from the providers. A file no message carries
   * a week after its upload, and no draft either, is deleted (convex/attachments.ts).
   */
  uploads: defineTable({
    userId: v.id("users"),
    storageId: v.id("_storage"),
    name: v.string(),
    contentType: v.string(),
    size: v.number(),
    contactId: v.optional(v.id("contacts")),
    /** The first message that carried it; unset while it is only in the composer or a draft. */
    messageId: v.optional(v.id("messages")),
  })
    .index("by_storageId", ["storageId"])
    .index("by_messageId", ["messageId"]),

  /**
   * What a person has started writing to a contact and not sent: one per user and contact,
   * kept across conversation switches, reloads and the user's tabs (convex/drafts.ts).
   */
  drafts: defineTable({ userId: v.id("users"), ...draftFields, updatedAt: v.number() }).index("by_user_and_contact", ["userId", "contactId"]),

  auditLog: defineTable(auditFields).index("by_user_and_at", ["userId", "at"]),

  messages: defineTable(messageFields)
    .index("by_contact_and_at", ["contactId", "at"])
    .index("by_user_and_at", ["userId", "at"])
    .index("by_user_and_status_and_at", ["userId", "status", "at"])
    .index("by_user_and_channel_and_at", ["userId", "channel", "at"])
    .index("by_user_and_direction_and_at", ["userId", "direction", "at"])
    .index("by_status_and_scheduledAt", ["status", "scheduledAt"])
    .index("by_status_and_claimedAt", ["status", "claimedAt"])
    .index("by_providerMessageId", ["providerMessageId"])
    .index("by_broadcast_and_status_and_scheduledAt", ["broadcastId", "status", "scheduledAt"])
    // Message text search across all conversations (convex/search.ts).
    .searchIndex("search_content", { searchField: "content", filterFields: ["userId", "channel", "direction"] }),

  senders: defineTable(senderFields)
    .index("by_user_and_channel", ["userId", "channel"])
    .index("by_channel_and_address", ["channel", "address"])
    .index("by_messagingServiceSid", ["messagingServiceSid"]),

  /** Members a broadcast skipped, and why (the broadcast page lists them). */
  broadcastSkips: defineTable({
    userId: v.id("users"),
    broadcastId: v.id("broadcasts"),
    contactId: v.id("contacts"),
    reason: vSkipReason,
  }).index("by_broadcast", ["broadcastId"]),

  broadcasts: defineTable(broadcastFields)
    // Newest-first list needs creation order, which the status index does not give.
    // eslint-disable-next-line @convex-dev/no-duplicate-indexes
    .index("by_user", ["userId"])
    .index("by_user_and_status_and_scheduledAt", ["userId", "status", "scheduledAt"])
    .index("by_group", ["groupId"])
    .index("by_segment", ["segmentId"]),

  /**
   * Analytics aggregates, one document per user and UTC day: message counts keyed
   * "direction-channel-status" and response-time sums. Every message write records its change
   * as a delta and the rollup folds it in (at most about a second behind), so analytics read
   * only these and no message write touches them.
   */
  dailyStats: defineTable({
    userId: v.id("users"),
    day: v.string(),
    counts: v.record(v.string(), v.number()),
    responseTimeSumMs: v.number(),
    responseCount: v.number(),
  }).index("by_user_and_day", ["userId", "day"]),

  /**
   * Live progress of each broadcast (the rollup is its only writer; nothing that sends or records a
   * message touches it, so a running broadcast has no document every message write contends for).
   */
  broadcastStats: defineTable({
    broadcastId: v.id("broadcasts"),
    userId: v.id("users"),
    counts: vBroadcastCounts,
    skipped: vSkipReasons,
  }).index("by_broadcast", ["broadcastId"]),

  /**
   * Insert-only changes to the aggregates (dailyStats, broadcastStats, accountStats,
   * webhookRejections): every transaction that changes what they count inserts one, and the
   * rollup job (convex/aggregates.ts) folds them in, oldest first, and deletes them. Writers never
   * read or write the aggregates themselves, so they never conflict over them.
   */
  aggregateDeltas: defineTable({
    userId: v.optional(v.id("users")),
    days: v.optional(v.array(vDayDelta)),
    broadcasts: v.optional(v.array(vBroadcastDelta)),
    contacts: v.optional(v.number()),
    /** A rejected webhook request (its provider and reason; never its content). */
    rejection: v.optional(v.object({ provider: v.string(), reason: v.string() })),
  }),

  /**
   * Sends whose contact has yet to learn of them (its sent count, last broadcast, conversation
   * row, reply timer): recording a send only inserts here, and the conversation worker
   * (convex/conversations.ts) applies them to the contacts a moment later, so a pump's tick never
   * writes a contact that a reply from that contact writes too.
   */
  sentQueue: defineTable({
    messageId: v.id("messages"),
    sentAt: v.number(),
  }),

  /**
   * Background jobs that drain a queue table (the aggregates rollup, the receipt applier, the
   * conversation worker): whether
   * a chain of passes is running, and its generation. Writers that fill a queue read this to wake
   * the job; it is written only when the job starts or goes idle (convex/lib/workers.ts).
   */
  workers: defineTable({
    name: v.string(),
    running: v.boolean(),
    gen: v.number(),
  }).index("by_name", ["name"]),

  /**
   * Delivery receipts waiting to be applied. A status webhook only inserts here (it reads nothing,
   * so no broadcast in progress can make it fail); the receipt applier (convex/receipts.ts) applies
   * them in batches, in order, monotonically.
   */
  receiptQueue: defineTable({
    providerMessageId: v.string(),
    /** Our id, when the provider echoes it (Twilio's status callback URL); may be malformed. */
    messageId: v.optional(v.string()),
    status: vReceiptStatus,
    errorCode: v.optional(v.string()),
    errorMessage: v.optional(v.string()),
    optOut: v.optional(v.boolean()),
    receivedAt: v.number(),
    /** Applied no sooner than this (a receipt that arrived before its send's outcome waits). */
    notBefore: v.number(),
    tries: v.number(),
  }).index("by_notBefore", ["notBefore"]),

  /**
   * Dispatch lanes: each is served by at most one pump action at a time (`owner` names its
   * generation; a pump whose generation is not the owner claims nothing). Broadcasts are spread
   * over the lanes by sender; single messages go through lane 0 (convex/lib/lanes.ts).
   */
  dispatchLanes: defineTable({
    lane: v.number(),
    running: v.boolean(),
    owner: v.number(),
    /** Refreshed by the owning pump every few seconds; a stale lane is taken over. */
    heartbeatAt: v.number(),
    /** The owning pump's scheduled run: while it has not started, the lane is not stale (convex/lib/lanes.ts). */
    pumpJob: v.optional(v.id("_scheduled_functions")),
    /** When an idle lane is next woken for a scheduled message, and the job that will do it. */
    wakeAt: v.optional(v.number()),
    wakeJob: v.optional(v.id("_scheduled_functions")),
  }).index("by_lane", ["lane"]),

  /** Broadcasts being sent, by lane: what a lane's pump claims from (written at start and end only). */
  broadcastPumps: defineTable({
    broadcastId: v.id("broadcasts"),
    userId: v.id("users"),
    senderId: v.id("senders"),
    lane: v.number(),
    fanOutDone: v.boolean(),
  })
    .index("by_lane", ["lane"])
    .index("by_broadcast", ["broadcastId"]),

  /** Per-user totals that are not per day (kept by the aggregates rollup). */
  accountStats: defineTable({
    userId: v.id("users"),
    contacts: v.number(),
  }).index("by_user", ["userId"]),

  /**
   * What an inbound email carried besides its text (the message's `content`): its HTML (inline
   * when small, else in file storage), the full text when `content` had to be cut, the
   * attachments' metadata, and the RFC 5322 ids that keep replies in the sender's thread. Kept
   * apart from the message so threads stay light; one per inbound email.
   */
  emailBodies: defineTable({
    userId: v.id("users"),
    contactId: v.id("contacts"),
    messageId: v.id("messages"),
    html: v.optional(v.string()),
    htmlStorageId: v.optional(v.id("_storage")),
    /** The whole text when it was longer than a message holds (`content` ends with a note then). */
    textStorageId: v.optional(v.id("_storage")),
    attachments: v.array(
      v.object({
        filename: v.string(),
        contentType: v.string(),
        size: v.number(),
        contentId: v.optional(v.string()),
        inline: v.boolean(),
      }),
    ),
    /** The email's Message-ID, e.g. "<abc@mail.example>": a reply's In-Reply-To. */
    emailMessageId: v.optional(v.string()),
    /** Its References chain plus its own Message-ID (space-separated, bounded): a reply's References. */
    references: v.optional(v.string()),
    /** Set when the body could not be fetched from the provider (shown instead of it). */
    fetchError: v.optional(v.string()),
  })
    .index("by_message", ["messageId"])
    .index("by_contact", ["contactId"]),

  /**
   * Simulator mode's "Receiving API": the body of a simulated inbound email, kept until the
   * webhook's fetch picks it up (as Resend keeps received emails for its API).
   */
  simulatedEmails: defineTable({
    emailId: v.string(),
    text: v.string(),
    html: v.optional(v.string()),
  }).index("by_emailId", ["emailId"]),

  /** Provider events already handled (Resend's svix-id), so a retried webhook changes nothing. */
  webhookEvents: defineTable({
    provider: v.string(),
    eventId: v.string(),
    receivedAt: v.number(),
  }).index("by_provider_and_eventId", ["provider", "eventId"]),

  /**
   * Rejected webhook requests, counted per provider and reason (never with their content). Kept by
   * the aggregates rollup from insert-only deltas, so a flood of forged requests contends for nothing.
   */
  webhookRejections: defineTable({
    provider: v.string(),
    reason: v.string(),
    count: v.number(),
    lastAt: v.number(),
  }).index("by_provider_and_reason", ["provider", "reason"]),

  // --- Notifications (Web Push; convex/notifications.ts, convex/lib/notifications.ts) ---

  /** A browser or phone that receives Web Push notifications: its push service endpoint and keys. */
  pushSubscriptions: defineTable({
    userId: v.id("users"),
    /** The push service URL the browser gave (a capability: whoever holds it can address this device). */
    endpoint: v.string(),
    /** The subscription's P-256 public key and auth secret (base64url), which encrypt every payload. */
    p256dh: v.string(),
    auth: v.string(),
    /** e.g. "Chrome on Android", from the browser at subscription. */
    label: v.string(),
    createdAt: v.number(),
    /** The person is using this device until then (its page reports it while visible and focused): not pushed to. */
    activeUntil: v.optional(v.number()),
    lastSentAt: v.optional(v.number()),
    /** The push service's last refusal other than "gone" (which removes the device). */
    lastError: v.optional(v.string()),
  })
    .index("by_user", ["userId"])
    .index("by_endpoint", ["endpoint"]),

  /** A user's notification choices; no document means the defaults (everything on). */
  notificationSettings: defineTable({
    userId: v.id("users"),
    newMessages: vNewMessagesSetting,
    failedSends: v.boolean(),
    broadcasts: v.boolean(),
  }).index("by_user", ["userId"]),

  /** Conversations whose new messages do not notify. */
  conversationMutes: defineTable({
    userId: v.id("users"),
    contactId: v.id("contacts"),
  }).index("by_user_and_contact", ["userId", "contactId"]),

  /**
   * Per user, the news waiting for the next push (collapsed by topic) and when that push is
   * due; one document per user, written by the engine's events and emptied by each delivery.
   */
  pushOutbox: defineTable({
    userId: v.id("users"),
    items: v.array(vPushItem),
    /** Topics past the item limit, shown as "n more". */
    overflow: v.number(),
    /** A delivery is scheduled for then; absent when none is. */
    dueAt: v.optional(v.number()),
    lastSentAt: v.optional(v.number()),
  }).index("by_user", ["userId"]),

  // --- Scheduling and automation (convex/scheduling.ts, recurrences.ts, autoReplies.ts) ---

  /** A user's quiet hours, business hours and zone; no document means the defaults (quiet hours off). */
  schedulingSettings: defineTable({
    userId: v.id("users"),
    /** The account's zone: for contacts without one, and business hours. */
    timeZone: v.string(),
    quietHoursEnabled: v.boolean(),
    quietHours: vWeeklyHours,
    businessHours: vWeeklyHours,
  }).index("by_user", ["userId"]),

  recurrences: defineTable(recurrenceFields)
    .index("by_user_and_nextAt", ["userId", "nextAt"])
    .index("by_contact", ["contactId"])
    .index("by_group", ["groupId"]),

  /** Automatic replies: after business hours, or to a keyword (exact word or contained), per channel. */
  autoReplies: defineTable({
    userId: v.id("users"),
    kind: v.union(v.literal("afterHours"), v.literal("keyword")),
    keyword: v.optional(v.string()),
    match: v.optional(v.union(v.literal("exact"), v.literal("contains"))),
    channels: v.array(vChannel),
    content: v.string(),
    /** Email replies' subject. */
    subject: v.optional(v.string()),
    /** At most one reply per contact per this many minutes. */
    cooldownMinutes: v.number(),
    enabled: v.boolean(),
  }).index("by_user", ["userId"]),

  /** When a rule last answered a contact (its cooldown). */
  autoReplyCooldowns: defineTable({
    userId: v.id("users"),
    contactId: v.id("contacts"),
    ruleId: v.id("autoReplies"),
    lastAt: v.number(),
  }).index("by_contact_and_rule", ["contactId", "ruleId"]),

  // --- REST API tables (API keys, idempotency, rate limits) are added below this line. ---

  /**
   * API keys. Only the SHA-256 hash of a key is kept (the key itself is shown once, at
   * creation); `prefix` is its first characters, for recognising it in lists and the audit log.
   */
  apiKeys: defineTable({
    userId: v.id("users"),
    name: v.string(),
    /** e.g. "uik_live_AbC1": shown as "uik_live_AbC1…"; the audit actor of the key's requests. */
    prefix: v.string(),
    /** Hex SHA-256 of the full key. */
    hash: v.string(),
    expiresAt: v.optional(v.number()),
    /**
     * Set by a job scheduled at `expiresAt`, so `apiKeys.list` shows the key expired without
     * reading the clock (a query's result is cached until the data it read changes).
     */
    expired: v.optional(v.boolean()),
    revokedAt: v.optional(v.number()),
    /** Coarse: written at most once a minute, not on every request. */
    lastUsedAt: v.optional(v.number()),
  })
    .index("by_hash", ["hash"])
    .index("by_user", ["userId"]),

  /**
   * Results of REST API requests sent with an Idempotency-Key header, per user, kept for a
   * day: a retry with the same key gets the stored response instead of running again.
   */
  apiIdempotency: defineTable({
    userId: v.id("users"),
    key: v.string(),
    /** "POST /messages" or "POST /broadcasts": a key belongs to one route. */
    route: v.string(),
    /** Hex SHA-256 of the request body: the same key with another body is refused. */
    requestHash: v.string(),
    status: v.number(),
    /** The JSON response body. */
    response: v.string(),
    expiresAt: v.number(),
  }).index("by_user_and_key", ["userId", "key"]),

  // --- Contacts at scale ---

  /** Custom contact fields an account defines (Settings); values live on contacts by `key`. */
  customFields: defineTable({
    userId: v.id("users"),
    key: v.string(),
    label: v.string(),
    type: vFieldType,
    options: v.optional(v.array(v.string())),
    /** Shown as a column of the contacts table. */
    showInTable: v.optional(v.boolean()),
    /** Deleted: hidden, while its values are removed from contacts; its key stays taken until then. */
    deleting: v.optional(v.boolean()),
  }).index("by_user_and_key", ["userId", "key"]),

  /** An account's tags with how many contacts have each (the tag list, filters). */
  tags: defineTable({
    userId: v.id("users"),
    name: v.string(),
    /** Lower-cased name: tags are unique without case. */
    key: v.string(),
    count: v.number(),
  }).index("by_user_and_key", ["userId", "key"]),

  /** One document per contact and tag: contacts by tag, a page at a time (filters, segments). */
  contactTags: defineTable({
    userId: v.id("users"),
    tagKey: v.string(),
    contactId: v.id("contacts"),
  }).index("by_user_and_tagKey_and_contactId", ["userId", "tagKey", "contactId"]),

  /** Saved filters over contacts, usable as a broadcast audience. */
  segments: defineTable({
    userId: v.id("users"),
    name: v.string(),
    sortName: v.string(),
    conditions: v.array(vCondition),
    updatedAt: v.number(),
  }).index("by_user_and_sortName", ["userId", "sortName"]),

  /** CSV imports: the file, the analysis (preview), options, progress and outcome. */
  imports: defineTable(importFields)
    .index("by_user", ["userId"])
    .index("by_status_and_heartbeatAt", ["status", "heartbeatAt"]),

  /** An import's rows, staged before they are written, with each row's outcome (failed-rows CSV, undo). */
  importRows: defineTable({
    userId: v.id("users"),
    importId: v.id("imports"),
    /** 1-based line number in the file (the header is line 1). */
    row: v.number(),
    status: vImportRowStatus,
    data: vImportRowData,
    /** The cells as read, for the failed-rows CSV. */
    raw: v.array(v.string()),
    reason: v.optional(v.string()),
    contactId: v.optional(v.id("contacts")),
    /** The contact's values before this row changed them (updated rows), for undo. */
    before: v.optional(vContactSnapshot),
    addedToGroup: v.optional(v.boolean()),
    undone: v.optional(v.boolean()),
  })
    .index("by_import_and_status_and_row", ["importId", "status", "row"])
    .index("by_import_and_row", ["importId", "row"]),

  /** CSV exports, built a batch per transaction into exportChunks, downloaded chunk by chunk. */
  exports: defineTable({
    userId: v.id("users"),
    kind: vExportKind,
    /** messages: the time range (ms, inclusive start, exclusive end). */
    from: v.optional(v.number()),
    to: v.optional(v.number()),
    importId: v.optional(v.id("imports")),
    fileName: v.string(),
    status: v.union(v.literal("building"), v.literal("ready"), v.literal("failed")),
    rows: v.number(),
    chunks: v.number(),
    bytes: v.number(),
    cursor: v.optional(v.string()),
    run: v.number(),
    heartbeatAt: v.number(),
    completedAt: v.optional(v.number()),
    expiresAt: v.number(),
  })
    .index("by_user", ["userId"])
    .index("by_status_and_heartbeatAt", ["status", "heartbeatAt"])
    .index("by_expiresAt", ["expiresAt"]),

  exportChunks: defineTable({
    userId: v.id("users"),
    exportId: v.id("exports"),
    seq: v.number(),
    text: v.string(),
  }).index("by_export_and_seq", ["exportId", "seq"]),

  // --- Templates and personalization ---

  /** Message templates an account writes (Settings → Templates), with merge fields (lib/templates.ts). */
  templates: defineTable({
    userId: v.id("users"),
    name: v.string(),
    sortName: v.string(),
    /** Absent: usable on any channel. */
    channel: v.optional(vChannel),
    content: v.string(),
    /** Email only. */
    subject: v.optional(v.string()),
    /** The merge fields it uses, checked when saved. */
    variables: v.array(v.string()),
    /** Name and text, for search. */
    searchText: v.string(),
    updatedAt: v.number(),
  })
    .index("by_user_and_sortName", ["userId", "sortName"])
    .searchIndex("search_text", { searchField: "searchText", filterFields: ["userId"] }),

  /**
   * WhatsApp templates synced from Twilio's Content API (ContentAndApprovals), per account, with
   * each placeholder's merge field. Only approved ones may be sent outside the 24-hour window.
   */
  whatsappTemplates: defineTable({
    userId: v.id("users"),
    /** Twilio's Content SID, "HX…". */
    contentSid: v.string(),
    name: v.string(),
    language: v.string(),
    body: v.string(),
    /** Placeholders ("1", "2", …) with Twilio's sample value and the merge expression that fills it. */
    placeholders: v.array(v.object({ key: v.string(), sample: v.string(), mapping: v.string() })),
    /** WhatsApp's approval status as Twilio reports it: approved, pending, rejected, unsubmitted, … */
    status: v.string(),
    category: v.optional(v.string()),
    rejectionReason: v.optional(v.string()),
    syncedAt: v.number(),
  })
    .index("by_user_and_contentSid", ["userId", "contentSid"])
    .index("by_user_and_name", ["userId", "name"]),

  /** convex-helpers' rate limiter state (per API key, and per IP for failed authentication). */
  ...rateLimitTables,
});
