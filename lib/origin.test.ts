import { describe, expect, it } from "vitest";
import { originLabel } from "./origin";

const out = { direction: "outbound" as const };

describe("originLabel", () => {
  it("says how each kind of message was sent", () => {
    expect(originLabel({ ...out, origin: { via: "inbox" } })).toEqual({ text: "From the inbox" });
    expect(originLabel({ ...out, origin: { via: "inbox", scheduled: true } })).toEqual({ text: "Scheduled from the inbox" });
    expect(originLabel({ ...out, origin: { via: "api", name: "Shop website" } })).toEqual({ text: "Sent via API · Shop website" });
    expect(originLabel({ ...out, origin: { via: "api", name: "Shop website", scheduled: true } })).toEqual({ text: "Scheduled via API · Shop website" });
    expect(originLabel({ ...out, origin: { via: "broadcast" }, broadcastId: "b1" })).toEqual({ text: "Broadcast", href: "/broadcasts/b1" });
    expect(originLabel({ ...out, origin: { via: "automation", name: "Demo data" } })).toEqual({ text: "Sent by automation · Demo data" });
  });

  it("reads older messages from their source, and says nothing of inbound ones", () => {
    expect(originLabel({ ...out, source: { kind: "apiKey", id: "uik_live_AbC1" } })).toEqual({ text: "Sent via API · uik_live_AbC1…" });
    expect(originLabel({ ...out, source: { kind: "system", id: "broadcast:b2" }, broadcastId: "b2" })).toEqual({ text: "Broadcast", href: "/broadcasts/b2" });
    expect(originLabel({ ...out, source: { kind: "user", id: "u1" } })).toEqual({ text: "From the inbox" });
    expect(originLabel({ ...out })).toBeNull();
    expect(originLabel({ direction: "inbound", source: { kind: "webhook", id: "twilio" } })).toBeNull();
  });
});
