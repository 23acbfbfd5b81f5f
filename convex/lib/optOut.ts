/** Carrier-style keywords in an inbound text (the whole message, any case, punctuation ignored). */
export const OPT_OUT_KEYWORDS = ["STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "REVOKE", "OPTOUT", "CANCEL"] as const;
export const OPT_IN_KEYWORDS = ["START", "YES", "UNSTOP"] as const;
export const HELP_KEYWORDS = ["HELP", "INFO"] as const;

export type Keyword = "optOut" | "optIn" | "help" | null;

/**
 * What an inbound message asks for. Twilio's own `OptOutType` (STOP/START/HELP, sent when
 * Advanced Opt-Out is on) wins over our reading of the text.
 */
export function keywordOf(body: string, optOutType?: string): Keyword {
  const type = optOutType?.trim().toUpperCase();
  if (type === "STOP") return "optOut";
  if (type === "START") return "optIn";
  if (type === "HELP") return "help";
  const word = body.trim().toUpperCase().replace(/[.!?\s]+$/, "");
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(word)) return "optOut";
  if ((OPT_IN_KEYWORDS as readonly string[]).includes(word)) return "optIn";
  if ((HELP_KEYWORDS as readonly string[]).includes(word)) return "help";
  return null;
}
