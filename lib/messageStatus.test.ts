import { describe, expect, it } from "vitest";
import { canTransition, MESSAGE_STATUSES, type MessageStatus } from "./messageStatus";

const FORWARD: MessageStatus[] = ["scheduled", "queued", "sending", "sent", "delivered", "read"];

describe("status lifecycle", () => {
  it("moves forward along the delivery path, skipping steps a provider may skip", () => {
    expect(canTransition("sending", "delivered")).toBe(true);
    expect(canTransition("sent", "read")).toBe(true);
    expect(canTransition("scheduled", "sending")).toBe(true);
  });

  it("never moves back along the delivery path except a retry from sending to scheduled", () => {
    for (let i = 0; i < FORWARD.length; i++) {
      for (let j = 0; j < i; j++) {
        const allowed = canTransition(FORWARD[i], FORWARD[j]);
        const isRetry =
          (FORWARD[i] === "sending" && FORWARD[j] === "scheduled") ||
          (FORWARD[i] === "queued" && FORWARD[j] === "scheduled");
        expect(allowed, `${FORWARD[i]} → ${FORWARD[j]}`).toBe(isRetry);
      }
    }
  });

  it("ends at canceled, read and received; failed only reopens as a person's retry", () => {
    for (const to of MESSAGE_STATUSES) {
      expect(canTransition("canceled", to)).toBe(false);
      expect(canTransition("read", to)).toBe(false);
      expect(canTransition("received", to)).toBe(false);
      expect(canTransition("failed", to)).toBe(to === "queued");
    }
  });

  it("cannot cancel what has left", () => {
    for (const from of ["sending", "sent", "delivered"] as const) expect(canTransition(from, "canceled")).toBe(false);
  });
});
