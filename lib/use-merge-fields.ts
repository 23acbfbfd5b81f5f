"use client";

/** The merge fields this account can use (contact, sender, its custom fields), for pickers and hints. */
import { useQuery } from "convex/react";
import { api } from "@/convex/_generated/api";
import { BUILT_IN_FIELDS } from "./templates";

export type MergeFieldOption = { name: string; label: string };

export function useMergeFields(): MergeFieldOption[] {
  const custom = useQuery(api.customFields.list);
  return [
    ...BUILT_IN_FIELDS.map((f) => ({ name: f.name, label: f.label })),
    ...(custom ?? []).map((f) => ({ name: f.key, label: f.label })),
  ];
}
