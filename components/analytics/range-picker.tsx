"use client";

import { useState, type FormEvent } from "react";
import { checkRange, formatDay, MAX_RANGE_DAYS, presetRange, RANGE_PRESETS, utcDay, type DayRange, type RangePreset } from "@/lib/analyticsRange";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";

export type RangeChoice = { kind: "preset"; days: RangePreset } | { kind: "custom"; range: DayRange };

/** The range of a choice: presets end today (UTC), read when asked so they follow the date. */
export function rangeOf(choice: RangeChoice, now: number): DayRange {
  return choice.kind === "preset" ? presetRange(choice.days, now) : choice.range;
}

/** Presets (7/30/90 days) as toggle buttons, and a custom from–to form (UTC days). */
export function RangePicker({ choice, onChange, now }: { choice: RangeChoice; onChange: (choice: RangeChoice) => void; now: number }) {
  const [customOpen, setCustomOpen] = useState(choice.kind === "custom");
  const [errors, setErrors] = useState<{ from?: string; to?: string }>({});
  const current = rangeOf(choice, now);
  const today = utcDay(now);

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const result = checkRange(String(form.get("from") ?? ""), String(form.get("to") ?? ""));
    if (!result.ok) {
      setErrors({ [result.field]: result.message });
      return;
    }
    setErrors({});
    onChange({ kind: "custom", range: result.range });
  }

  return (
    <div className="space-y-3">
      <div role="group" aria-label="Date range" className="flex flex-wrap gap-2">
        {RANGE_PRESETS.map((days) => {
          const pressed = choice.kind === "preset" && choice.days === days && !customOpen;
          return (
            <Button
              key={days}
              size="sm"
              variant={pressed ? "primary" : "secondary"}
              aria-pressed={pressed}
              onClick={() => {
                setCustomOpen(false);
                setErrors({});
                onChange({ kind: "preset", days });
              }}
            >
              Last {days} days
            </Button>
          );
        })}
        <Button
          size="sm"
          variant={customOpen ? "primary" : "secondary"}
          aria-pressed={customOpen}
          onClick={() => setCustomOpen(true)}
        >
          Custom
        </Button>
      </div>
      {customOpen ? (
        <form onSubmit={apply} noValidate className="flex flex-wrap items-start gap-3" aria-label="Custom date range">
          <Input label="From" name="from" type="date" defaultValue={current.from} max={today} error={errors.from} className="w-44" />
          <Input label="To" name="to" type="date" defaultValue={current.to} max={today} error={errors.to} className="w-44" />
          <Button type="submit" className="mt-7">
            Apply
          </Button>
          <p className="basis-full text-xs text-slate-600">Up to {MAX_RANGE_DAYS} days, both ends included.</p>
        </form>
      ) : null}
      <p className="text-sm text-slate-700">
        <span className="font-medium text-slate-900">
          {formatDay(current.from, { withYear: true })} – {formatDay(current.to, { withYear: true })}
        </span>{" "}
        <span className="text-slate-600">· Days are UTC</span>
      </p>
    </div>
  );
}
