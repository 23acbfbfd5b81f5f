"use client";

import { useQuery } from "convex/react";
import { api } from "@/convex/_generated/api";
import type { Channel } from "@/convex/schema";

export type SendersInfo = NonNullable<ReturnType<typeof useSenders>>;

/** The account's senders, which providers the deployment has, and its webhook URLs (undefined while loading). */
export function useSenders() {
  return useQuery(api.senders.list);
}

/** The channels whose messages go through the simulator (their provider is not configured). */
export function simulatedChannels(configured: { twilio: boolean; resend: boolean }): Channel[] {
  return [...(configured.twilio ? [] : (["sms", "whatsapp"] as const)), ...(configured.resend ? [] : (["email"] as const))];
}

