import { describe, expect, it } from "vitest";
import type { BroadcastCounts } from "../convex/schema";
import { broadcastProgress, broadcastStatusLabel, skipReasons } from "./broadcastProgress";

const zero: BroadcastCounts = { total: 0, scheduled: 0, queued: 0, sending: 0, sent: 0, delivered: 0, read: 0, failed: 0, canceled: 0, skipped: 0 };

describe("broadcastProgress", () => {
  it("counts pending, sent, delivered (read included), failed and skipped", () => {
    const p = broadcastProgress({
      status: "sending",
      fanOutDone: true,
      counts: { ...zero, total: 10, queued: 3, sending: 1, sent: 1, delivered: 2, read: 1, failed: 1, skipped: 1 },
    });
    expect(p).toMatchObject({ members: 10, messages: 9, pending: 4, sent: 1, delivered: 3, failed: 1, skipped: 1, percent: 60, finished: false });
  });

  it("is finished only when completed after fan-out, or canceled", () => {
    const counts = { ...zero, total: 2, delivered: 2 };
    expect(broadcastProgress({ status: "completed", fanOutDone: true, counts })).toMatchObject({ percent: 100, finished: true });
    expect(broadcastProgress({ status: "sending", fanOutDone: false, counts }).finished).toBe(false);
    expect(broadcastProgress({ status: "canceled", fanOutDone: false, counts: { ...zero, total: 2, canceled: 1, queued: 1 } })).toMatchObject({
      finished: true,
      percent: 50,
    });
  });

  it("handles a broadcast with nobody in it yet", () => {
    expect(broadcastProgress({ status: "scheduled", fanOutDone: false, counts: zero }).percent).toBe(0);
    expect(broadcastProgress({ status: "completed", fanOutDone: true, counts: zero }).percent).toBe(100);
  });
});

describe("skipReasons", () => {
  it("lists the reasons that occurred, largest first", () => {
    expect(skipReasons({ noAddress: 1, optedOut: 0, whatsappWindowClosed: 4 })).toEqual([
      { reason: "whatsappWindowClosed", label: "WhatsApp 24-hour window closed", count: 4 },
      { reason: "noAddress", label: "No address for the channel", count: 1 },
    ]);
    expect(skipReasons({ noAddress: 0, optedOut: 0, whatsappWindowClosed: 0 })).toEqual([]);
  });

  it("shows progress against the group's size until the fan-out has handled every member", () => {
    const partial = { ...zero, total: 200, queued: 150, delivered: 50 };
    expect(broadcastProgress({ status: "sending", fanOutDone: false, members: 1000, counts: partial })).toMatchObject({ members: 1000, percent: 5 });
    expect(broadcastProgress({ status: "sending", fanOutDone: true, members: 1000, counts: partial })).toMatchObject({ members: 200, percent: 25 });
  });
});

describe("broadcastStatusLabel", () => {
  it("never shows a broadcast with failures as a plain success", () => {
    const counts = { total: 10, scheduled: 0, queued: 0, sending: 0, sent: 0, delivered: 8, read: 0, failed: 2, canceled: 0, skipped: 0 };
    expect(broadcastStatusLabel({ status: "completed", counts })).toEqual({ label: "Completed with 2 failed", tone: "amber" });
    expect(broadcastStatusLabel({ status: "completed", counts: { ...counts, failed: 0 } })).toEqual({ label: "Completed", tone: "green" });
    expect(broadcastStatusLabel({ status: "completed", counts: { ...counts, delivered: 0, failed: 10 } })).toEqual({ label: "All 10 messages failed", tone: "red" });
    expect(broadcastStatusLabel({ status: "completed", counts: { ...counts, delivered: 0, failed: 0, skipped: 10 } }).label).toBe("Completed: everyone was skipped");
    expect(broadcastStatusLabel({ status: "sending", counts })).toEqual({ label: "Sending", tone: "indigo" });
  });
});
