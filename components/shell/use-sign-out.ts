"use client";

import { useAuthActions } from "@convex-dev/auth/react";
import { useMutation } from "convex/react";
import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { api } from "@/convex/_generated/api";
import { SIGN_IN_PATH } from "@/lib/routes";

/**
 * Sign out (clears the session cookies through /api/auth) and go to the sign-in page. This
 * browser stops receiving the account's notifications first: whoever uses it next must not.
 */
export function useSignOut() {
  const { signOut } = useAuthActions();
  const forgetDevice = useMutation(api.notifications.forgetDevice);
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const run = useCallback(async () => {
    setPending(true);
    try {
      // Loaded only now, so nothing of push weighs on every page's first load; never in the way of signing out.
      const subscription = await import("@/lib/pushDevice").then((m) => m.currentPushSubscription()).catch(() => null);
      if (subscription) {
        await forgetDevice({ endpoint: subscription.endpoint }).catch(() => undefined);
        await subscription.unsubscribe().catch(() => false);
      }
      // Convex Auth ignores failures here (e.g. an already expired session) and clears
      // the local session either way.
      await signOut();
    } finally {
      router.replace(SIGN_IN_PATH);
      router.refresh();
    }
  }, [signOut, forgetDevice, router]);
  return [run, pending] as const;
}
