import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { code, setup, signedInUser } from "./test.setup";

describe("notes", () => {
  it("adds, edits and removes notes with mentions", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    const contactId = await as.mutation(api.contacts.create, { name: "Ann", email: "ann@x.com" });
    const noteId = await as.mutation(api.notes.create, { contactId, content: "Call back, cc @Sam and @jo" });
    let notes = await as.query(api.notes.listForContact, { contactId, paginationOpts: { numItems: 10, cursor: null } });
    expect(notes.page).toMatchObject([{ _id: noteId, mentions: ["sam", "jo"], isPrivate: false }]);

    await as.mutation(api.notes.update, { noteId, content: "Done, thanks @max", isPrivate: true });
    notes = await as.query(api.notes.listForContact, { contactId, paginationOpts: { numItems: 10, cursor: null } });
    expect(notes.page[0]).toMatchObject({ content: "Done, thanks @max", mentions: ["max"], isPrivate: true });
    expect(notes.page[0].updatedAt).toBeTypeOf("number");

    await expect(as.mutation(api.notes.create, { contactId, content: "   " })).rejects.toMatchObject(
      code("INVALID_ARGUMENT"),
    );
    await as.mutation(api.notes.remove, { noteId });
    notes = await as.query(api.notes.listForContact, { contactId, paginationOpts: { numItems: 10, cursor: null } });
    expect(notes.page).toEqual([]);
  });

  it("lists newest first", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    const contactId = await as.mutation(api.contacts.create, { name: "Ann", email: "ann@x.com" });
    for (const content of ["one", "two", "three"]) await as.mutation(api.notes.create, { contactId, content });
    const notes = await as.query(api.notes.listForContact, { contactId, paginationOpts: { numItems: 2, cursor: null } });
    expect(notes.page.map((n) => n.content)).toEqual(["three", "two"]);
  });

  it("shows a private note to its author only", async () => {
    const t = setup();
    const { as, userId } = await signedInUser(t);
    const contactId = await as.mutation(api.contacts.create, { name: "Ann", email: "ann@x.com" });
    // A teammate's notes on the owner's contact (teams come later; the rule is already enforced).
    const teammate = await t.run(async (ctx) => await ctx.db.insert("users", { email: "mate@x.com" }));
    const [privateNote, sharedNote] = await t.run(async (ctx) =>
      Promise.all(
        [true, false].map((isPrivate) =>
          ctx.db.insert("notes", {
            userId,
            authorId: teammate,
            contactId,
            content: isPrivate ? "secret" : "shared",
            isPrivate,
            mentions: [],
          }),
        ),
      ),
    );
    const notes = await as.query(api.notes.listForContact, { contactId, paginationOpts: { numItems: 10, cursor: null } });
    expect(notes.page.map((n) => n._id)).toEqual([sharedNote]);
    // Someone else's note can't be edited or removed, private or not, and the private one isn't even revealed.
    for (const noteId of [privateNote, sharedNote]) {
      await expect(as.mutation(api.notes.update, { noteId, content: "x" })).rejects.toMatchObject(code("NOT_FOUND"));
      await expect(as.mutation(api.notes.remove, { noteId })).rejects.toMatchObject(code("NOT_FOUND"));
    }
  });
});
