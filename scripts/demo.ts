/**
 * Demo data on a running local emulator: a demo account signed up through Convex Auth's real
 * action, then `demo:seed` (contacts, groups, a conversation history) through the emulator's
 * admin endpoint. `npm run dev -- --demo` does this at start-up; `npm run demo` against a
 * running `npm run dev`.
 */
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import { readEnvFile } from "./env-file";

export const DEMO_EMAIL = "demo@example.com";
export const DEMO_PASSWORD = "demo-inbox-password";

const signIn = makeFunctionReference<"action">("auth:signIn");

/** Sign up the demo user and seed its data; does nothing if the account exists already. */
export async function seedDemo(url: string, log: (line: string) => void = console.log): Promise<void> {
  const client = new ConvexHttpClient(url);
  const attempt = async (flow: "signIn" | "signUp") => {
    try {
      await client.action(signIn, {
        provider: "password",
        params: { email: DEMO_EMAIL, password: DEMO_PASSWORD, flow },
      });
      return "ok";
    } catch (error) {
      if (error instanceof ConvexError) return (error.data as { code?: string })?.code ?? "error";
      throw error;
    }
  };
  // Convex Auth treats signing up again with the same password as signing in, so ask first.
  if ((await attempt("signIn")) === "ok") {
    log(`demo: ${DEMO_EMAIL} exists already; its data is left as it is.`);
    return;
  }
  const signedUp = await attempt("signUp");
  if (signedUp !== "ok") throw new Error(`could not sign up ${DEMO_EMAIL}: ${signedUp}`);
  const response = await fetch(`${url}/_emulator/run`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path: "demo:seed", args: { email: DEMO_EMAIL }, kind: "mutation" }),
  });
  const result = (await response.json()) as {
    status: string;
    value?: unknown;
    code?: string;
    errorMessage?: string;
  };
  if (result.code === "FunctionNotFound") {
    log("demo: the app has no demo:seed function yet, so the demo account starts empty.");
  } else if (result.status !== "success") {
    throw new Error(`demo:seed failed: ${result.errorMessage}`);
  } else {
    log(`demo: seeded ${JSON.stringify(result.value)}`);
  }
}

async function main() {
  const url =
    process.env.NEXT_PUBLIC_CONVEX_URL ?? readEnvFile().NEXT_PUBLIC_CONVEX_URL ?? "http://127.0.0.1:3210";
  await seedDemo(url);
  console.log(`Sign in with ${DEMO_EMAIL} / ${DEMO_PASSWORD}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    console.error("Is the emulator running (npm run dev)?");
    process.exit(1);
  });
}
