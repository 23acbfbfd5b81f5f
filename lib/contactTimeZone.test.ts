import { describe, expect, it } from "vitest";
import { singleZoneOfRegion, timeZoneOfPhone } from "./contactTimeZone";

describe("time zone from a phone number", () => {
  it("infers the zone of single-zone regions", () => {
    expect(timeZoneOfPhone("+33612345678")).toBe("Europe/Paris");
    expect(timeZoneOfPhone("+447911123456")).toBe("Europe/London");
    expect(timeZoneOfPhone("+4915112345678")).toBe("Europe/Berlin");
    expect(timeZoneOfPhone("+81312345678")).toBe("Asia/Tokyo");
  });
  it("leaves regions with several clocks alone", () => {
    expect(timeZoneOfPhone("+14155550123")).toBeNull(); // US
    expect(timeZoneOfPhone("+79161234567")).toBeNull(); // Russia
    expect(timeZoneOfPhone("+61412345678")).toBeNull(); // Australia
    expect(singleZoneOfRegion("BR")).toBeNull();
  });
  it("gives nothing without a number", () => {
    expect(timeZoneOfPhone(undefined)).toBeNull();
    expect(timeZoneOfPhone("not a number")).toBeNull();
  });
});
