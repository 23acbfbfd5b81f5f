"use client";

import { useQuery } from "convex/react";
import { api } from "@/convex/_generated/api";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { SignOutIcon } from "@/components/ui/icons";
import { Skeleton } from "@/components/ui/skeleton";
import { useSignOut } from "@/components/shell/use-sign-out";

export function AccountSection() {
  const viewer = useQuery(api.users.viewer);
  const [signOut, signingOut] = useSignOut();
  return (
    <Card title="Account" description="The account you sign in with.">
      <dl className="divide-y divide-slate-100 px-5">
        <div className="grid gap-1 py-3 sm:grid-cols-[10rem_1fr]">
          <dt className="text-sm font-medium text-slate-600">Email</dt>
          <dd className="text-sm text-slate-900">
            {viewer === undefined ? <Skeleton className="h-4 w-48" /> : (viewer?.email ?? "—")}
          </dd>
        </div>
        {viewer?.name ? (
          <div className="grid gap-1 py-3 sm:grid-cols-[10rem_1fr]">
            <dt className="text-sm font-medium text-slate-600">Name</dt>
            <dd className="text-sm text-slate-900">{viewer.name}</dd>
          </div>
        ) : null}
      </dl>
      <div className="border-t border-slate-200 px-5 py-4">
        <Button onClick={() => void signOut()} loading={signingOut}>
          {signingOut ? null : <SignOutIcon className="size-4" />}
          Sign out
        </Button>
      </div>
    </Card>
  );
}
