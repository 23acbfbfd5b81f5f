"use client";

/**
 * "Send later": a date and time in the viewer's own time zone (named, with its offset), and
 * quick choices. The value is a `datetime-local` string; the composer turns it into an instant.
 */
import { useId } from "react";
import { formatDateTime } from "@/lib/format";
import { parseDateTimeLocalValue, quickScheduleTimes, toDateTimeLocalValue, zoneLabel } from "@/lib/schedule";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { ClockIcon } from "./icons";

export function SchedulePicker({
  value,
  onChange,
  onClear,
  timeZone,
  now,
  error,
  inputRef,
  children,
}: {
  value: string;
  onChange: (value: string) => void;
  onClear: () => void;
  timeZone: string;
  now: number;
  error?: string;
  inputRef?: React.Ref<HTMLInputElement>;
  /** More options for the scheduled send (cancel-on-reply). */
  children?: React.ReactNode;
}) {
  const legendId = useId();
  const at = parseDateTimeLocalValue(value, timeZone);
  const zone = zoneLabel(timeZone, at ?? now);
  return (
    <fieldset aria-labelledby={legendId} className="rounded-lg border border-indigo-200 bg-indigo-50/60 p-3">
      <div className="mb-2 flex items-center justify-between gap-2">
        <span id={legendId} className="inline-flex items-center gap-1.5 text-sm font-medium text-indigo-950">
          <ClockIcon className="size-4" /> Send later
        </span>
        <Button size="sm" variant="ghost" onClick={onClear}>
          Send now instead
        </Button>
      </div>
      <div className="flex flex-wrap items-start gap-x-3 gap-y-2">
        <Input
          ref={inputRef}
          label="Send at"
          type="datetime-local"
          value={value}
          min={toDateTimeLocalValue(Math.ceil(now / 60_000) * 60_000, timeZone)}
          onChange={(e) => onChange(e.target.value)}
          hint={`Your time zone: ${zone}`}
          error={error}
          className="min-w-0 flex-1 basis-56"
        />
        <div className="space-y-1.5">
          <span className="block text-sm font-medium text-slate-800" aria-hidden="true">
            Quick choices
          </span>
          <div className="flex flex-wrap gap-2">
            {quickScheduleTimes(now, timeZone).map((choice) => (
              <Button
                key={choice.label}
                size="sm"
                onClick={() => onChange(toDateTimeLocalValue(choice.at, timeZone))}
                title={formatDateTime(choice.at, { timeZone })}
              >
                {choice.label}
              </Button>
            ))}
          </div>
        </div>
      </div>
      {at !== null && !error ? (
        <p className="mt-2 text-sm text-indigo-950">
          Will be sent <strong className="font-semibold">{formatDateTime(at, { timeZone })}</strong> ({timeZone}).
        </p>
      ) : null}
      {children}
    </fieldset>
  );
}
