import { cn } from "@/lib/cn";
import { initials } from "@/lib/initials";

const TONES = [
  "bg-indigo-100 text-indigo-800",
  "bg-emerald-100 text-emerald-800",
  "bg-amber-100 text-amber-900",
  "bg-sky-100 text-sky-800",
  "bg-rose-100 text-rose-800",
  "bg-violet-100 text-violet-800",
];

/** A contact's initials in a coloured circle (the same colour for the same name). Decorative. */
export function Avatar({ name, className }: { name: string; className?: string }) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return (
    <span
      aria-hidden="true"
      dir="auto"
      className={cn("grid size-10 shrink-0 place-items-center rounded-full text-sm font-semibold", TONES[hash % TONES.length], className)}
    >
      {initials(name)}
    </span>
  );
}
