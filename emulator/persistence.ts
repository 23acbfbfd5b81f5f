/**
 * Keeps the emulator's data across restarts: a snapshot file plus a journal of commits.
 *
 * Every commit appends one line to `journal.ndjson` as it happens (cheap, in commit order). On
 * start the snapshot is loaded, the journal replayed (a torn last line from a crash is ignored),
 * and a fresh snapshot is written to a temporary file and renamed into place, which is atomic.
 * When the journal grows large it is rotated and a snapshot is written in the background from
 * an immutable copy of the document list; documents are never changed in place.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { convexToJson, type JSONValue, type Value } from "convex/values";
import type { Engine, PersistedState } from "./engine";

type JournalEntry = {
  seq: number;
  ts: string;
  nextDocId: number;
  lastCreationTime: number;
  writes: Array<[string, JSONValue | null]>;
};
type SnapshotHeader = {
  format: 1;
  seq: number;
  nextDocId: number;
  lastCreationTime: number;
  lastCommitTs: string;
};

const SNAPSHOT = "snapshot.json";
const JOURNAL = "journal.ndjson";
const ROTATED = /^journal-(\d+)\.ndjson$/;
const COMPACT_AT_BYTES = 64 * 1024 * 1024;

export class Persistence {
  private fd: number | null = null;
  private seq = 0;
  private journalBytes = 0;
  private compacting: Promise<void> | null = null;

  constructor(
    private readonly dir: string,
    private readonly engine: Engine,
    private readonly log: (line: string) => void = console.log,
  ) {}

  private file(name: string) {
    return path.join(this.dir, name);
  }

  private journals(): string[] {
    if (!existsSync(this.dir)) return [];
    const rotated = readdirSync(this.dir)
      .filter((f) => ROTATED.test(f))
      .sort((a, b) => Number(ROTATED.exec(a)![1]) - Number(ROTATED.exec(b)![1]));
    return existsSync(this.file(JOURNAL)) ? [...rotated, JOURNAL] : rotated;
  }

  /** Load the saved data into the engine, compact it, and start journaling commits. */
  async start(): Promise<{ documents: number; replayed: number }> {
    mkdirSync(this.dir, { recursive: true });
    let state: PersistedState | null = null;
    let seq = 0;
    if (existsSync(this.file(SNAPSHOT))) {
      const snapshot = JSON.parse(readFileSync(this.file(SNAPSHOT), "utf8")) as SnapshotHeader & {
        documents: PersistedState["documents"];
      };
      if (snapshot.format !== 1) throw new Error(`${this.file(SNAPSHOT)}: unknown format`);
      seq = snapshot.seq;
      state = snapshot;
    }
    this.engine.importState(state);

    const entries: JournalEntry[] = [];
    const files = this.journals();
    for (const [fileIndex, name] of files.entries()) {
      const lines = readFileSync(this.file(name), "utf8").split("\n");
      for (const [i, line] of lines.entries()) {
        if (line.trim() === "") continue;
        let entry: JournalEntry;
        try {
          entry = JSON.parse(line) as JournalEntry;
        } catch (error) {
          const last = fileIndex === files.length - 1 && lines.slice(i + 1).every((l) => l.trim() === "");
          if (last) break; // Torn write at a crash: that commit was never acknowledged as saved.
          throw new Error(`${this.file(name)} line ${i + 1} is corrupt: ${String(error)}`);
        }
        if (entry.seq <= seq) continue;
        entries.push(entry);
        seq = entry.seq;
      }
    }
    for (const entry of entries) this.engine.applyJournal(entry);
    this.seq = seq;

    await this.writeSnapshot(this.documents(), this.header());
    for (const name of this.journals()) rmSync(this.file(name));
    this.openJournal();
    this.engine.onCommit((commit) => {
      if (commit.writes.length > 0) this.append(commit.ts, commit.writes);
    });
    return { documents: this.engine.store.documentCount, replayed: entries.length };
  }

  /** The committed documents now, as [id, document] (documents are never changed in place). */
  private documents(): Array<[string, unknown]> {
    return Array.from(this.engine.store.allDocuments(), (doc) => [doc._id, doc] as [string, unknown]);
  }

  private header(): SnapshotHeader {
    const store = this.engine.store;
    return {
      format: 1,
      seq: this.seq,
      nextDocId: store.nextDocId,
      lastCreationTime: store.lastCreationTime,
      lastCommitTs: this.engine.lastCommitTs.toString(),
    };
  }

  private openJournal() {
    this.fd = openSync(this.file(JOURNAL), "a");
    this.journalBytes = 0;
  }

  private append(ts: bigint, writes: Array<{ id: string; doc: unknown }>) {
    if (this.fd === null) return;
    this.seq += 1;
    const store = this.engine.store;
    const entry: JournalEntry = {
      seq: this.seq,
      ts: ts.toString(),
      nextDocId: store.nextDocId,
      lastCreationTime: store.lastCreationTime,
      writes: writes.map(({ id, doc }) => [id, doc === null ? null : convexToJson(doc as Value)]),
    };
    const line = JSON.stringify(entry) + "\n";
    this.journalBytes += writeSync(this.fd, line);
    if (this.journalBytes > COMPACT_AT_BYTES && !this.compacting) {
      this.compacting = this.compact().finally(() => (this.compacting = null));
    }
  }

  /** Rotate the journal and write a snapshot of the state at the rotation, in the background. */
  private async compact() {
    const documents = this.documents();
    const header = this.header();
    closeSync(this.fd!);
    renameSync(this.file(JOURNAL), this.file(`journal-${header.seq}.ndjson`));
    this.openJournal();
    try {
      await this.writeSnapshot(documents, header);
      for (const name of this.journals()) {
        const match = ROTATED.exec(name);
        if (match && Number(match[1]) <= header.seq) rmSync(this.file(name));
      }
    } catch (error) {
      this.log(`emulator: could not write a snapshot (the journal still has everything): ${String(error)}`);
    }
  }

  /** Write documents in chunks to a temporary file, then rename it over the snapshot. */
  private async writeSnapshot(documents: Array<[string, unknown]>, header: SnapshotHeader) {
    const tmp = this.file(`${SNAPSHOT}.tmp`);
    const handle = await open(tmp, "w");
    try {
      const head = JSON.stringify(header);
      await handle.write(head.slice(0, -1) + ',"documents":[');
      const CHUNK = 2000;
      for (let i = 0; i < documents.length; i += CHUNK) {
        const part = documents
          .slice(i, i + CHUNK)
          .map(([id, doc]) => JSON.stringify([id, convexToJson(doc as Value)]))
          .join(",");
        await handle.write((i === 0 ? "" : ",") + part);
      }
      await handle.write("]}\n");
      await handle.sync();
    } finally {
      await handle.close();
    }
    renameSync(tmp, this.file(SNAPSHOT));
  }

  /** Empty the database and the files (tests). */
  async reset() {
    await this.compacting;
    this.engine.importState(null);
    this.engine.storage.clear();
    this.seq += 1;
    if (this.fd !== null) closeSync(this.fd);
    for (const name of this.journals()) rmSync(this.file(name));
    await this.writeSnapshot([], this.header());
    this.openJournal();
  }

  async close() {
    await this.compacting;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
