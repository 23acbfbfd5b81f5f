import { v } from "convex/values";

import { getOwned, internalQuery } from "../functions";
import { appError } from "../lib/errors";
import { addressFor, defaultSender } from "../lib/outbound";
import { vChannel } from "../schema";

/** Who a simulated inbound message is from (the contact) and to (the user's sender). */
export const target = internalQuery({
  args: { userId: v.id("users"), contactId: v.id("contacts"), channel: vChannel },
  returns: v.object({ from: v.string(), to: v.string() }),
  handler: async (ctx, { userId, contactId, channel }) => {
    const contact = await getOwned({ db: ctx.db, userId }, "contacts", contactId);
    const from = addressFor(contact, channel);
    if (!from) throw appError("NO_ADDRESS");
    const sender = await defaultSender(ctx, userId, channel);
    if (!sender) throw appError("NO_SENDER");
    return { from, to: sender.address };
  },
});
