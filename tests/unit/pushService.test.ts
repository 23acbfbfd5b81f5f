// @vitest-environment node
/** The fake push service's decryption is checked against RFC 8291's own example, so it is an independent oracle. */
import { describe, expect, it } from "vitest";
import { decryptPush, fromBase64Url, importDeviceKeys } from "../fakes/pushService";

// RFC 8291, Appendix A ("Intermediate Values for Encryption").
const RFC8291 = {
  plaintext: "When I grow up, I want to be a watermelon",
  uaPrivate: "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
  uaPublic: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
  authSecret: "BTBZMqHH6r4Tts7J_aSIgg",
  body:
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
};

describe("fake push service decryption", () => {
  it("decrypts RFC 8291's example message with the user agent's keys", async () => {
    const device = await importDeviceKeys(RFC8291.uaPrivate, RFC8291.uaPublic, RFC8291.authSecret);
    expect(await decryptPush(fromBase64Url(RFC8291.body), device)).toBe(RFC8291.plaintext);
  });

  it("refuses a tampered message and the wrong auth secret", async () => {
    const device = await importDeviceKeys(RFC8291.uaPrivate, RFC8291.uaPublic, RFC8291.authSecret);
    const body = fromBase64Url(RFC8291.body);
    body[body.length - 1] ^= 1;
    await expect(decryptPush(body, device)).rejects.toThrow();
    const wrongAuth = await importDeviceKeys(RFC8291.uaPrivate, RFC8291.uaPublic, "AAAAAAAAAAAAAAAAAAAAAA");
    await expect(decryptPush(fromBase64Url(RFC8291.body), wrongAuth)).rejects.toThrow();
  });
});
