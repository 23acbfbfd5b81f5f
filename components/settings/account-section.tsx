"use client";

/**
 * The account: the sign-in email, a display name, the time zone dates are shown and scheduled
 * in, a password change, and signing out.
 */
import { useAction, useQuery } from "convex/react";
import { useId, useMemo, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import { appErrorOf, errorDetail } from "@/lib/app-error";
import { describeError } from "@/lib/errors";
import { MIN_PASSWORD_LENGTH } from "@/lib/password";
import { viewerTimeZone, zoneLabel } from "@/lib/schedule";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/field";
import { SignOutIcon } from "@/components/ui/icons";
import { Skeleton } from "@/components/ui/skeleton";
import { useSignOut } from "@/components/shell/use-sign-out";

type Viewer = { email?: string; name?: string; timeZone?: string };

export function AccountSection() {
  const viewer = useQuery(api.users.viewer);
  const [signOut, signingOut] = useSignOut();
  return (
    <Card title="Account" description="The account you sign in with.">
      <dl className="divide-y divide-slate-100 px-5">
        <div className="grid gap-1 py-3 sm:grid-cols-[10rem_1fr]">
          <dt className="text-sm font-medium text-slate-600">Email</dt>
          <dd className="text-sm break-all text-slate-900">
            {viewer === undefined ? <Skeleton className="h-4 w-48" /> : (viewer?.email ?? "—")}
          </dd>
        </div>
      </dl>
      {viewer ? (
        <>
          <ProfileForm viewer={viewer} />
          <PasswordForm />
        </>
      ) : null}
      <div className="border-t border-slate-200 px-5 py-4">
        <Button onClick={() => void signOut()} loading={signingOut}>
          {signingOut ? null : <SignOutIcon className="size-4" />}
          Sign out
        </Button>
      </div>
    </Card>
  );
}

function supportedZones(): string[] {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
}

function ProfileForm({ viewer }: { viewer: Viewer }) {
  const [name, setName] = useState(viewer.name ?? "");
  const [timeZone, setTimeZone] = useState(viewer.timeZone ?? "");
  const [errors, setErrors] = useState<{ name?: string; timeZone?: string }>({});
  const [update, saving] = useMutationWithToast(api.users.updateProfile);
  const [deviceZone] = useState(() => zoneLabel(viewerTimeZone(), Date.now()));
  const zones = useMemo(() => {
    const all = supportedZones();
    // A saved zone this browser does not list still shows.
    return timeZone && !all.includes(timeZone) ? [timeZone, ...all] : all;
  }, [timeZone]);
  const id = useId();
  // Spaces as the server keeps them, so a saved name reads as unchanged.
  const cleanName = name.trim().replace(/\s+/g, " ");
  const unchanged = cleanName === (viewer.name ?? "") && timeZone === (viewer.timeZone ?? "");

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    await update(
      { name: cleanName || null, timeZone: timeZone || null },
      {
        success: "Saved your account settings",
        handleError: (error) => {
          const field = errorDetail(appErrorOf(error), "field");
          if (field !== "name" && field !== "timeZone") return false;
          setErrors({ [field]: describeError(error) });
          return true;
        },
      },
    );
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} aria-labelledby={`${id}-title`} className="space-y-4 border-t border-slate-200 px-5 py-4">
      <h3 id={`${id}-title`} className="text-sm font-semibold text-slate-900">
        Profile
      </h3>
      <Input label="Display name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoComplete="name" error={errors.name} />
      <Select
        label="Time zone"
        value={timeZone}
        onChange={(e) => setTimeZone(e.target.value)}
        hint="Dates in the inbox, schedules and “send later” use it."
        error={errors.timeZone}
      >
        <option value="">Automatic (this device: {deviceZone})</option>
        {zones.map((zone) => (
          <option key={zone} value={zone}>
            {zone.replace(/_/g, " ")}
          </option>
        ))}
      </Select>
      <Button type="submit" variant="primary" loading={saving} disabled={unchanged}>
        Save
      </Button>
    </form>
  );
}

function PasswordForm() {
  const change = useAction(api.users.changePassword);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<{ current?: string; next?: string; confirm?: string; form?: string }>({});
  const [saving, setSaving] = useState(false);
  const id = useId();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found: typeof errors = {};
    if (!current) found.current = "Enter your current password.";
    if (next.length < MIN_PASSWORD_LENGTH) found.next = `Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`;
    else if (next !== confirm) found.confirm = "The two new passwords differ.";
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      await change({ currentPassword: current, newPassword: next });
      setCurrent("");
      setNext("");
      setConfirm("");
      toast.success("Password changed", { description: "Other devices were signed out." });
    } catch (error) {
      const field = errorDetail(appErrorOf(error), "field");
      const message = describeError(error);
      setErrors(field === "currentPassword" ? { current: message } : field === "newPassword" ? { next: message } : { form: message });
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby={`${id}-title`} className="space-y-4 border-t border-slate-200 px-5 py-4">
      <h3 id={`${id}-title`} className="text-sm font-semibold text-slate-900">
        Change password
      </h3>
      {errors.form ? (
        <p role="alert" className="text-sm text-red-700">
          {errors.form}
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-3">
        <Input label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={errors.current} />
        <Input label="New password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} error={errors.next} hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} />
        <Input label="Repeat new password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.confirm} />
      </div>
      <Button type="submit" loading={saving}>
        Change password
      </Button>
    </form>
  );
}
