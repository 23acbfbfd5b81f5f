"use client";

import { useId } from "react";
import { cn } from "@/lib/cn";
import { THEMES, type Theme } from "@/lib/theme";
import { useTheme } from "@/lib/use-theme";
import { Card } from "@/components/ui/card";

const LABELS: Record<Theme, { title: string; hint: string }> = {
  system: { title: "System", hint: "Follows this device's light or dark setting." },
  light: { title: "Light", hint: "Always light." },
  dark: { title: "Dark", hint: "Always dark." },
};

/** The colour theme of this browser: the system setting, or always light or dark. */
export function AppearanceSection() {
  const [theme, setTheme] = useTheme();
  const name = useId();
  return (
    <Card title="Appearance" description="Kept in this browser; other devices follow their own setting.">
      <fieldset className="px-5 py-4">
        <legend className="sr-only">Theme</legend>
        <div className="grid gap-2 sm:grid-cols-3">
          {THEMES.map((t) => (
            <label
              key={t}
              className={cn(
                "flex cursor-pointer items-start gap-3 rounded-lg border p-3 text-sm",
                "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-indigo-600",
                theme === t ? "border-indigo-600 bg-indigo-50" : "border-slate-300 hover:bg-slate-50",
              )}
            >
              <input
                type="radio"
                name={name}
                value={t}
                checked={theme === t}
                onChange={() => setTheme(t)}
                className="mt-0.5 accent-indigo-600"
              />
              <span>
                <span className="block font-medium text-slate-900">{LABELS[t].title}</span>
                <span className="block text-slate-600">{LABELS[t].hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
    </Card>
  );
}
