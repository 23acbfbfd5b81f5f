"use client";

import { useQuery } from "convex/react";
import { useMemo } from "react";
import { api } from "@/convex/_generated/api";
import { viewerTimeZone } from "./schedule";

/**
 * The time zone dates are shown and scheduled in: the account's (Settings → Account) when set,
 * else this device's.
 */
export function useTimeZone(): string {
  const viewer = useQuery(api.users.viewer);
  const device = useMemo(() => viewerTimeZone(), []);
  return viewer?.timeZone ?? device;
}
