"use client";

/**
 * Uploading files to Convex storage for a message: an upload URL from the backend, a POST of
 * the file to it (answered with its storage id), then registering the id as the user's
 * (convex/attachments.ts), which checks its type and size again.
 */
import { useMutation } from "convex/react";
import { useCallback, useState } from "react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import type { Attachment } from "@/convex/schema";
import { uploadProblem } from "./attachments";
import { describeError } from "./errors";

export type Uploading = { id: string; name: string };

export function useUploads(contactId: Id<"contacts">) {
  const generateUploadUrl = useMutation(api.attachments.generateUploadUrl);
  const register = useMutation(api.attachments.register);
  const [uploading, setUploading] = useState<Uploading[]>([]);

  /** Upload one file; resolves to the attachment, or a reason it was refused. */
  const upload = useCallback(
    async (file: File): Promise<{ attachment: Attachment; url: string | null } | { error: string }> => {
      const problem = uploadProblem({ name: file.name, contentType: file.type, size: file.size });
      if (problem) return { error: problem };
      const id = `${file.name}-${Math.random()}`;
      setUploading((u) => [...u, { id, name: file.name }]);
      try {
        const url = await generateUploadUrl();
        const response = await fetch(url, { method: "POST", headers: { "Content-Type": file.type }, body: file });
        if (!response.ok) return { error: `“${file.name}” could not be uploaded (${response.status}). Try again.` };
        const { storageId } = (await response.json()) as { storageId: Id<"_storage"> };
        const result = await register({ storageId, name: file.name, contactId });
        if ("attachment" in result && result.attachment) return { attachment: result.attachment, url: result.url ?? null };
        return { error: ("refused" in result && result.refused) || `“${file.name}” was refused.` };
      } catch (error) {
        return { error: error instanceof TypeError ? `“${file.name}” could not be uploaded: no connection.` : describeError(error) };
      } finally {
        setUploading((u) => u.filter((x) => x.id !== id));
      }
    },
    [generateUploadUrl, register, contactId],
  );

  return { upload, uploading };
}
