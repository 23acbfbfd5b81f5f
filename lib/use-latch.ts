"use client";

import { useState } from "react";

/** False until `value` is first true, then true for good: e.g. code loaded once it is first wanted, then kept. */
export function useLatch(value: boolean): boolean {
  const [latched, setLatched] = useState(value);
  // Adjusting state while rendering (React's pattern for state derived from props): no extra commit.
  if (value && !latched) setLatched(true);
  return latched || value;
}
