import { ConvexAuthNextjsServerProvider } from "@convex-dev/auth/nextjs/server";
import type { Metadata, Viewport } from "next";
import { ConvexClientProvider } from "@/components/providers/convex-client-provider";
import { THEME_BOOT_SCRIPT } from "@/lib/theme";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Unified Inbox", template: "%s · Unified Inbox" },
  description: "SMS, WhatsApp and email conversations with your customers, in one live inbox.",
  // Installable as an app (public/manifest.webmanifest, public/sw.js); iOS reads these from the page.
  manifest: "/manifest.webmanifest",
  appleWebApp: { capable: true, title: "Inbox", statusBarStyle: "default" },
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#4f46e5" },
    { media: "(prefers-color-scheme: dark)", color: "#0f172b" },
  ],
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    // Reads the auth cookies on the server so the client starts with the session token.
    <ConvexAuthNextjsServerProvider shouldHandleCode={false}>
      {/* The theme script sets a class on <html> before React hydrates: not a mismatch to report. */}
      <html lang="en" suppressHydrationWarning>
        <head>
          <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
        </head>
        <body className="min-h-dvh bg-slate-50 text-slate-900 antialiased">
          <ConvexClientProvider>{children}</ConvexClientProvider>
        </body>
      </html>
    </ConvexAuthNextjsServerProvider>
  );
}
