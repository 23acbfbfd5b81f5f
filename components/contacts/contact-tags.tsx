import { Badge } from "@/components/ui/badge";

/** A contact's tags as small badges, the first `max` and a "+n" for the rest. */
export function ContactTags({ tags, max = 3 }: { tags: readonly string[] | undefined; max?: number }) {
  if (!tags?.length) return null;
  const shown = tags.slice(0, max);
  return (
    <span className="flex flex-wrap gap-1">
      {shown.map((t) => (
        <Badge key={t} tone="indigo">
          {t}
        </Badge>
      ))}
      {tags.length > max ? (
        <Badge>
          +{tags.length - max}
          <span className="sr-only"> more: {tags.slice(max).join(", ")}</span>
        </Badge>
      ) : null}
    </span>
  );
}
