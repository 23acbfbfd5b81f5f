/**
 * Demo data for a newcomer (`npm run dev -- --demo`): contacts, groups, notes and a
 * conversation history for an existing user, so the inbox is alive on first look.
 * Internal only: run by the local dev script through the emulator, or on a deployment with
 * `npx convex run demo:seed '{"email":"you@example.com"}'` once seeding is allowed (see seedMutation).
 */
import { v } from "convex/values";
import type { Id } from "./_generated/dataModel";
import { seedMutation } from "./functions";

import { createOutbound } from "./lib/send";
import { insertContact, setOptOut } from "./lib/contacts";
import { insertMessage, MessageWrites } from "./lib/messages";
import { defaultSender } from "./lib/outbound";
import { provisionSimulatorSenders } from "./lib/senders";
import type { Channel } from "./schema";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

type Line = { ago: number; in?: string; out?: string; channel?: Channel; subject?: string; status?: "delivered" | "read" | "failed" | "sent" };

const PEOPLE: Array<{ name: string; phone?: string; email?: string; groups: string[]; note?: string; lines: Line[] }> = [
  {
    name: "Maria Gonzalez",
    phone: "+14155550142",
    email: "maria.gonzalez@example.com",
    groups: ["VIP customers", "Newsletter"],
    note: "Prefers texts after 5pm. Ask @sam about her custom order.",
    lines: [
      { ago: 3 * DAY, out: "Hi Maria! Your custom table is ready for pickup.", status: "read" },
      { ago: 3 * DAY - 20 * MIN, in: "Amazing, thank you! Can I come by Saturday?" },
      { ago: 3 * DAY - 25 * MIN, out: "Saturday works, we're open 10–4.", status: "delivered" },
      { ago: 40 * MIN, in: "On my way now 🙂", channel: "whatsapp" },
    ],
  },
  {
    name: "James Okafor",
    phone: "+14155550187",
    groups: ["VIP customers"],
    lines: [
      { ago: 2 * DAY, in: "Do you have the oak shelves in stock?" },
      { ago: 2 * DAY - 2 * HOUR, out: "We do — 3 left. Want me to hold one?", status: "delivered" },
      { ago: 5 * HOUR, in: "Yes please, I'll pick it up tomorrow." },
    ],
  },
  {
    name: "Priya Shah",
    email: "priya.shah@example.com",
    groups: ["Newsletter"],
    note: "Wholesale lead — follow up in March.",
    lines: [
      { ago: 6 * DAY, in: "Could you send your wholesale price list?", channel: "email", subject: "Wholesale pricing" },
      { ago: 6 * DAY - 3 * HOUR, out: "Attached is our current list. Happy to talk volumes!", channel: "email", subject: "Re: Wholesale pricing", status: "delivered" },
    ],
  },
  {
    name: "Tom Becker",
    phone: "+14155550199",
    groups: ["Newsletter"],
    lines: [
      { ago: 1 * DAY, out: "Reminder: your appointment is tomorrow at 2pm.", status: "delivered" },
      { ago: 1 * DAY - 10 * MIN, in: "STOP" },
    ],
  },
  {
    name: "Ana Costa",
    phone: "+14155550000",
    groups: ["Newsletter"],
    lines: [{ ago: 4 * DAY, out: "Welcome to our newsletter!", status: "failed" }],
  },
  { name: "Liam Walsh", phone: "+14155550123", email: "liam@example.com", groups: ["VIP customers", "Newsletter"], lines: [] },
  { name: "Sofia Rossi", email: "sofia.rossi@example.com", groups: ["Newsletter"], lines: [] },
  { name: "Noah Kim", phone: "+14155550176", groups: [], lines: [{ ago: 9 * DAY, in: "Thanks for the quick delivery!" }] },
];

export const seed = seedMutation({
  args: { email: v.string() },
  returns: v.object({ contacts: v.number(), messages: v.number() }),
  handler: async (ctx, { email }) => {
    const user = await ctx.db
      .query("users")
      .withIndex("email", (q) => q.eq("email", email.toLowerCase()))
      .unique();
    if (!user) throw new Error(`No user ${email}: sign up first`);
    const userId = user._id;
    await provisionSimulatorSenders(ctx, userId);
    const now = Date.now();

    const groupIds = new Map<string, Id<"groups">>();
    for (const name of ["VIP customers", "Newsletter"]) {
      groupIds.set(
        name,
        await ctx.db.insert("groups", { userId, name, sortName: name.toLowerCase(), memberCount: 0, description: `Demo group: ${name}` }),
      );
    }

    let messages = 0;
    for (const person of PEOPLE) {
      const contactId = await insertContact(ctx, userId, person);
      for (const group of person.groups) {
        const groupId = groupIds.get(group)!;
        await ctx.db.insert("groupMemberships", { userId, groupId, contactId });
        const g = (await ctx.db.get("groups", groupId))!;
        await ctx.db.patch("groups", groupId, { memberCount: g.memberCount + 1 });
      }
      if (person.note) {
        await ctx.db.insert("notes", { userId, authorId: userId, contactId, content: person.note, isPrivate: false, mentions: person.note.includes("@sam") ? ["sam"] : [] });
      }
      const writes = new MessageWrites(ctx, userId);
      for (const line of person.lines) {
        const channel = line.channel ?? (person.phone ? "sms" : "email");
        const at = now - line.ago;
        const sender = await defaultSender(ctx, userId, channel);
        const address = channel === "email" ? person.email : person.phone;
        if (line.in !== undefined) {
          await insertMessage(ctx, writes, {
            userId, contactId, channel, direction: "inbound", status: "received", content: line.in,
            ...(line.subject ? { subject: line.subject } : {}), at, from: address, to: sender?.address, attempts: 0,
          });
        } else {
          const failed = line.status === "failed";
          await insertMessage(ctx, writes, {
            userId, contactId, channel, direction: "outbound", status: line.status ?? "delivered", content: line.out!,
            ...(line.subject ? { subject: line.subject } : {}), at, scheduledAt: at, attempts: 1,
            from: sender?.address, to: address, provider: "simulator", providerMessageId: `SMdemo${now}${messages}`,
            origin: { via: "automation", name: "Demo data" },
            ...(failed
              ? { failedAt: at, lastError: { code: "TWILIO_21211", message: "The phone number is not valid", permanent: true } }
              : { sentAt: at, deliveredAt: at + 2000 }),
          });
        }
        messages++;
      }
      await writes.flush();
      if (person.name === "Tom Becker") {
        const contact = await ctx.db.get("contacts", contactId);
        if (contact) await setOptOut(ctx, contact, "sms", true, { actor: { kind: "system", id: "demo" } });
      }
      if (person.name === "Liam Walsh") {
        const sender = await defaultSender(ctx, userId, "sms");
        if (sender) {
          await createOutbound(ctx, {
            userId, contactId, channel: "sms", content: "Your order ships tomorrow — we'll text the tracking link.",
            to: person.phone, sender, scheduledAt: now + 2 * HOUR, source: { kind: "system", id: "demo" },
            origin: { via: "automation", name: "Demo data", scheduled: true },
          });
          messages++;
        }
      }
    }
    return { contacts: PEOPLE.length, messages };
  },
});
