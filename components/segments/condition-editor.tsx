"use client";

/** One segment condition as form controls: its kind, then what that kind needs. */
import type { Doc, Id } from "@/convex/_generated/dataModel";
import type { Condition } from "@/convex/schema";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";

type Kind = Condition["kind"] | "lastReceived" | "lastSent" | "optedIn";

export const KIND_LABELS: Record<Exclude<Kind, "lastMessage" | "optedOut">, string> & { optedOut: string } = {
  tag: "Tag",
  field: "Custom field",
  reachable: "Reachable by",
  optedOut: "Opted out of",
  optedIn: "Opted in to",
  lastReceived: "Last message received",
  lastSent: "Last message sent",
  repliedToBroadcast: "Replied to a broadcast",
  import: "Created by an import",
};

function kindOf(c: Condition): Kind {
  if (c.kind === "lastMessage") return c.direction === "inbound" ? "lastReceived" : "lastSent";
  if (c.kind === "optedOut") return c.optedOut ? "optedOut" : "optedIn";
  return c.kind;
}

/** A fresh condition of a kind, with sensible defaults. */
export function newCondition(kind: Kind, fields: Doc<"customFields">[], imports: Doc<"imports">[]): Condition {
  switch (kind) {
    case "tag":
      return { kind: "tag", has: true, tag: "" };
    case "field":
      return { kind: "field", key: fields[0]?.key ?? "", op: "isSet" };
    case "reachable":
      return { kind: "reachable", channel: "sms" };
    case "optedOut":
      return { kind: "optedOut", channel: "sms", optedOut: true };
    case "optedIn":
      return { kind: "optedOut", channel: "sms", optedOut: false };
    case "lastReceived":
    case "lastSent":
    case "lastMessage":
      return { kind: "lastMessage", direction: kind === "lastSent" ? "outbound" : "inbound", op: "after", daysAgo: 30 };
    case "repliedToBroadcast":
      return { kind: "repliedToBroadcast", replied: true };
    case "import":
      return { kind: "import", importId: (imports[0]?._id ?? "") as Id<"imports"> };
  }
}

export function ConditionEditor({
  index,
  condition,
  fields,
  imports,
  tags,
  onChange,
  onRemove,
}: {
  index: number;
  condition: Condition;
  fields: Doc<"customFields">[];
  imports: Doc<"imports">[];
  tags: string[];
  onChange: (c: Condition) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  const kind = kindOf(condition);
  const kinds = (Object.keys(KIND_LABELS) as Kind[]).filter((k) => (k !== "field" || fields.length > 0) && (k !== "import" || imports.length > 0));
  return (
    <div className="flex flex-wrap items-end gap-2 rounded-md border border-slate-200 p-3" data-testid="segment-condition">
      <Select label={`Condition ${n}`} value={kind} onChange={(e) => onChange(newCondition(e.target.value as Kind, fields, imports))} className="w-48">
        {kinds.map((k) => (
          <option key={k} value={k}>
            {KIND_LABELS[k as keyof typeof KIND_LABELS]}
          </option>
        ))}
      </Select>
      <Details condition={condition} n={n} fields={fields} imports={imports} tags={tags} onChange={onChange} />
      <Button variant="ghost" size="sm" onClick={onRemove}>
        Remove<span className="sr-only"> condition {n}</span>
      </Button>
    </div>
  );
}

function ChannelSelect({ n, value, onChange }: { n: number; value: "sms" | "whatsapp" | "email"; onChange: (v: "sms" | "whatsapp" | "email") => void }) {
  return (
    <Select label={`Channel of condition ${n}`} hideLabel value={value} onChange={(e) => onChange(e.target.value as "sms")} className="w-36">
      <option value="sms">SMS</option>
      <option value="whatsapp">WhatsApp</option>
      <option value="email">Email</option>
    </Select>
  );
}

function Details({
  condition: c,
  n,
  fields,
  imports,
  tags,
  onChange,
}: {
  condition: Condition;
  n: number;
  fields: Doc<"customFields">[];
  imports: Doc<"imports">[];
  tags: string[];
  onChange: (c: Condition) => void;
}) {
  switch (c.kind) {
    case "tag":
      return (
        <>
          <Select label={`Has or lacks (condition ${n})`} hideLabel value={c.has ? "has" : "lacks"} onChange={(e) => onChange({ ...c, has: e.target.value === "has" })} className="w-32">
            <option value="has">has</option>
            <option value="lacks">does not have</option>
          </Select>
          <Input label={`Tag (condition ${n})`} hideLabel placeholder="Tag" value={c.tag} list="segment-tags" onChange={(e) => onChange({ ...c, tag: e.target.value })} className="w-44" />
          <datalist id="segment-tags">{tags.map((t) => <option key={t} value={t} />)}</datalist>
        </>
      );
    case "field": {
      const def = fields.find((f) => f.key === c.key);
      const ops = def?.type === "number" || def?.type === "date" ? ["is", "isNot", "gt", "lt", "isSet", "isEmpty"] : def?.type === "text" ? ["is", "isNot", "contains", "isSet", "isEmpty"] : ["is", "isNot", "isSet", "isEmpty"];
      const needsValue = c.op !== "isSet" && c.op !== "isEmpty";
      return (
        <>
          <Select label={`Field (condition ${n})`} hideLabel value={c.key} onChange={(e) => onChange({ kind: "field", key: e.target.value, op: "isSet" })} className="w-40">
            {fields.map((f) => (
              <option key={f.key} value={f.key}>
                {f.label}
              </option>
            ))}
          </Select>
          <Select label={`Comparison (condition ${n})`} hideLabel value={c.op} onChange={(e) => onChange({ ...c, op: e.target.value as "is" })} className="w-36">
            {ops.map((op) => (
              <option key={op} value={op}>
                {{ is: "is", isNot: "is not", contains: "contains", gt: def?.type === "date" ? "is after" : "is more than", lt: def?.type === "date" ? "is before" : "is less than", isSet: "is set", isEmpty: "is empty" }[op]}
              </option>
            ))}
          </Select>
          {needsValue ? <FieldValueInput n={n} def={def} value={c.value} onChange={(value) => onChange({ ...c, value })} /> : null}
        </>
      );
    }
    case "reachable":
      return <ChannelSelect n={n} value={c.channel} onChange={(channel) => onChange({ ...c, channel })} />;
    case "optedOut":
      return <ChannelSelect n={n} value={c.channel} onChange={(channel) => onChange({ ...c, channel })} />;
    case "lastMessage":
      return (
        <>
          <Select label={`When (condition ${n})`} hideLabel value={c.op} onChange={(e) => onChange({ ...c, op: e.target.value as "after", ...(e.target.value === "never" ? { daysAgo: undefined, at: undefined } : { daysAgo: c.daysAgo ?? 30 }) })} className="w-40">
            <option value="after">within the last</option>
            <option value="before">more than</option>
            <option value="never">never</option>
          </Select>
          {c.op !== "never" ? (
            <Input
              label={`Days (condition ${n})`}
              hideLabel
              type="number"
              min={0}
              value={String(c.daysAgo ?? 30)}
              onChange={(e) => onChange({ ...c, at: undefined, daysAgo: Math.max(0, Number(e.target.value) || 0) })}
              className="w-24"
            />
          ) : null}
          {c.op !== "never" ? <span className="pb-2.5 text-sm text-slate-700">{c.op === "before" ? "days ago" : "days"}</span> : null}
        </>
      );
    case "repliedToBroadcast":
      return (
        <Select label={`Replied (condition ${n})`} hideLabel value={c.replied ? "yes" : "no"} onChange={(e) => onChange({ ...c, replied: e.target.value === "yes" })} className="w-24">
          <option value="yes">yes</option>
          <option value="no">no</option>
        </Select>
      );
    case "import":
      return (
        <Select label={`Import (condition ${n})`} hideLabel value={c.importId} onChange={(e) => onChange({ ...c, importId: e.target.value as Id<"imports"> })} className="w-56">
          {imports.map((imp) => (
            <option key={imp._id} value={imp._id}>
              {imp.fileName} ({new Date(imp._creationTime).toISOString().slice(0, 10)})
            </option>
          ))}
        </Select>
      );
  }
}

function FieldValueInput({ n, def, value, onChange }: { n: number; def: Doc<"customFields"> | undefined; value: string | number | boolean | undefined; onChange: (v: string | number | boolean) => void }) {
  const label = `Value (condition ${n})`;
  if (def?.type === "boolean") {
    return (
      <Select label={label} hideLabel value={value === false ? "no" : "yes"} onChange={(e) => onChange(e.target.value === "yes")} className="w-24">
        <option value="yes">Yes</option>
        <option value="no">No</option>
      </Select>
    );
  }
  if (def?.type === "select") {
    return (
      <Select label={label} hideLabel value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} className="w-40">
        <option value="">—</option>
        {def.options?.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </Select>
    );
  }
  return (
    <Input
      label={label}
      hideLabel
      type={def?.type === "date" ? "date" : def?.type === "number" ? "number" : "text"}
      value={value === undefined ? "" : String(value)}
      onChange={(e) => onChange(def?.type === "number" ? Number(e.target.value) : e.target.value)}
      className="w-40"
    />
  );
}
