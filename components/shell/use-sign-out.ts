"use client";

import { useAuthActions } from "@convex-dev/auth/react";
import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { SIGN_IN_PATH } from "@/lib/routes";

/** Sign out (clears the session cookies through /api/auth) and go to the sign-in page. */
export function useSignOut() {
  const { signOut } = useAuthActions();
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const run = useCallback(async () => {
    setPending(true);
    try {
      // Convex Auth ignores failures here (e.g. an already expired session) and clears
      // the local session either way.
      await signOut();
    } finally {
      router.replace(SIGN_IN_PATH);
      router.refresh();
    }
  }, [signOut, router]);
  return [run, pending] as const;
}
