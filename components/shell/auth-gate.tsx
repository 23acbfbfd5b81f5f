"use client";

import { useConvexAuth } from "convex/react";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { signInPathFor } from "@/lib/routes";
import { SkeletonRows } from "@/components/ui/skeleton";

/**
 * Renders signed-in pages only once Convex has accepted the session, so their queries never
 * run signed out. The proxy already redirects signed-out requests; this covers a session
 * that ends while the page is open (sign-out in another tab, expiry).
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const { isLoading, isAuthenticated } = useConvexAuth();
  const router = useRouter();
  const pathname = usePathname();

  useEffect(() => {
    if (!isLoading && !isAuthenticated) router.replace(signInPathFor(pathname));
  }, [isLoading, isAuthenticated, pathname, router]);

  if (isLoading) return <SkeletonRows label="Loading your account…" />;
  if (!isAuthenticated) {
    return (
      <p role="status" className="p-4 text-sm text-slate-600">
        Redirecting to sign in…
      </p>
    );
  }
  return <>{children}</>;
}
