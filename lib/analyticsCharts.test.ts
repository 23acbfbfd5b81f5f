import { describe, expect, it } from "vitest";
import { channelSlices, hasActivity, statusBars } from "./analyticsCharts";

describe("analytics chart data", () => {
  it("totals each channel and labels it", () => {
    expect(
      channelSlices([
        { channel: "sms", sent: 3, received: 2 },
        { channel: "whatsapp", sent: 0, received: 0 },
        { channel: "email", sent: 1, received: 0 },
        { channel: "fax", sent: 9, received: 9 },
      ]),
    ).toEqual([
      { channel: "sms", label: "SMS", sent: 3, received: 2, total: 5 },
      { channel: "whatsapp", label: "WhatsApp", sent: 0, received: 0, total: 0 },
      { channel: "email", label: "Email", sent: 1, received: 0, total: 1 },
    ]);
  });

  it("keeps outbound statuses in lifecycle order", () => {
    expect(
      statusBars([
        { status: "queued", count: 1 },
        { status: "delivered", count: 4 },
        { status: "received", count: 7 },
        { status: "bogus", count: 1 },
      ]),
    ).toEqual([
      { status: "queued", label: "Queued", count: 1 },
      { status: "delivered", label: "Delivered", count: 4 },
    ]);
  });

  it("knows an empty range", () => {
    expect(hasActivity({ daily: [{ sent: 0, received: 0 }], byStatus: [{ count: 0 }] })).toBe(false);
    expect(hasActivity({ daily: [{ sent: 0, received: 1 }], byStatus: [{ count: 0 }] })).toBe(true);
    // A failed message is activity even though nothing was sent.
    expect(hasActivity({ daily: [{ sent: 0, received: 0 }], byStatus: [{ count: 1 }] })).toBe(true);
  });
});
