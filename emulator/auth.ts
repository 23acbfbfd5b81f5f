/**
 * Verifies the JWTs clients send (Convex Auth's, or any provider in convex/auth.config.ts) the
 * way a Convex deployment does, and turns them into the identity functions see.
 * Keys come from the provider's JWKS; for a provider on this deployment's own site URL (Convex
 * Auth) that is the app's own `/.well-known/jwks.json` route, called in-process.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import type { Engine, Identity } from "./engine";

type Provider =
  | { type?: undefined; domain: string; applicationID: string }
  | { type: "customJwt"; issuer: string; jwks: string; algorithm: "RS256" | "ES256"; applicationID?: string };

export class AuthFailure extends Error {}

/** Identity attributes and the JWT claims they come from (as documented on UserIdentity). */
const CLAIMS: Record<string, string> = {
  name: "name",
  given_name: "givenName",
  family_name: "familyName",
  nickname: "nickname",
  preferred_username: "preferredUsername",
  profile: "profileUrl",
  picture: "pictureUrl",
  email: "email",
  email_verified: "emailVerified",
  gender: "gender",
  birthdate: "birthday",
  zoneinfo: "timezone",
  locale: "language",
  phone_number: "phoneNumber",
  phone_number_verified: "phoneNumberVerified",
  address: "address",
  updated_at: "updatedAt",
};
const REGISTERED = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti"]);

const trimSlash = (url: string) => url.replace(/\/+$/, "");

export class TokenVerifier {
  private providers: Provider[] | null = null;
  private readonly keySets = new Map<string, ReturnType<typeof createLocalJWKSet>>();

  constructor(private readonly engine: Engine) {}

  /** convex/auth.config.ts as the deployment evaluated it (from the isolate bundle). */
  private async loadProviders(): Promise<Provider[]> {
    if (this.providers) return this.providers;
    const config = this.engine.module("auth.config")?.default as { providers?: Provider[] } | undefined;
    this.providers = (config?.providers ?? []).map((p) => ({ ...p }));
    return this.providers;
  }

  /** Forget the providers and keys (the functions were reloaded). */
  reset() {
    this.providers = null;
    this.keySets.clear();
  }

  /** Fetch a URL, in-process when it is on this deployment's site. */
  private async get(url: string): Promise<Response> {
    if (new URL(url).origin === new URL(this.engine.siteUrl).origin) {
      return this.engine.fetch(new Request(url), null);
    }
    return fetch(url);
  }

  private async keySet(jwksUrl: string, refresh: boolean) {
    let keys = refresh ? undefined : this.keySets.get(jwksUrl);
    if (!keys) {
      const response = await this.get(jwksUrl);
      if (!response.ok)
        throw new AuthFailure(`Could not fetch the JWKS at ${jwksUrl}: HTTP ${response.status}`);
      keys = createLocalJWKSet((await response.json()) as JSONWebKeySet);
      this.keySets.set(jwksUrl, keys);
    }
    return keys;
  }

  private async jwksUrl(provider: Provider): Promise<string> {
    if (provider.type === "customJwt") return provider.jwks;
    const response = await this.get(`${trimSlash(provider.domain)}/.well-known/openid-configuration`);
    if (!response.ok) throw new AuthFailure(`Could not fetch the OpenID configuration of ${provider.domain}`);
    const { jwks_uri } = (await response.json()) as { jwks_uri?: string };
    if (!jwks_uri) throw new AuthFailure(`The OpenID configuration of ${provider.domain} has no jwks_uri`);
    return jwks_uri;
  }

  /** Verify `token`; the identity it carries, and when it expires (ms since epoch, if it does). */
  async verify(token: string): Promise<{ identity: Identity; expiresAt: number | null }> {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw new AuthFailure("Could not parse the token as a JWT.");
    }
    const audiences = typeof claims.aud === "string" ? [claims.aud] : (claims.aud ?? []);
    const providers = await this.loadProviders();
    const provider = providers.find((p) =>
      p.type === "customJwt"
        ? trimSlash(p.issuer) === trimSlash(claims.iss ?? "") &&
          (!p.applicationID || audiences.includes(p.applicationID))
        : trimSlash(p.domain) === trimSlash(claims.iss ?? "") && audiences.includes(p.applicationID),
    );
    if (!provider) {
      throw new AuthFailure(
        `No auth provider found matching the given token (issuer ${claims.iss}, audience ${audiences.join(",")}). ` +
          "Check convex/auth.config.ts.",
      );
    }
    const jwksUrl = await this.jwksUrl(provider);
    const options = {
      issuer: claims.iss,
      audience: provider.applicationID,
      algorithms: provider.type === "customJwt" ? [provider.algorithm] : ["RS256", "ES256"],
    };
    let payload: JWTPayload;
    try {
      payload = (await jwtVerify(token, await this.keySet(jwksUrl, false), options)).payload;
    } catch (first) {
      // The keys may have changed (e.g. .env.local regenerated): fetch them once more.
      try {
        payload = (await jwtVerify(token, await this.keySet(jwksUrl, true), options)).payload;
      } catch {
        throw new AuthFailure(
          `Could not verify the token: ${(first as Error).message}. Check that its signature is valid and it has not expired.`,
        );
      }
    }
    if (!payload.sub) throw new AuthFailure("The token has no subject (sub) claim.");
    const identity: Identity = {
      subject: payload.sub,
      issuer: payload.iss!,
      tokenIdentifier: `${payload.iss}|${payload.sub}`,
    };
    const extra = identity as Record<string, unknown>;
    for (const [claim, value] of Object.entries(payload)) {
      if (REGISTERED.has(claim)) continue;
      extra[CLAIMS[claim] ?? claim] = value;
    }
    return { identity, expiresAt: payload.exp ? payload.exp * 1000 : null };
  }
}
