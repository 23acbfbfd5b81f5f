import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { setup, signedInUser } from "./test.setup";

describe("audit log", () => {
  it("records contact, group and note changes, newest first, a page at a time", async () => {
    const t = setup();
    const { as, userId } = await signedInUser(t);
    const contactId = await as.mutation(api.contacts.create, { name: "Ann", email: "ann@x.com" });
    await as.mutation(api.contacts.update, { contactId, name: "Ann Lee" });
    const groupId = await as.mutation(api.groups.create, { name: "VIP" });
    await as.mutation(api.groups.addMembers, { groupId, contactIds: [contactId] });
    const noteId = await as.mutation(api.notes.create, { contactId, content: "hi" });
    await as.mutation(api.notes.remove, { noteId });
    await as.mutation(api.contacts.remove, { contactId });

    const first = await as.query(api.auditLog.list, { paginationOpts: { numItems: 4, cursor: null } });
    const rest = await as.query(api.auditLog.list, { paginationOpts: { numItems: 10, cursor: first.continueCursor } });
    const all = [...first.page, ...rest.page];
    expect(all.map((e) => e.action)).toEqual([
      "contact.remove",
      "note.remove",
      "note.create",
      "group.addMembers",
      "group.create",
      "contact.update",
      "contact.create",
    ]);
    expect(all.every((e) => e.actor.kind === "user" && e.actor.id === userId)).toBe(true);
    expect(all[0]).toMatchObject({ target: { table: "contacts", id: contactId }, details: { name: "Ann Lee", notes: 0 } });
  });
});
