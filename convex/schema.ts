import { authTables } from "@convex-dev/auth/server";
import { defineSchema, defineTable } from "convex/server";
import { v, type Infer } from "convex/values";

// Shared validators: the one definition of each enum, used by functions and the UI.
export const vChannel = v.union(v.literal("sms"), v.literal("whatsapp"), v.literal("email"));
export type Channel = Infer<typeof vChannel>;
export const CHANNELS: readonly Channel[] = ["sms", "whatsapp", "email"];

export const vDirection = v.union(v.literal("inbound"), v.literal("outbound"));
export type Direction = Infer<typeof vDirection>;

export const vOptOut = v.object({ sms: v.boolean(), whatsapp: v.boolean(), email: v.boolean() });
export type OptOut = Infer<typeof vOptOut>;

export const vMetadata = v.record(v.string(), v.union(v.string(), v.number(), v.boolean(), v.null()));
export const vSocialHandles = v.record(v.string(), v.string());

export const vActor = v.object({
  kind: v.union(v.literal("user"), v.literal("apiKey"), v.literal("webhook"), v.literal("system")),
  /** The user id, the API key's display prefix, or the provider name. */
  id: v.string(),
});
export type Actor = Infer<typeof vActor>;

export const contactFields = {
  userId: v.id("users"),
  name: v.string(),
  /** Lower-cased name, for ordering lists by name. */
  sortName: v.string(),
  /** E.164, e.g. "+14155550123". */
  phone: v.optional(v.string()),
  /** Lower-cased. */
  email: v.optional(v.string()),
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

export default defineSchema({
  ...authTables,

  contacts: defineTable(contactFields)
    .index("by_user_and_sortName", ["userId", "sortName"])
    .index("by_user_and_phone", ["userId", "phone"])
    .index("by_user_and_email", ["userId", "email"])
    .index("by_user_and_lastMessageAt", ["userId", "lastMessageAt"])
    .index("by_user_and_hasUnread_and_lastMessageAt", ["userId", "hasUnread", "lastMessageAt"])
    .index("by_user_and_lastMessageChannel_and_lastMessageAt", [
      "userId",
      "lastMessageChannel",
      "lastMessageAt",
    ])
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

  auditLog: defineTable(auditFields).index("by_user_and_at", ["userId", "at"]),
});
