import { z } from "zod";

const emailSchema = z.email();

/** Trim and lower-case an email address; null when it is not valid. */
export function normalizeEmail(input: string): string | null {
  const email = input.trim().toLowerCase();
  if (email.length > 254) return null;
  return emailSchema.safeParse(email).success ? email : null;
}
