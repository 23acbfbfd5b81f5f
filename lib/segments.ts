/** Segment conditions in words, shared by the segment editor, the segment page and the contacts filter. */
import type { Condition } from "@/convex/schema";
import { formatFieldValue, type FieldDef } from "./customFields";

const CHANNEL = { sms: "SMS", whatsapp: "WhatsApp", email: "email" } as const;
const OPS = { is: "is", isNot: "is not", contains: "contains", gt: "is more than", lt: "is less than", isSet: "is set", isEmpty: "is empty" } as const;

function when(c: Extract<Condition, { kind: "lastMessage" }>): string {
  if (c.op === "never") return "never";
  const bound = c.daysAgo !== undefined ? `${c.daysAgo} day${c.daysAgo === 1 ? "" : "s"} ago` : new Date(c.at!).toISOString().slice(0, 10);
  return `${c.op} ${bound}`;
}

export function describeCondition(c: Condition, fields: ReadonlyMap<string, FieldDef>, importName?: (id: string) => string): string {
  switch (c.kind) {
    case "tag":
      return c.has ? `Tagged “${c.tag}”` : `Not tagged “${c.tag}”`;
    case "field": {
      const def = fields.get(c.key);
      const label = def?.label ?? c.key;
      const value = c.value === undefined ? "" : ` ${def ? formatFieldValue(def, c.value) : String(c.value)}`;
      return `${label} ${OPS[c.op]}${value}`;
    }
    case "reachable":
      return `Reachable by ${CHANNEL[c.channel]}`;
    case "optedOut":
      return c.optedOut ? `Opted out of ${CHANNEL[c.channel]}` : `Opted in to ${CHANNEL[c.channel]}`;
    case "lastMessage":
      return `Last message ${c.direction === "inbound" ? "received" : "sent"} ${when(c)}`;
    case "repliedToBroadcast":
      return c.replied ? "Replied to a broadcast" : "Never replied to a broadcast";
    case "import":
      return `Created by the import ${importName?.(c.importId) ?? ""}`.trim();
  }
}
