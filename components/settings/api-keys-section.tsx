"use client";

import { useQuery } from "convex/react";
import { useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { FunctionReturnType } from "convex/server";
import { EMPTY_VALUE, formatDateTime, formatShortDate } from "@/lib/format";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { useNow } from "@/lib/use-now";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { PlusIcon } from "@/components/ui/icons";
import { SkeletonRows } from "@/components/ui/skeleton";
import { CreateApiKeyDialog } from "./settings-dialogs-lazy";
import { useSenders } from "./use-senders";

type ApiKey = FunctionReturnType<typeof api.apiKeys.list>[number];

/** The server flips `active` when the expiry job runs; the clock here shows it at the very minute. */
function statusOf(key: ApiKey, now: number): { label: string; tone: "green" | "neutral" | "red"; active: boolean } {
  if (key.revokedAt !== null) return { label: "Revoked", tone: "red", active: false };
  if (!key.active || (key.expiresAt !== null && now >= key.expiresAt)) return { label: "Expired", tone: "neutral", active: false };
  return { label: "Active", tone: "green", active: true };
}

function When({ ts, fallback = EMPTY_VALUE }: { ts: number | null; fallback?: string }) {
  if (ts === null) return <span className="text-slate-500">{fallback}</span>;
  return (
    <time dateTime={new Date(ts).toISOString()} title={formatDateTime(ts)}>
      {formatShortDate(ts)}
    </time>
  );
}

/** API keys for the REST API: create (shown once), list, revoke. */
export function ApiKeysSection() {
  const keys = useQuery(api.apiKeys.list);
  const now = useNow(30_000);
  const senders = useSenders();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [revoke] = useMutationWithToast(api.apiKeys.revoke);
  const base = senders ? `${senders.siteUrl}/api/v1` : null;

  const createButton = (
    <Button variant="primary" onClick={() => setCreating(true)}>
      <PlusIcon className="size-4" /> Create API key
    </Button>
  );

  return (
    <>
      <Card
        title="API keys"
        description={
          <>
            Keys for the REST API{base ? (
              <>
                {" "}at <code className="rounded bg-slate-100 px-1 text-xs break-all text-slate-800">{base}</code> (reference:{" "}
                <a href={`${base}/openapi.json`} target="_blank" rel="noopener noreferrer" className="font-medium text-indigo-700 underline underline-offset-2">
                  OpenAPI document<span className="sr-only"> (opens in a new tab)</span>
                </a>
                )
              </>
            ) : null}
            . A key can do everything your account can, except manage keys: keep it secret.
          </>
        }
        actions={createButton}
      >
        {keys === undefined ? (
          <SkeletonRows rows={3} label="Loading API keys…" />
        ) : keys.length === 0 ? (
          <EmptyState title="No API keys yet" description="Create one to send messages and manage contacts from your own systems." />
        ) : (
          <div className="relative overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">API keys, newest first</caption>
              <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium tracking-wide text-slate-600 uppercase">
                <tr>
                  <th scope="col" className="px-5 py-2.5">Name</th>
                  <th scope="col" className="px-3 py-2.5">Key</th>
                  <th scope="col" className="hidden px-3 py-2.5 sm:table-cell">Created</th>
                  <th scope="col" className="px-3 py-2.5 whitespace-nowrap">Last used</th>
                  <th scope="col" className="px-3 py-2.5">Status</th>
                  <th scope="col" className="px-5 py-2.5 text-right"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {keys.map((key) => {
                  const status = statusOf(key, now);
                  return (
                    <tr key={key.id} className={status.active ? undefined : "text-slate-500"}>
                      <th scope="row" className="max-w-[12rem] truncate px-5 py-3 font-medium text-slate-900">{key.name}</th>
                      <td className="px-3 py-3 whitespace-nowrap"><code className="text-xs">{key.prefix}…</code></td>
                      <td className="hidden px-3 py-3 whitespace-nowrap sm:table-cell"><When ts={key.createdAt} /></td>
                      <td className="px-3 py-3 whitespace-nowrap"><When ts={key.lastUsedAt} fallback="Never" /></td>
                      <td className="px-3 py-3">
                        <Badge tone={status.tone}>{status.label}</Badge>
                        {key.expiresAt !== null && key.revokedAt === null ? (
                          <span className="mt-0.5 block text-xs text-slate-600">
                            {status.active ? "Expires" : "Expired"} {formatShortDate(key.expiresAt)}
                          </span>
                        ) : null}
                      </td>
                      <td className="px-5 py-2 text-right">
                        {key.revokedAt === null ? (
                          <Button size="sm" variant="danger-ghost" onClick={() => setRevoking(key)}>
                            Revoke<span className="sr-only"> {key.name}</span>
                          </Button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <CreateApiKeyDialog open={creating} onClose={() => setCreating(false)} />

      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke ${revoking?.name ?? "key"}?`}
        confirmLabel="Revoke key"
        onConfirm={async () => {
          if (!revoking) return;
          const result = await revoke({ keyId: revoking.id });
          if (!result.ok) throw result.error;
          toast.success(`Revoked ${revoking.name}`);
        }}
      >
        The next request made with <code className="text-xs">{revoking?.prefix}…</code> is refused (401), including
        from scripts and servers that still use it. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}
