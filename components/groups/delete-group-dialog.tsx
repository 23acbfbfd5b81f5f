"use client";

import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import { formatCount } from "@/lib/format";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

/** Confirm and delete a group; its contacts stay. `onDeleting` runs first (e.g. stop
 * reading it), `onFailed` if it did not go. */
export function DeleteGroupDialog({
  group,
  onClose,
  onDeleting,
  onFailed,
  onDeleted,
}: {
  group: Doc<"groups"> | null;
  onClose: () => void;
  onDeleting?: () => void;
  onFailed?: () => void;
  onDeleted?: () => void;
}) {
  const [remove] = useMutationWithToast(api.groups.remove);
  return (
    <ConfirmDialog
      open={group !== null}
      onClose={onClose}
      title={`Delete ${group?.name ?? "group"}?`}
      confirmLabel="Delete group"
      onConfirm={async () => {
        if (!group) return;
        onDeleting?.();
        const result = await remove({ groupId: group._id });
        if (!result.ok) {
          onFailed?.();
          throw result.error;
        }
        toast.success(`Deleted ${group.name}`);
        onDeleted?.();
      }}
    >
      {group && group.memberCount > 0
        ? `Its ${formatCount(group.memberCount, "member")} stay in your contacts; only the group goes. It cannot be undone.`
        : "The group is empty; nothing else is affected. It cannot be undone."}
    </ConfirmDialog>
  );
}
