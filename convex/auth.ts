import { Password } from "@convex-dev/auth/providers/Password";
import { convexAuth } from "@convex-dev/auth/server";
import { ConvexError } from "convex/values";
import { normalizeEmail } from "./lib/email";
import { MIN_PASSWORD_LENGTH } from "../lib/password";
import type { MutationCtx } from "./_generated/server";
import { appError } from "./lib/errors";
import { provisionSimulatorSenders } from "./lib/senders";

const SESSION_MS = 7 * 24 * 60 * 60 * 1000;

const password = Password({
  profile(params): { email: string; name?: string } & Record<string, string> {
    const email = normalizeEmail(String(params.email ?? ""));
    if (email === null) throw appError("INVALID_EMAIL");
    const name = typeof params.name === "string" ? params.name.trim().slice(0, 100) : "";
    const profile: { email: string; name?: string } & Record<string, string> = { email };
    if (name) profile.name = name;
    return profile;
  },
  validatePasswordRequirements(secret) {
    if (secret.length < MIN_PASSWORD_LENGTH) throw appError("WEAK_PASSWORD");
  },
});

/** Convex Auth's plain-Error reasons, mapped to codes the sign-in page can show. */
function toAppError(error: unknown): unknown {
  if (error instanceof ConvexError) return error;
  const message = error instanceof Error ? error.message : "";
  if (/already exists/.test(message)) return appError("ACCOUNT_EXISTS");
  if (/TooManyFailedAttempts/.test(message)) return appError("TOO_MANY_ATTEMPTS");
  if (/InvalidSecret|InvalidAccountId|Invalid credentials/.test(message)) {
    return appError("INVALID_CREDENTIALS");
  }
  return error;
}

// Password() keeps its settings in `options`; wrap its authorize so failures carry codes
// (production redacts plain Errors to "Server Error"). Fail loudly if a library upgrade
// moves it, rather than silently losing the codes.
type Authorize = (params: Record<string, unknown>, ctx: unknown) => Promise<unknown>;
const options = (password as unknown as { options?: { authorize?: Authorize } }).options;
const authorize = options?.authorize;
if (!options || !authorize) throw new Error("@convex-dev/auth Password provider shape changed");
options.authorize = async (params, ctx) => {
  try {
    return await authorize(params, ctx);
  } catch (error) {
    throw toAppError(error);
  }
};

export const { auth, signIn, signOut, store, isAuthenticated } = convexAuth({
  providers: [password],
  session: { totalDurationMs: SESSION_MS },
  callbacks: {
    // A new account can send at once: simulator senders for channels without provider credentials.
    async afterUserCreatedOrUpdated(ctx, { userId, existingUserId }) {
      if (existingUserId === null) await provisionSimulatorSenders(ctx as unknown as MutationCtx, userId);
    },
  },
});
