"use client";

import { ConvexAuthNextjsProvider } from "@convex-dev/auth/nextjs";
import { ConvexReactClient } from "convex/react";
import type { ReactNode } from "react";
import { Toaster } from "sonner";
import { useTheme } from "@/lib/use-theme";

const convexUrl = process.env.NEXT_PUBLIC_CONVEX_URL;
if (!convexUrl) {
  throw new Error("NEXT_PUBLIC_CONVEX_URL is not set: run `npm run setup` (or `npm run dev`) to write .env.local.");
}

// One client for the whole app: it holds the reactive WebSocket connection.
const convex = new ConvexReactClient(convexUrl);

export function ConvexClientProvider({ children }: { children: ReactNode }) {
  const [theme] = useTheme();
  return (
    <ConvexAuthNextjsProvider client={convex}>
      {children}
      {/* Top centre: never over the composer's Send button or the phone's tab bar. */}
      <Toaster position="top-center" theme={theme} richColors closeButton />
    </ConvexAuthNextjsProvider>
  );
}
