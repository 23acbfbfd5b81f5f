"use client";

/**
 * Settings → Notifications: turn push notifications on for this device (the permission is asked
 * only by that button), see and remove the devices that get them, choose what notifies you, and
 * the optional sound. Loaded on demand (notifications-section-lazy.tsx).
 */
import { useQuery } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { formatDateTime, formatShortDate } from "@/lib/format";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { usePushDevice, type PushDeviceState } from "@/lib/use-push-device";
import { useSoundSetting } from "@/lib/use-sound-setting";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/field";
import { Skeleton, SkeletonRows } from "@/components/ui/skeleton";

export default function NotificationsSection() {
  const settings = useQuery(api.notifications.settings);
  const device = usePushDevice(settings?.vapidPublicKey);
  const endpoint = device.state.status === "on" ? device.state.endpoint : undefined;
  const devices = useQuery(api.notifications.devices, endpoint ? { thisEndpoint: endpoint } : {});

  return (
    <Card
      title="Notifications"
      description="Get a notification on your phone or computer when a customer writes, a message cannot be sent, or a broadcast finishes, even with the inbox closed. Mute a single conversation from its header."
    >
      <div className="divide-y divide-slate-100">
        <section aria-labelledby="this-device" className="px-5 py-4">
          <h3 id="this-device" className="text-sm font-semibold text-slate-900">This device</h3>
          {settings === undefined || devices === undefined ? (
            <Skeleton className="mt-2 h-9 w-64" />
          ) : (
            <ThisDevice
              configured={settings.vapidPublicKey !== null}
              state={device.state}
              // The browser may still hold a subscription the server forgot (removed from another device).
              registered={devices.some((d) => d.current)}
              busy={device.busy}
              onEnable={async () => {
                try {
                  await device.enable();
                  toast.success("Notifications are on for this device");
                } catch (error) {
                  toast.error(error instanceof Error ? error.message : "Notifications could not be turned on.");
                }
              }}
              onDisable={async () => {
                try {
                  await device.disable();
                  toast.success("Notifications are off for this device");
                } catch {
                  toast.error("Notifications could not be turned off. Try again.");
                }
              }}
            />
          )}
        </section>
        <Preferences settings={settings} />
        <SoundSetting />
        <section aria-labelledby="devices" className="px-5 py-4">
          <h3 id="devices" className="text-sm font-semibold text-slate-900">Devices that get notifications</h3>
          {devices === undefined ? <SkeletonRows rows={2} label="Loading devices…" /> : <Devices devices={devices} />}
        </section>
      </div>
    </Card>
  );
}

function ThisDevice({
  configured,
  state,
  registered,
  busy,
  onEnable,
  onDisable,
}: {
  configured: boolean;
  state: PushDeviceState;
  registered: boolean;
  busy: boolean;
  onEnable: () => Promise<void>;
  onDisable: () => Promise<void>;
}) {
  const note = (text: string) => <p className="mt-1 text-sm text-slate-600">{text}</p>;
  if (!configured) return note("Push notifications are not set up on this server: it needs VAPID keys (npm run setup writes them).");
  if (state.status === "loading") return <Skeleton className="mt-2 h-9 w-64" />;
  if (state.status === "unsupported") return note(state.reason);
  if (state.status === "denied") {
    return note("Notifications are blocked for this site. Allow them in the browser's site settings, then come back here.");
  }
  if (state.status === "on" && registered) {
    return (
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <Badge tone="green">On</Badge>
        <span className="text-sm text-slate-700">This device gets notifications, except while you are using the inbox on it.</span>
        <Button size="sm" onClick={() => void onDisable()} loading={busy}>
          Turn off on this device
        </Button>
      </div>
    );
  }
  return (
    <div className="mt-2 flex flex-wrap items-center gap-3">
      <Button variant="primary" onClick={() => void onEnable()} loading={busy}>
        Turn on notifications
      </Button>
      <span className="text-sm text-slate-600">Your browser will ask for permission.</span>
    </div>
  );
}

type Settings = FunctionReturnType<typeof api.notifications.settings>;

function Preferences({ settings }: { settings: Settings | undefined }) {
  const [update] = useMutationWithToast(api.notifications.updateSettings);
  return (
    <fieldset className="px-5 py-4" disabled={settings === undefined}>
      <legend className="float-left mb-2 w-full text-sm font-semibold text-slate-900">What notifies you</legend>
      <div className="clear-both space-y-2 text-sm text-slate-800">
        <label className="flex items-center gap-2">
          <Checkbox
            checked={settings?.newMessages === "all"}
            onChange={(e) => void update({ newMessages: e.target.checked ? "all" : "none" })}
          />
          New messages from customers
        </label>
        <label className="flex items-center gap-2">
          <Checkbox checked={settings?.failedSends ?? false} onChange={(e) => void update({ failedSends: e.target.checked })} />
          A message could not be sent
        </label>
        <label className="flex items-center gap-2">
          <Checkbox checked={settings?.broadcasts ?? false} onChange={(e) => void update({ broadcasts: e.target.checked })} />
          A broadcast finished
        </label>
      </div>
    </fieldset>
  );
}

function SoundSetting() {
  const [on, setOn] = useSoundSetting();
  return (
    <div className="px-5 py-4">
      <label className="flex items-center gap-2 text-sm text-slate-800">
        <Checkbox checked={on} onChange={(e) => setOn(e.target.checked)} />
        Play a sound when a message arrives while the inbox is open
      </label>
      <p className="mt-1 pl-6 text-xs text-slate-600">A setting of this browser only.</p>
    </div>
  );
}

type Device = { id: Id<"pushSubscriptions">; label: string; createdAt: number; lastSentAt: number | null; lastError: string | null; current: boolean };

function Devices({ devices }: { devices: Device[] }) {
  const [remove] = useMutationWithToast(api.notifications.removeDevice);
  const [removing, setRemoving] = useState<Id<"pushSubscriptions"> | null>(null);
  if (devices.length === 0) return <p className="mt-1 text-sm text-slate-600">None yet. Turn notifications on above, on each device you use.</p>;
  return (
    <ul className="mt-2 divide-y divide-slate-100 rounded-lg border border-slate-200">
      {devices.map((d) => (
        <li key={d.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
          <div className="min-w-0">
            <p className="flex items-center gap-2 text-sm font-medium text-slate-900">
              {d.label}
              {d.current ? <Badge tone="indigo">This device</Badge> : null}
            </p>
            <p className="text-xs text-slate-600">
              Added {formatShortDate(d.createdAt)}
              {d.lastSentAt !== null ? <> · last notified <time dateTime={new Date(d.lastSentAt).toISOString()}>{formatDateTime(d.lastSentAt)}</time></> : null}
            </p>
            {d.lastError ? <p className="text-xs text-red-700">The push service refused the last notification: {d.lastError}</p> : null}
          </div>
          <Button
            size="sm"
            variant="danger-ghost"
            loading={removing === d.id}
            onClick={async () => {
              setRemoving(d.id);
              await remove({ deviceId: d.id }, { success: `${d.label} no longer gets notifications` });
              setRemoving(null);
            }}
          >
            Remove<span className="sr-only"> {d.label}</span>
          </Button>
        </li>
      ))}
    </ul>
  );
}
