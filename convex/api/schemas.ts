/**
 * The REST API's zod schemas: what requests may contain and what responses look like. The
 * request pipeline validates with them and the OpenAPI document is generated from them, so
 * the two cannot drift. They check shape, types and gross sizes; the app's own rules
 * (convex/lib/) still decide what a valid phone number, message or group name is.
 */
import { z } from "zod";
import { ERROR_CODES, type ErrorCode } from "../../lib/errors";
import { MESSAGE_STATUSES } from "../../lib/messageStatus";
import { FIELD_LIMITS, FIELD_TYPES } from "../../lib/customFields";
import { TAG_LIMITS } from "../../lib/tags";
import { TEMPLATE_LIMITS } from "../../lib/templates";
import { CONTACT_LIMITS } from "../lib/contacts";
import { MAX_MEMBERS_PER_CALL } from "../lib/groups";
import { CONTENT_LIMITS } from "../lib/outbound";
import { CHANNELS } from "../schema";

/** Largest request body accepted; bigger ones get 413 before they are parsed. */
export const MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

// ---------------------------------------------------------------------------------------
// Building blocks

export const Channel = z.enum(CHANNELS).meta({ id: "Channel" });
export const Direction = z.enum(["inbound", "outbound"]).meta({ id: "Direction" });
export const MessageStatus = z.enum(MESSAGE_STATUSES).meta({ id: "MessageStatus" });

const idOf = (what: string) => z.string().max(128).meta({ description: `The ${what}'s id.` });

/** Record keys become Convex field names: printable ASCII, not starting with `$` or `_`. */
const RecordKey = z
  .string()
  .regex(/^(?![$_])[\x20-\x7E]{1,64}$/, "Keys are 1–64 printable ASCII characters, not starting with $ or _.");
const MetadataValue = z.union([z.string().max(CONTACT_LIMITS.valueLength), z.number(), z.boolean(), z.null()]);
/** A record of at most `max` entries (checked here too: Convex refuses objects of over 1,024 fields outright). */
const boundedRecord = <V extends z.ZodType>(value: V, max: number, description: string) =>
  z
    .record(RecordKey, value)
    .refine((r) => Object.keys(r).length <= max, { message: `At most ${max} entries.` })
    .meta({ description, maxProperties: max });
const SocialHandles = boundedRecord(
  z.string().max(CONTACT_LIMITS.valueLength),
  CONTACT_LIMITS.socialHandles,
  `Up to ${CONTACT_LIMITS.socialHandles} handles, e.g. {"instagram": "@ann"}.`,
);
const Metadata = boundedRecord(
  MetadataValue,
  CONTACT_LIMITS.metadataKeys,
  `Up to ${CONTACT_LIMITS.metadataKeys} custom fields (string, number, boolean or null).`,
);

const FieldValue = z.union([z.string().max(FIELD_LIMITS.textLength), z.number(), z.boolean()]);
const Tags = z
  .array(z.string().max(200))
  .max(TAG_LIMITS.perContact)
  .meta({ description: `Up to ${TAG_LIMITS.perContact} tags of at most ${TAG_LIMITS.length} characters; unique without case.` });
const FieldsInput = z
  .record(RecordKey, FieldValue.nullable())
  .refine((r) => Object.keys(r).length <= FIELD_LIMITS.perAccount, { message: `At most ${FIELD_LIMITS.perAccount} entries.` })
  .meta({
    description:
      "Custom field values by field key (see GET /custom-fields): text, a number, a date as YYYY-MM-DD, true/false, " +
      "or one of a list's options. null removes a value.",
  });

const Timestamp = z.iso.datetime().meta({ description: "ISO-8601 time in UTC.", example: "2026-03-01T09:30:00.000Z" });
const ScheduledAt = z.iso.datetime({ offset: true }).meta({
  description: "When to send: ISO-8601 with a time zone offset (or Z), in the future and at most a year ahead.",
  example: "2026-03-01T09:30:00+01:00",
});
const Day = z.iso.date().meta({ description: "A UTC day, YYYY-MM-DD.", example: "2026-03-01" });

const Content = z.string().max(CONTENT_LIMITS.emailMax).meta({
  description: `The text: up to ${CONTENT_LIMITS.textMax} characters for SMS and WhatsApp, ${CONTENT_LIMITS.emailMax} for email.`,
});
const Subject = z.string().max(1000).meta({ description: "Email subject (required for email)." });
/** Values for merge fields, given with a send. */
const Variables = z
  .record(
    z.string().regex(/^(?:var\.)?[A-Za-z][A-Za-z0-9_]{0,63}$/, "Variable names are merge field names, e.g. var.orderId or firstName."),
    z.string().max(TEMPLATE_LIMITS.variableLength),
  )
  .refine((r) => Object.keys(r).length <= TEMPLATE_LIMITS.variables, { message: `At most ${TEMPLATE_LIMITS.variables} variables.` })
  .meta({
    description:
      "Values for the text's merge fields: `var.<name>` for `{{var.<name>}}`, or a contact field's name (e.g. `firstName`) to " +
      "override the contact's value for this send.",
    example: { "var.orderId": "A-1017" },
  });
const TemplateRef = idOf("template").meta({
  description: "Send a saved template (GET /templates): its text replaces `content` (and `subject`). Merge fields are rendered per recipient.",
});
const WhatsAppTemplateRef = idOf("WhatsApp template").meta({
  description:
    "Send an approved WhatsApp template (GET /whatsapp-templates) with Twilio's ContentSid; its placeholders are filled from the " +
    "contact by its mapping. Allowed outside the 24-hour window.",
});

/** content, or exactly one of the templates. */
function refineSource(body: { content?: string; templateId?: string; whatsappTemplateId?: string; channel: string }, ctx: z.RefinementCtx) {
  const sources = [body.content, body.templateId, body.whatsappTemplateId].filter((x) => x !== undefined).length;
  if (sources === 0) ctx.addIssue({ code: "custom", path: ["content"], message: "Give content, templateId or whatsappTemplateId." });
  else if (sources > 1) ctx.addIssue({ code: "custom", path: ["content"], message: "Give one of content, templateId and whatsappTemplateId." });
  if (body.whatsappTemplateId !== undefined && body.channel !== "whatsapp") {
    ctx.addIssue({ code: "custom", path: ["whatsappTemplateId"], message: "WhatsApp templates are sent on the whatsapp channel." });
  }
}

const MediaUrls = z
  .array(z.string().max(CONTENT_LIMITS.urlMax).refine((u) => u.trim() !== "", "A media URL cannot be empty."))
  .max(CONTENT_LIMITS.mediaMax)
  .meta({ description: `Up to ${CONTENT_LIMITS.mediaMax} https links to images or files (SMS/WhatsApp MMS).` });

// ---------------------------------------------------------------------------------------
// Path and query parameters

export const IdParams = z.strictObject({ id: z.string().meta({ description: "The resource's id." }) });
export const MemberParams = z.strictObject({
  id: z.string().meta({ description: "The group's id." }),
  contactId: z.string().meta({ description: "The contact's id." }),
});

/** A query parameter that is a whole number in decimal digits ("0x10", "1e1", " 5" stay strings, and are refused). */
const decimalInteger = (schema: z.ZodNumber) =>
  z.preprocess((value) => (typeof value === "string" && /^[0-9]{1,15}$/.test(value) ? Number(value) : value), schema);

const pageFields = {
  limit: decimalInteger(z.number().int().min(1).max(MAX_PAGE_SIZE))
    .optional()
    .meta({ description: `Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` }),
  cursor: z
    .string()
    .max(8192)
    .optional()
    .meta({ description: "`nextCursor` of the previous page; omit for the first page." }),
};
export const PageQuery = z.strictObject(pageFields);
export const ContactsQuery = z.strictObject({
  ...pageFields,
  search: z.string().max(200).optional().meta({ description: "Match name, phone or email (best matches first)." }),
});
export const MessagesQuery = z.strictObject({
  ...pageFields,
  contactId: idOf("contact").optional(),
  channel: Channel.optional(),
  status: MessageStatus.optional(),
  direction: Direction.optional(),
});
export const ScheduledQuery = z.strictObject({
  ...pageFields,
  kind: z
    .enum(["messages", "broadcasts"])
    .optional()
    .meta({ description: "Scheduled messages (default) or scheduled broadcasts, soonest first." }),
});
const bool = z.enum(["true", "false"]).transform((b) => b === "true");
export const ImportQuery = z.strictObject({
  dryRun: bool.optional().meta({ description: "true: analyse and answer with the preview; nothing is written." }),
  defaultCountry: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .optional()
    .meta({ description: "Country of numbers written without +country code (ISO 3166, e.g. US, GB, BR). Default: the deployment's." }),
  onDuplicate: z
    .enum(["skip", "fillEmpty", "overwrite"])
    .optional()
    .meta({ description: "A row whose phone or email is an existing contact's (or an earlier row's): skip it, fill the contact's empty fields (default), or overwrite them." }),
  mapping: z
    .string()
    .max(10_000)
    .optional()
    .meta({
      description:
        "Comma-separated target per column instead of detecting them from the headers: name, firstName, lastName, " +
        "mobile, phone, email, tags, consent, timeZone (an IANA zone), field:<custom field key>, or empty to ignore a column.",
    }),
  tag: z.string().max(200).optional().meta({ description: "Tag every imported contact with this." }),
  groupId: idOf("group").optional().meta({ description: "Add every imported contact to this group." }),
  newGroup: z.string().max(200).optional().meta({ description: "…or to a group of this name (created if there is none)." }),
  fileName: z.string().max(200).optional().meta({ description: "The file's name, shown in the app." }),
});
export const ImportRowsQuery = z.strictObject({
  ...pageFields,
  status: z.enum(["pending", "created", "updated", "unchanged", "skipped", "invalid", "failed"]),
});

export const AnalyticsQuery = z.strictObject({
  from: Day.meta({ description: "First day, inclusive (UTC)." }),
  to: Day.meta({ description: "Last day, inclusive (UTC); at most 366 days after `from`." }),
});

// ---------------------------------------------------------------------------------------
// Request bodies

export const ContactCreate = z
  .strictObject({
    name: z.string().max(1000).meta({ description: `1–${CONTACT_LIMITS.nameLength} characters.` }),
    phone: z.string().max(64).optional().meta({ description: "Any common format; stored as E.164." }),
    email: z.string().max(320).optional(),
    socialHandles: SocialHandles.optional(),
    metadata: Metadata.optional(),
    tags: Tags.optional(),
    fields: FieldsInput.optional(),
    timeZone: z.string().max(64).optional().meta({
      description: 'IANA time zone, e.g. "Europe/Paris". Inferred from the phone number when its region has one zone.',
    }),
  })
  .meta({ id: "ContactCreate", description: "A contact needs a phone number or an email address." });

export const ContactUpdate = z
  .strictObject({
    name: z.string().max(1000).optional(),
    phone: z.string().max(64).nullable().optional().meta({ description: "null removes the phone number." }),
    email: z.string().max(320).nullable().optional().meta({ description: "null removes the email address." }),
    socialHandles: SocialHandles.optional(),
    metadata: Metadata.optional(),
    tags: Tags.optional().meta({ description: "Replaces the contact's tags." }),
    fields: FieldsInput.optional().meta({ description: "Custom field values to set (null removes one); others stay." }),
    timeZone: z.string().max(64).nullable().optional().meta({ description: "null clears it (inferred from the phone number again where possible)." }),
  })
  .meta({ id: "ContactUpdate", description: "Only the fields given change." });

export const CustomFieldCreate = z
  .strictObject({
    label: z.string().max(200).meta({ description: `1–${FIELD_LIMITS.labelLength} characters, unique per account.` }),
    type: z.enum(FIELD_TYPES),
    options: z
      .array(z.string().max(FIELD_LIMITS.optionLength))
      .max(FIELD_LIMITS.options)
      .optional()
      .meta({ description: "The choices of a `select` field." }),
    showInTable: z.boolean().optional(),
  })
  .meta({ id: "CustomFieldCreate" });

export const CustomFieldUpdate = z
  .strictObject({
    label: z.string().max(200).optional(),
    options: z.array(z.string().max(FIELD_LIMITS.optionLength)).max(FIELD_LIMITS.options).optional(),
    showInTable: z.boolean().optional(),
  })
  .meta({ id: "CustomFieldUpdate", description: "A field's type and key never change." });

const channelEnum = z.enum(["sms", "whatsapp", "email"]);
export const SegmentCondition = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("tag"), has: z.boolean(), tag: z.string().max(200) }),
    z.strictObject({
      kind: z.literal("field"),
      key: z.string().max(64),
      op: z.enum(["is", "isNot", "contains", "gt", "lt", "isSet", "isEmpty"]),
      value: FieldValue.optional(),
    }),
    z.strictObject({ kind: z.literal("reachable"), channel: channelEnum }),
    z.strictObject({ kind: z.literal("optedOut"), channel: channelEnum, optedOut: z.boolean() }),
    z.strictObject({
      kind: z.literal("lastMessage"),
      direction: z.enum(["inbound", "outbound"]),
      op: z.enum(["before", "after", "never"]),
      at: z.number().optional().meta({ description: "A fixed time (ms since 1970)…" }),
      daysAgo: z.number().min(0).max(3660).optional().meta({ description: "…or a number of days before now." }),
    }),
    z.strictObject({ kind: z.literal("repliedToBroadcast"), replied: z.boolean() }),
    z.strictObject({ kind: z.literal("import"), importId: idOf("import") }),
  ])
  .meta({ id: "SegmentCondition" });

export const SegmentCreate = z
  .strictObject({ name: z.string().max(1000), conditions: z.array(SegmentCondition).max(10) })
  .meta({ id: "SegmentCreate" });
export const SegmentUpdate = z
  .strictObject({ name: z.string().max(1000).optional(), conditions: z.array(SegmentCondition).max(10).optional() })
  .meta({ id: "SegmentUpdate" });

export const ExportCreate = z
  .strictObject({
    kind: z.enum(["contacts", "messages", "importFailures"]),
    from: Timestamp.optional().meta({ description: "messages: the first moment included (ISO-8601)." }),
    to: Timestamp.optional().meta({ description: "messages: the end, not included (ISO-8601); at most a year after `from`." }),
    importId: idOf("import").optional().meta({ description: "importFailures: the import." }),
  })
  .superRefine((body, ctx) => {
    if (body.kind === "messages" && (body.from === undefined || body.to === undefined)) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "A messages export needs `from` and `to`." });
    }
    if (body.kind === "importFailures" && body.importId === undefined) {
      ctx.addIssue({ code: "custom", path: ["importId"], message: "An importFailures export needs `importId`." });
    }
  })
  .meta({ id: "ExportCreate" });

export const TagsApply = z
  .strictObject({
    contactIds: z.array(idOf("contact")).min(1).max(TAG_LIMITS.perCall),
    add: z.array(z.string().max(200)).max(TAG_LIMITS.perContact).optional(),
    remove: z.array(z.string().max(200)).max(TAG_LIMITS.perContact).optional(),
  })
  .meta({ id: "TagsApply", description: "Add and/or remove tags on many contacts at once." });

export const GroupCreate = z
  .strictObject({
    name: z.string().max(1000).meta({ description: "1–100 characters, unique per account." }),
    description: z.string().max(5000).optional(),
  })
  .meta({ id: "GroupCreate" });

export const GroupUpdate = z
  .strictObject({ name: z.string().max(1000).optional(), description: z.string().max(5000).optional() })
  .meta({ id: "GroupUpdate" });

export const GroupMembersAdd = z
  .strictObject({ contactIds: z.array(idOf("contact")).min(1).max(MAX_MEMBERS_PER_CALL) })
  .meta({ id: "GroupMembersAdd" });

export const MessageCreate = z
  .strictObject({
    contactId: idOf("recipient contact").optional(),
    phone: z
      .string()
      .max(64)
      .optional()
      .meta({ description: "Instead of contactId: the contact with this number, created if there is none." }),
    email: z
      .string()
      .max(320)
      .optional()
      .meta({ description: "Instead of contactId: the contact with this address, created if there is none." }),
    name: z
      .string()
      .max(1000)
      .optional()
      .meta({ description: "Name for a contact created from phone/email (default: the address)." }),
    channel: Channel,
    content: Content.optional(),
    subject: Subject.optional(),
    mediaUrls: MediaUrls.optional(),
    scheduledAt: ScheduledAt.optional(),
    templateId: TemplateRef.optional(),
    whatsappTemplateId: WhatsAppTemplateRef.optional(),
    variables: Variables.optional(),
    transactional: z.boolean().optional().meta({
      description:
        "A transactional message (a code, a receipt) goes out even in the contact's quiet hours. " +
        "Otherwise a message due in quiet hours is held to the next allowed time (`heldFrom` says when it was due).",
    }),
    cancelOnReply: z.boolean().optional().meta({
      description: "A follow-up: canceled (error CONTACT_REPLIED) if the contact writes before it goes out.",
    }),
  })
  .superRefine((body, ctx) => {
    refineSource(body, ctx);
    const byAddress = body.phone !== undefined || body.email !== undefined;
    if (body.contactId !== undefined && byAddress) {
      ctx.addIssue({ code: "custom", path: ["contactId"], message: "Give contactId, or phone and/or email, not both." });
    } else if (body.contactId === undefined && !byAddress) {
      ctx.addIssue({ code: "custom", path: ["contactId"], message: "Give contactId, phone or email." });
    }
    if (body.name !== undefined && !byAddress) {
      ctx.addIssue({ code: "custom", path: ["name"], message: "name is only used with phone or email." });
    }
  })
  .meta({
    id: "MessageCreate",
    description:
      "Send to `contactId`, or to `phone` and/or `email` (found among your contacts, or a new contact is created). " +
      "Without `scheduledAt` it is sent now (201); with it, it is scheduled (202). The text is `content`, a saved template " +
      "(`templateId`) or an approved WhatsApp template (`whatsappTemplateId`); merge fields such as `{{firstName|there}}` are " +
      "rendered for the contact when it goes out. A field that is empty without a fallback refuses the send (422 TEMPLATE_VARIABLE_MISSING).",
  });

export const BroadcastCreate = z
  .strictObject({
    groupId: idOf("group").optional(),
    segmentId: idOf("segment").optional().meta({ description: "Instead of groupId: the contacts the segment matches when it is sent." }),
    channel: Channel,
    content: Content.optional(),
    subject: Subject.optional(),
    mediaUrls: MediaUrls.optional(),
    scheduledAt: ScheduledAt.optional(),
    templateId: TemplateRef.optional(),
    whatsappTemplateId: WhatsAppTemplateRef.optional(),
    variables: Variables.optional(),
    localTime: z
      .strictObject({
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        time: z.string().regex(/^\d{2}:\d{2}$/),
      })
      .optional()
      .meta({ description: "Instead of scheduledAt: this local date and time in each recipient's time zone." }),
    frequencyCapDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .optional()
      .meta({ description: "Skip members sent a broadcast in the last this many days (skip reason frequencyCap)." }),
  })
  .superRefine((body, ctx) => {
    refineSource(body, ctx);
    if ((body.groupId === undefined) === (body.segmentId === undefined)) {
      ctx.addIssue({ code: "custom", path: ["groupId"], message: "Give groupId or segmentId (one of them)." });
    }
  })
  .meta({
    id: "BroadcastCreate",
    description:
      "One message to every member of the group, or to every contact a segment matches when it is sent; those who cannot receive it are skipped and counted. " +
      "Merge fields are rendered for each recipient as the broadcast goes out; a recipient with a field empty and no fallback is skipped (`skipped.missingVariable`).",
  });

// ---------------------------------------------------------------------------------------
// Responses

const count = z.number().int();

export const Contact = z
  .object({
    id: z.string(),
    name: z.string(),
    phone: z.string().nullable().meta({ description: "E.164, e.g. +14155550123." }),
    email: z.string().nullable(),
    socialHandles: z.record(z.string(), z.string()),
    metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    optedOut: z.object({ sms: z.boolean(), whatsapp: z.boolean(), email: z.boolean() }),
    tags: z.array(z.string()),
    fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).meta({ description: "Custom field values by key." }),
    consent: z
      .object({ optedIn: z.boolean(), at: Timestamp, source: z.string() })
      .nullable()
      .meta({ description: "Consent as last recorded (e.g. by an import's consent column), with its source." }),
    timeZone: z.string().nullable().meta({ description: "IANA time zone, or null when unknown." }),
    lastMessageAt: Timestamp.nullable(),
    unreadCount: z.number().int(),
    createdAt: Timestamp,
  })
  .meta({ id: "Contact" });

export const CustomField = z
  .object({
    id: z.string(),
    key: z.string().meta({ description: "The key of this field's values in a contact's `fields`." }),
    label: z.string(),
    type: z.enum(FIELD_TYPES),
    options: z.array(z.string()),
    showInTable: z.boolean(),
  })
  .meta({ id: "CustomField" });

export const Tag = z.object({ name: z.string(), contacts: count }).meta({ id: "Tag" });

export const Group = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    memberCount: z.number().int(),
    createdAt: Timestamp,
  })
  .meta({ id: "Group" });

export const Message = z
  .object({
    id: z.string(),
    contactId: z.string(),
    broadcastId: z.string().nullable(),
    channel: Channel,
    direction: Direction,
    status: MessageStatus,
    content: z.string(),
    subject: z.string().nullable(),
    mediaUrls: z.array(z.string()),
    from: z.string().nullable(),
    to: z.string().nullable(),
    scheduledAt: Timestamp.nullable().meta({ description: "When a pending message is due to go out." }),
    heldFrom: Timestamp.nullable().meta({ description: "Held by quiet hours: when it was due before it was held." }),
    automatic: z.boolean().meta({ description: "Sent by an automation (an auto-reply), not a person." }),
    sentAt: Timestamp.nullable(),
    deliveredAt: Timestamp.nullable(),
    readAt: Timestamp.nullable(),
    failedAt: Timestamp.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: "Message" });

export const Broadcast = z
  .object({
    id: z.string(),
    groupId: z.string().nullable(),
    segmentId: z.string().nullable(),
    groupName: z.string().meta({ description: "The group's or segment's name when it was sent." }),
    channel: Channel,
    status: z.enum(["scheduled", "sending", "completed", "canceled"]),
    content: z.string(),
    subject: z.string().nullable(),
    mediaUrls: z.array(z.string()),
    scheduledAt: Timestamp.nullable(),
    startedAt: Timestamp.nullable(),
    completedAt: Timestamp.nullable(),
    counts: z.object({
      total: count,
      scheduled: count,
      queued: count,
      sending: count,
      sent: count,
      delivered: count,
      read: count,
      failed: count,
      canceled: count,
      skipped: count,
    }),
    skipped: z.object({
      noAddress: count,
      optedOut: count,
      whatsappWindowClosed: count,
      missingVariable: count,
      contentTooLong: count,
      frequencyCap: count,
    }),
    skippedSamples: z
      .array(z.object({ contactId: z.string(), name: z.string(), reason: z.string() }))
      .meta({ description: "The first recipients skipped for their merge fields, with why." }),
    templateId: z.string().nullable(),
    whatsappTemplateId: z.string().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: "Broadcast" });

export const Template = z
  .object({
    id: z.string(),
    name: z.string(),
    channel: Channel.nullable().meta({ description: "The channel it is for; null: any." }),
    content: z.string(),
    subject: z.string().nullable(),
    variables: z.array(z.string()).meta({ description: "The merge fields it uses." }),
    updatedAt: Timestamp,
    createdAt: Timestamp,
  })
  .meta({ id: "Template" });

const TemplateName = z.string().max(1000);
export const TemplateCreate = z
  .strictObject({
    name: TemplateName,
    channel: Channel.nullable().optional().meta({ description: "Omit or null for any channel." }),
    content: Content,
    subject: Subject.optional(),
  })
  .meta({
    id: "TemplateCreate",
    description:
      "Merge fields: `{{firstName}}`, `{{lastName}}`, `{{name}}`, `{{phone}}`, `{{email}}`, custom fields by key (`{{customer_tier}}`), " +
      "`{{senderName}}`, `{{senderEmail}}`, `{{senderAddress}}` and `{{var.<name>}}` (given with the send); each may have a fallback, " +
      "`{{firstName|there}}`. Unknown merge fields are refused (400 TEMPLATE_VARIABLE_UNKNOWN).",
  });
export const TemplateUpdate = z
  .strictObject({
    name: TemplateName.optional(),
    channel: Channel.nullable().optional(),
    content: Content.optional(),
    subject: Subject.optional(),
  })
  .meta({ id: "TemplateUpdate" });
export const TemplatesQuery = z.strictObject({
  search: z.string().max(200).optional().meta({ description: "Words of the name or text." }),
  channel: Channel.optional().meta({ description: "Only templates usable on this channel." }),
});

export const WhatsAppTemplate = z
  .object({
    id: z.string(),
    contentSid: z.string().meta({ description: "Twilio's Content SID (HX…)." }),
    name: z.string(),
    language: z.string(),
    body: z.string(),
    status: z.string().meta({ description: "WhatsApp approval as Twilio reports it: approved, pending, rejected, unsubmitted, …" }),
    category: z.string().nullable(),
    rejectionReason: z.string().nullable(),
    placeholders: z.array(
      z.object({
        key: z.string(),
        sample: z.string(),
        mapping: z.string().meta({ description: "The merge field that fills it, e.g. firstName or firstName|there." }),
      }),
    ),
    syncedAt: Timestamp,
  })
  .meta({ id: "WhatsAppTemplate" });

const ImportCounts = z.object({ created: count, updated: count, unchanged: count, skipped: count, invalid: count, failed: count });
export const Import = z
  .object({
    id: z.string(),
    fileName: z.string(),
    bytes: count,
    status: z.enum(["analyzing", "ready", "staging", "running", "completed", "canceled", "failed", "undoing", "undone"]),
    options: z.object({
      defaultCountry: z.string(),
      onDuplicate: z.enum(["skip", "fillEmpty", "overwrite"]),
      tag: z.string().nullable(),
      groupId: z.string().nullable(),
      newGroupName: z.string().nullable(),
    }),
    file: z
      .object({ encoding: z.string(), delimiter: z.string(), hasHeader: z.boolean(), headers: z.array(z.string()), rows: count })
      .nullable()
      .meta({ description: "What was read from the file (after the analysis)." }),
    mapping: z.array(z.string()).nullable().meta({ description: "The target of each column (\"\" ignores it)." }),
    preview: z
      .object({ new: count, updated: count, skipped: count, invalid: count })
      .nullable()
      .meta({ description: "What the import does, counted before anything is written." }),
    progress: z.object({ processed: count, total: count }),
    counts: ImportCounts,
    problems: z.array(z.object({ row: count, message: z.string() })),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: Timestamp,
    startedAt: Timestamp.nullable(),
    completedAt: Timestamp.nullable(),
  })
  .meta({ id: "Import" });

export const ImportRow = z
  .object({
    row: count.meta({ description: "Row number in the file (the header is row 1)." }),
    status: z.enum(["pending", "created", "updated", "unchanged", "skipped", "invalid", "failed"]),
    reason: z.string().nullable(),
    contactId: z.string().nullable(),
    cells: z.array(z.string()),
  })
  .meta({ id: "ImportRow" });

export const Segment = z
  .object({
    id: z.string(),
    name: z.string(),
    conditions: z.array(SegmentCondition),
    count: count.nullable().meta({ description: "Contacts it matches now (GET /segments/{id} only)." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "Segment" });

export const Export = z
  .object({
    id: z.string(),
    kind: z.enum(["contacts", "messages", "importFailures"]),
    status: z.enum(["building", "ready", "failed"]),
    fileName: z.string(),
    from: Timestamp.nullable(),
    to: Timestamp.nullable(),
    importId: z.string().nullable(),
    rows: count.meta({ description: "Rows written so far (all of them once ready)." }),
    bytes: count,
    createdAt: Timestamp,
    completedAt: Timestamp.nullable(),
    expiresAt: Timestamp,
  })
  .meta({ id: "Export" });
export const CsvFile = z.string().meta({ id: "CsvFile", description: "CSV text." });

export const Analytics = z
  .object({
    from: z.string(),
    to: z.string(),
    totals: z.object({ sent: count, received: count, outbound: count, failed: count, contacts: count }),
    avgResponseTimeMs: z.number().nullable(),
    responses: count,
    byChannel: z.array(z.object({ channel: z.string(), sent: count, received: count })),
    byStatus: z.array(z.object({ status: z.string(), count })),
    daily: z.array(z.object({ day: z.string(), sent: count, received: count })),
  })
  .meta({ id: "Analytics" });

const listOf = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      data: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
    })
    .meta({ id });

export const ContactList = listOf(Contact, "ContactList");
export const SegmentList = z.object({ data: z.array(Segment) }).meta({ id: "SegmentList" });
export const ImportList = listOf(Import, "ImportList");
export const ImportRowList = listOf(ImportRow, "ImportRowList");
export const CustomFieldList = z.object({ data: z.array(CustomField) }).meta({ id: "CustomFieldList" });
export const TemplateList = z.object({ data: z.array(Template) }).meta({ id: "TemplateList" });
export const WhatsAppTemplateList = z.object({ data: z.array(WhatsAppTemplate) }).meta({ id: "WhatsAppTemplateList" });
export const TagList = z.object({ data: z.array(Tag) }).meta({ id: "TagList" });
export const TagsApplied = z.object({ changed: count }).meta({ id: "TagsApplied" });
export const GroupList = listOf(Group, "GroupList");
export const MessageList = listOf(Message, "MessageList");
export const BroadcastList = listOf(Broadcast, "BroadcastList");
export const ScheduledList = z.union([MessageList, BroadcastList]).meta({ id: "ScheduledList" });

export const MembersAdded = z
  .object({ added: count, alreadyMembers: count })
  .meta({ id: "MembersAdded" });

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).meta({
        description:
          "Structured facts: `issues` (each with `in`, `path`, `message`) for validation errors, " +
          "`retryAfterSeconds` for 429, the existing contact for duplicates.",
      }),
    }),
  })
  .meta({ id: "Error" });

export type ContactJson = z.infer<typeof Contact>;
export type GroupJson = z.infer<typeof Group>;
export type CustomFieldJson = z.infer<typeof CustomField>;
export type ImportJson = z.infer<typeof Import>;
export type ExportJson = z.infer<typeof Export>;
export type SegmentJson = z.infer<typeof Segment>;
export type ImportRowJson = z.infer<typeof ImportRow>;
export type MessageJson = z.infer<typeof Message>;
export type BroadcastJson = z.infer<typeof Broadcast>;
export type TemplateJson = z.infer<typeof Template>;
export type WhatsAppTemplateJson = z.infer<typeof WhatsAppTemplate>;
export type Page<T> = { data: T[]; nextCursor: string | null };
