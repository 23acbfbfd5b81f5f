import { describe, expect, it } from "vitest";
import { MAX_MEMBERS_PER_CALL as serverLimit } from "../convex/groups";
import { MAX_MEMBERS_PER_CALL } from "./groups";

describe("MAX_MEMBERS_PER_CALL", () => {
  it("matches the backend's per-call limit", () => {
    expect(MAX_MEMBERS_PER_CALL).toBe(serverLimit);
  });
});
