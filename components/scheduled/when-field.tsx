"use client";

import { quickScheduleTimes, toDateTimeLocalValue, zoneLabel } from "@/lib/schedule";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";

/**
 * A date and time in the viewer's time zone (named under the field), with quick choices.
 * `value` is the datetime-local string; read it with parseDateTimeLocalValue(value, timeZone).
 */
export function WhenField({
  label,
  name,
  value,
  onChange,
  error,
  now,
  timeZone,
  ref,
}: {
  label: string;
  name?: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  now: number;
  timeZone: string;
  ref?: React.Ref<HTMLInputElement>;
}) {
  return (
    <div className="space-y-2">
      <Input
        ref={ref}
        label={label}
        name={name}
        type="datetime-local"
        value={value}
        // Whole minutes: a min with seconds would make the browser show (and step) seconds.
        min={toDateTimeLocalValue(Math.floor(now / 60_000) * 60_000, timeZone)}
        step={60}
        onChange={(e) => onChange(e.target.value)}
        hint={`In your time zone: ${zoneLabel(timeZone, now)}.`}
        error={error}
      />
      <div className="flex flex-wrap gap-2">
        {quickScheduleTimes(now, timeZone).map((q) => (
          <Button key={q.label} size="sm" variant="ghost" className="border border-slate-200" onClick={() => onChange(toDateTimeLocalValue(q.at, timeZone))}>
            {q.label}
          </Button>
        ))}
      </div>
    </div>
  );
}
