"use client";

import { useQuery } from "convex/react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { buttonClasses } from "@/components/ui/button";
import { BellIcon, BellOffIcon } from "./icons";

/** Mute a conversation's notifications (its new messages stop pushing; the inbox still shows them). */
export function MuteButton({ contactId, name }: { contactId: Id<"contacts">; name: string }) {
  const muted = useQuery(api.notifications.muted, { contactId });
  const [setMuted, pending] = useMutationWithToast(api.notifications.setMuted);
  const label = muted ? `Unmute notifications from ${name}` : `Mute notifications from ${name}`;
  return (
    <button
      type="button"
      aria-pressed={muted ?? false}
      disabled={muted === undefined || pending}
      title={label}
      onClick={() => void setMuted({ contactId, muted: !muted }, { success: muted ? `${name} notifies you again` : `${name} is muted` })}
      className={buttonClasses({ variant: "ghost", size: "sm", className: "px-1.5" })}
    >
      {muted ? <BellOffIcon className="size-5 text-slate-500" /> : <BellIcon className="size-5" />}
      <span className="sr-only">{label}</span>
    </button>
  );
}
