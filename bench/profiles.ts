/**
 * The scale data generator: a large profile (10,000 contacts, 500 groups, 100,000 messages
 * over a year, notes) and a small one (100 contacts, 1,000 messages) for comparison, written
 * through the internal batch mutations in convex/benchSeed.ts. Each profile has one long
 * thread (300 messages) and scheduled messages, so every hot function has a full page to read.
 */
import type { Id } from "../convex/_generated/dataModel";
import type { Backend, User } from "./harness";

export type ProfileSize = { contacts: number; groups: number; membersPerGroup: number; messages: number; scheduled: number };

export const LARGE: ProfileSize = { contacts: 10_000, groups: 500, membersPerGroup: 20, messages: 100_000, scheduled: 600 };
export const SMALL: ProfileSize = { contacts: 100, groups: 5, membersPerGroup: 20, messages: 1_000, scheduled: 60 };
/** `--quick`: a large profile a tenth the size (same shape), so the ratio is still meaningful. */
export const QUICK_LARGE: ProfileSize = { contacts: 1_000, groups: 50, membersPerGroup: 20, messages: 10_000, scheduled: 120 };

const YEAR_MS = 365 * 24 * 3600_000;
const CONTACT_BATCH = 1000;
const MESSAGE_BATCH = 1000;
export const LONG_THREAD = 300;

export type Profile = { user: User; contactIds: Id<"contacts">[]; longThread: Id<"contacts">; groupIds: Id<"groups">[] };

export async function seedProfile(backend: Backend, user: User, size: ProfileSize, seed: number): Promise<Profile> {
  const contactIds: Id<"contacts">[] = [];
  for (let start = 0; start < size.contacts; start += CONTACT_BATCH) {
    const count = Math.min(CONTACT_BATCH, size.contacts - start);
    contactIds.push(...(await backend.run<Id<"contacts">[]>("benchSeed:contacts", { userId: user.userId, start: seed * 1_000_000 + start, count })));
  }
  const groupIds: Id<"groups">[] = [];
  for (let g = 0; g < size.groups; g++) {
    const members = Array.from({ length: size.membersPerGroup }, (_, i) => contactIds[(g * 7 + i * 13) % contactIds.length]);
    groupIds.push(
      await backend.run<Id<"groups">>("benchSeed:group", { userId: user.userId, name: `Group ${g}`, contactIds: [...new Set(members)] }),
    );
  }
  const now = Date.now();
  const from = now - YEAR_MS;
  const to = now - 60_000;
  const longThread = contactIds[0];
  // A message on every day of the year (so every date range has its days), the long thread,
  // then the rest at random over every contact.
  const days = Math.floor((to - from) / 86_400_000) + 1;
  await backend.run("benchSeed:messages", {
    userId: user.userId, contactIds: contactIds.slice(1, 101), count: days, from, to, seed: seed * 1000 + 999, scheduled: 0, spreadDaily: true,
  });
  await backend.run("benchSeed:messages", {
    userId: user.userId, contactIds: [longThread], count: LONG_THREAD, from, to, seed: seed * 1000, scheduled: 0,
  });
  const rest = size.messages - LONG_THREAD - days;
  let batch = 0;
  for (let done = 0; done < rest; done += MESSAGE_BATCH, batch++) {
    const count = Math.min(MESSAGE_BATCH, rest - done);
    const first = (batch * MESSAGE_BATCH) % contactIds.length;
    const slice = contactIds.slice(first, first + Math.min(contactIds.length, 250));
    await backend.run("benchSeed:messages", {
      userId: user.userId, contactIds: slice, count, from, to, seed: seed * 1000 + batch + 1,
      scheduled: done + MESSAGE_BATCH >= rest ? size.scheduled : 0,
    });
  }
  return { user, contactIds, longThread, groupIds };
}
