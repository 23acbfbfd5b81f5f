/**
 * File storage blobs: kept in memory, and on disk next to the database when it persists. The
 * `_storage` documents (id, sha256, size, content type) live in the database like a
 * deployment's; the deployment URL serves uploads and downloads (emulator/http.ts):
 * `generateUploadUrl()` → POST the bytes → `{ storageId }`, and `getUrl(id)` → GET.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

type Blob = { bytes: Uint8Array; contentType: string | null };

/** How long an upload URL stays valid (Convex: 1 hour). */
const UPLOAD_URL_TTL_MS = 60 * 60 * 1000;

export class FileStorage {
  private readonly blobs = new Map<string, Blob>();
  private readonly tokens = new Map<string, number>();

  constructor(private readonly dir: string | null) {
    if (dir) mkdirSync(dir, { recursive: true });
  }

  uploadUrl(cloudUrl: string): string {
    const token = randomBytes(24).toString("base64url");
    const now = Date.now();
    this.tokens.set(token, now + UPLOAD_URL_TTL_MS);
    for (const [t, expires] of this.tokens) if (expires < now) this.tokens.delete(t);
    return `${cloudUrl}/api/storage/upload?token=${token}`;
  }

  /** Use up an upload token; false when it is unknown, used or expired. */
  consumeToken(token: string): boolean {
    const expires = this.tokens.get(token);
    this.tokens.delete(token);
    return expires !== undefined && expires >= Date.now();
  }

  async sha256(bytes: Uint8Array): Promise<string> {
    return createHash("sha256").update(bytes).digest("base64");
  }

  private file(storageId: string): string | null {
    return this.dir ? path.join(this.dir, storageId.replace(/[^0-9a-z_]/gi, "")) : null;
  }

  async put(storageId: string, bytes: Uint8Array, contentType: string | null): Promise<void> {
    this.blobs.set(storageId, { bytes, contentType });
    const file = this.file(storageId);
    if (file) {
      writeFileSync(file, bytes);
      writeFileSync(`${file}.type`, contentType ?? "");
    }
  }

  async get(storageId: string): Promise<Blob | null> {
    const cached = this.blobs.get(storageId);
    if (cached) return cached;
    const file = this.file(storageId);
    if (!file || !existsSync(file)) return null;
    const blob = { bytes: new Uint8Array(readFileSync(file)), contentType: readFileSync(`${file}.type`, "utf8") || null };
    this.blobs.set(storageId, blob);
    return blob;
  }

  /** Forget everything (reset). */
  clear(): void {
    this.blobs.clear();
    this.tokens.clear();
    if (this.dir) {
      rmSync(this.dir, { recursive: true, force: true });
      mkdirSync(this.dir, { recursive: true });
    }
  }
}
