/**
 * Contacts at business scale (issue 17):
 *
 * - contacts-import: a 50,000-row CSV (10% duplicates: half inside the file, half of existing
 *   contacts; 2% invalid) through POST /api/v1/imports — the preview (dryRun) time, the run's
 *   total time, the largest transaction and the documents read per row;
 * - contacts-export: 100,000 messages exported as CSV — the build time, the download, the largest
 *   transaction; and a segment's count at 10,000 contacts — the documents each count reads.
 *
 * Documents read and written are the emulator's own per-transaction counts (the numbers its
 * Convex limits are checked against), collected by wrapping the engine's transaction runner from
 * this process: the functions themselves are not touched.
 */
import { performance } from "node:perf_hooks";
import Papa from "papaparse";
import { api } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";
import { Engine } from "../emulator/engine";
import type { Transaction } from "../emulator/transaction";
import { Backend, waitFor, type User } from "./harness";
import { LARGE, QUICK_LARGE, seedProfile } from "./profiles";
import { round, type Benchmark, type Figure, type RunOptions } from "./stats";

type TxnStat = { fn: string; reads: number; writes: number };

/** The benchmarks poll the REST API while jobs run: its per-key rate limit is not what they measure. */
const BENCH_ENV = { BENCH_METRICS: "1", API_RATE_LIMIT_PER_MINUTE: "100000", API_RATE_LIMIT_BURST: "100000" };
/** Reads a query makes besides its page (the signed-in user, the segment): a budget per query. */
const PER_QUERY = 10;

/** Every query and mutation transaction run while `fn` runs: its function, documents read and written. */
async function transactions<T>(fn: () => Promise<T>): Promise<{ result: T; txns: TxnStat[] }> {
  const proto = Engine.prototype as unknown as { invokeTransaction: (...args: unknown[]) => Promise<unknown> };
  const original = proto.invokeTransaction;
  const txns: TxnStat[] = [];
  proto.invokeTransaction = async function (this: unknown, ...args: unknown[]) {
    const value = await original.apply(this, args);
    const [resolved, , , txn] = args as [{ udfPath: string }, unknown, unknown, Transaction];
    txns.push({ fn: resolved.udfPath, reads: txn.documentsRead, writes: txn.writes.size });
    return value;
  };
  try {
    return { result: await fn(), txns };
  } finally {
    proto.invokeTransaction = original;
  }
}

function largest(txns: TxnStat[], match: (fn: string) => boolean) {
  const mine = txns.filter((t) => match(t.fn));
  const byReads = mine.reduce((a, b) => (b.reads > a.reads ? b : a), { fn: "-", reads: 0, writes: 0 });
  const byWrites = mine.reduce((a, b) => (b.writes > a.writes ? b : a), { fn: "-", reads: 0, writes: 0 });
  return { byReads, byWrites, count: mine.length, reads: mine.reduce((n, t) => n + t.reads, 0), writes: mine.reduce((n, t) => n + t.writes, 0) };
}

async function apiKey(user: User): Promise<string> {
  return (await user.client.mutation(api.apiKeys.create, { name: "bench" })).key;
}

async function call(backend: Backend, key: string, method: string, path: string, body?: BodyInit, type = "application/json") {
  const res = await backend.site(`/api/v1${path}`, { method, headers: { Authorization: `Bearer ${key}`, ...(body ? { "Content-Type": type } : {}) }, ...(body ? { body } : {}) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text.startsWith("{") ? (JSON.parse(text) as Record<string, unknown>) : text;
}

/** 50,000 rows: every 20th repeats an earlier row's number, every 20th is an existing contact, every 50th is invalid. */
function importCsv(rows: number): { csv: string; expect: { created: number; duplicatesInFile: number; existing: number; invalid: number } } {
  const lines = ["First name,Last name,Mobile,Email,Tags,Notes"];
  const stats = { created: 0, duplicatesInFile: 0, existing: 0, invalid: 0 };
  for (let i = 0; i < rows; i++) {
    const note = `"Met at the spring fair, prefers SMS, order #${100000 + i}"`;
    if (i % 50 === 49) {
      lines.push(`Bad,Row${i},12,,,${note}`);
      stats.invalid++;
    } else if (i % 20 === 10 && i > 20) {
      const j = i - 10; // an earlier, new row (never a duplicate or an invalid one itself)
      lines.push(`Again,Person${j},+1 628 ${String(2_000_000 + j).slice(0, 3)} ${String(2_000_000 + j).slice(3)},,"vip",${note}`);
      stats.duplicatesInFile++;
    } else if (i % 20 === 5) {
      // benchSeed:contacts numbers: +1415 2000000 + n
      lines.push(`Known,Customer${i},+1415${String(2_000_000 + (i - 5) / 20).padStart(7, "0")},,"vip, returning",${note}`);
      stats.existing++;
    } else {
      lines.push(`Person,${i},+1 628 ${String(2_000_000 + i).slice(0, 3)} ${String(2_000_000 + i).slice(3)},person${i}@example.com,"spring, fair",${note}`);
      stats.created++;
    }
  }
  return { csv: lines.join("\r\n"), expect: stats };
}

async function importFigures(opts: RunOptions): Promise<Figure[]> {
  const rows = opts.quick ? 5_000 : 50_000;
  const backend = await Backend.start(BENCH_ENV);
  try {
    const user = await backend.signUp("importer@example.com");
    const key = await apiKey(user);
    // The contacts the file's "existing" rows match (numbers +1415 2000000 + n).
    const existing = rows / 20;
    for (let start = 0; start < existing; start += 500) {
      await backend.run("benchSeed:contacts", { userId: user.userId, start, count: Math.min(500, existing - start) });
    }
    const { csv, expect } = importCsv(rows);
    const bytes = new TextEncoder().encode(csv).length;
    opts.log(`file: ${rows.toLocaleString()} rows, ${round(bytes / 1024 / 1024, 2)} MB; ${existing.toLocaleString()} existing contacts`);

    const preview = await transactions(async () => {
      const t0 = performance.now();
      const imp = (await call(backend, key, "POST", "/imports?dryRun=true&fileName=bench.csv&onDuplicate=fillEmpty&tag=bench", csv, "text/csv")) as {
        id: string;
        preview: { new: number; updated: number; skipped: number; invalid: number };
      };
      return { imp, ms: performance.now() - t0 };
    });
    const p = preview.result.imp.preview;
    opts.log(`preview in ${round(preview.result.ms / 1000, 2)} s: ${JSON.stringify(p)}`);

    const run = await transactions(async () => {
      const t0 = performance.now();
      await call(backend, key, "POST", `/imports/${preview.result.imp.id}/start`);
      const done = await waitFor(
        async () => {
          const imp = (await call(backend, key, "GET", `/imports/${preview.result.imp.id}`)) as { status: string; counts: Record<string, number> };
          return imp.status === "completed" || imp.status === "failed" ? imp : undefined;
        },
        30 * 60_000,
        500,
      );
      return { done, ms: performance.now() - t0 };
    });
    const counts = run.result.done.counts;
    const summary = await user.http.query(api.analytics.summary, { from: new Date().toISOString().slice(0, 10), to: new Date().toISOString().slice(0, 10) });
    const inDb = (summary as { totals: { contacts: number } }).totals.contacts;
    opts.log(`run in ${round(run.result.ms / 1000, 1)} s: ${JSON.stringify(counts)}; contacts in the database ${inDb}`);
    const isImport = (fn: string) => fn.startsWith("importJobs:") || fn.startsWith("api/imports:");
    const all = largest([...preview.txns, ...run.txns], isImport);
    const runOnly = largest(run.txns, isImport);
    const countsMatch =
      run.result.done.status === "completed" &&
      counts.created === expect.created &&
      counts.invalid === expect.invalid &&
      inDb === existing + counts.created &&
      p.new === expect.created &&
      p.invalid === expect.invalid;
    const measured = `${rows.toLocaleString()}-row CSV (${round(bytes / 1024 / 1024, 2)} MB; ${expect.duplicatesInFile} duplicates inside the file, ${expect.existing} of existing contacts, ${expect.invalid} invalid) through POST /api/v1/imports on the emulator`;
    return [
      {
        name: "import: preview (dryRun)",
        measured: `${measured}: the request, parsing and checking every row against the contacts, nothing written`,
        unit: "s",
        runs: 1,
        value: round(preview.result.ms / 1000, 2),
        target: "≤ 30 s",
        met: preview.result.ms <= 30_000,
        notes: `preview ${JSON.stringify(p)}`,
      },
      {
        name: "import: total time",
        measured: `${measured}: start → completed (staging the rows, then writing ${100} rows per transaction)`,
        unit: "s",
        runs: 1,
        value: round(run.result.ms / 1000, 1),
        target: "informational (≤ 10 min)",
        met: run.result.ms <= 10 * 60_000,
        notes: `${Math.round(rows / (run.result.ms / 1000))} rows/s; counts ${JSON.stringify(counts)}; contacts in the database ${inDb} = ${existing} + created: ${countsMatch ? "yes" : "NO"}`,
      },
      {
        name: "import: counts equal the database",
        measured: "created/invalid counts as expected from the file, and the account's contacts = existing + created",
        unit: "",
        runs: 1,
        value: countsMatch ? 1 : 0,
        target: "1 (yes)",
        met: countsMatch,
      },
      {
        name: "import: largest transaction",
        measured: `most documents read / written by one transaction of the import (${all.count} transactions: analysis lookups, staging, batches)`,
        unit: "docs",
        runs: 1,
        value: all.byReads.reads,
        target: "under 4,000 read / 2,000 written (⅛ of Convex's 32,000 scanned / 16,000 written)",
        met: all.byReads.reads < 32_000 / 8 && all.byWrites.writes < 16_000 / 8,
        notes: `most reads ${all.byReads.reads} (${all.byReads.fn}, ${all.byReads.writes} written); most writes ${all.byWrites.writes} (${all.byWrites.fn}, ${all.byWrites.reads} read)`,
      },
      {
        name: "import: documents read per row",
        measured: "documents read by the preview and the run together, per row of the file (the run alone in the notes)",
        unit: "docs/row",
        runs: 1,
        value: round(all.reads / rows, 2),
        target: "informational",
        met: null,
        notes: `preview + run ${all.reads.toLocaleString()} read / ${all.writes.toLocaleString()} written; run ${round(runOnly.reads / rows, 2)} read and ${round(runOnly.writes / rows, 2)} written per row in ${runOnly.count} transactions`,
      },
    ];
  } finally {
    await backend.close();
  }
}

async function exportAndSegmentFigures(opts: RunOptions): Promise<Figure[]> {
  const size = opts.quick ? QUICK_LARGE : LARGE;
  const backend = await Backend.start(BENCH_ENV);
  try {
    const user = await backend.signUp("exporter@example.com");
    const key = await apiKey(user);
    const t0 = performance.now();
    const profile = await seedProfile(backend, user, size, 3);
    opts.log(`seeded ${size.contacts.toLocaleString()} contacts, ${size.messages.toLocaleString()} messages in ${round((performance.now() - t0) / 1000, 1)} s`);

    // Messages: the whole year the profile spans (an export covers at most 366 days).
    const from = new Date(Date.now() - 365 * 86_400_000 - 3600_000).toISOString();
    const to = new Date().toISOString();
    const built = await transactions(async () => {
      const started = performance.now();
      const exp = (await call(backend, key, "POST", "/exports", JSON.stringify({ kind: "messages", from, to }))) as { id: string };
      const ready = await waitFor(
        async () => {
          const e = (await call(backend, key, "GET", `/exports/${exp.id}`)) as { status: string; rows: number; bytes: number };
          return e.status === "ready" ? e : undefined;
        },
        20 * 60_000,
        250,
      );
      const buildMs = performance.now() - started;
      // Downloaded as the app does, a chunk per query: GET /exports/{id}/file answers in one HTTP
      // response, which Convex caps at 20 MiB, and a year of messages can be larger.
      const d0 = performance.now();
      const exportId = exp.id as Id<"exports">;
      const { chunks } = await user.http.query(api.exports.get, { exportId });
      let file = "";
      for (let seq = 0; seq < chunks; seq++) file += await user.http.query(api.exports.chunk, { exportId, seq });
      const records = Papa.parse<string[]>(file, { skipEmptyLines: true }).data.length;
      return { ready, buildMs, downloadMs: performance.now() - d0, lines: records, chunks };
    });
    const exportTx = largest(built.txns, (fn) => fn.startsWith("exportJobs:") || fn.startsWith("api/exports:"));
    opts.log(`export: ${built.result.ready.rows} rows, ${round(built.result.ready.bytes / 1024 / 1024, 1)} MB built in ${round(built.result.buildMs / 1000, 1)} s`);

    // Segment counts at the profile's contacts: a tag held by 10% of them, and a condition with no index (every contact is read).
    const tagged = profile.contactIds.filter((_, i) => i % 10 === 0);
    for (let i = 0; i < tagged.length; i += 500) await user.client.mutation(api.tags.apply, { contactIds: tagged.slice(i, i + 500), add: ["vip"], remove: [] });
    const tagSegment = await user.client.mutation(api.segments.create, { name: "VIP by SMS", conditions: [{ kind: "tag", has: true, tag: "vip" }, { kind: "reachable", channel: "sms" }] });
    const scanSegment = await user.client.mutation(api.segments.create, { name: "Reachable by email", conditions: [{ kind: "reachable", channel: "email" }] });
    const countAll = async (segmentId: Id<"segments">) =>
      await transactions(async () => {
        let cursor: string | null = null;
        let matched = 0;
        let pages = 0;
        const started = performance.now();
        for (;;) {
          const page: { page: Array<{ matched: number }>; isDone: boolean; continueCursor: string } = await user.http.query(api.segments.count, {
            segmentId,
            paginationOpts: { numItems: 1000, cursor },
          });
          matched += page.page[0].matched;
          pages++;
          if (page.isDone) return { matched, pages, ms: performance.now() - started };
          cursor = page.continueCursor;
        }
      });
    const byTag = await countAll(tagSegment);
    const byScan = await countAll(scanSegment);
    const tagTx = largest(byTag.txns, (fn) => fn === "segments:count");
    const scanTx = largest(byScan.txns, (fn) => fn === "segments:count");
    const expectedEmail = profile.contactIds.length - Math.floor((profile.contactIds.length + 0) / 3); // benchSeed: 2 in 3 have an email

    return [
      {
        name: "export: 100,000 messages",
        measured: `messages export (a year, one row per message) of an account holding ${size.messages.toLocaleString()} messages: POST /api/v1/exports, built in batches of 200, polled with GET /exports/{id} until ready; then downloaded chunk by chunk like the app`,
        unit: "s",
        runs: 1,
        value: round(built.result.buildMs / 1000, 1),
        target: "informational (≤ 10 min)",
        met: built.result.buildMs <= 10 * 60_000 && built.result.lines === built.result.ready.rows + 1 && built.result.ready.rows === size.messages,
        notes: `${built.result.ready.rows.toLocaleString()} rows, ${round(built.result.ready.bytes / 1024 / 1024, 1)} MB in ${built.result.chunks} chunks; download ${round(built.result.downloadMs / 1000, 2)} s, ${built.result.lines - 1} rows in the file (parsed)${built.result.ready.bytes > 20 * 1024 * 1024 - 64 * 1024 ? "; too large for GET /exports/{id}/file (20 MiB HTTP response)" : ""}`,
      },
      {
        name: "export: largest transaction",
        measured: `most documents read / written by one transaction of the export (${exportTx.count} transactions)`,
        unit: "docs",
        runs: 1,
        value: exportTx.byReads.reads,
        target: "under 4,000 read / 2,000 written (⅛ of Convex's 32,000 scanned / 16,000 written)",
        met: exportTx.byReads.reads < 32_000 / 8 && exportTx.byWrites.writes < 16_000 / 8,
        notes: `most reads ${exportTx.byReads.reads} (${exportTx.byReads.fn}); most writes ${exportTx.byWrites.writes} (${exportTx.byWrites.fn})`,
      },
      {
        name: "segment count: tag + reachable",
        measured: `documents read counting "tagged vip (10%) and reachable by SMS" at ${size.contacts.toLocaleString()} contacts (pages of 1,000 through segments:count)`,
        unit: "docs",
        runs: 1,
        value: tagTx.reads,
        target: `≤ 2 per tagged contact + ${PER_QUERY} per query (${2 * tagged.length + PER_QUERY * byTag.result.pages})`,
        met: tagTx.reads <= 2 * tagged.length + PER_QUERY * byTag.result.pages && byTag.result.matched === tagged.length,
        notes: `${byTag.result.matched} matched in ${byTag.result.pages} page(s), ${round(byTag.result.ms, 0)} ms; largest page ${tagTx.byReads.reads} reads`,
      },
      {
        name: "segment count: no index (reachable by email)",
        measured: `documents read counting "reachable by email" (no tag or import to narrow it: every contact is read, 1,000 per query) at ${size.contacts.toLocaleString()} contacts`,
        unit: "docs",
        runs: 1,
        value: scanTx.reads,
        target: `contacts + ${PER_QUERY} per query, ≤ 1,000 + ${PER_QUERY} in one query`,
        met: scanTx.reads <= size.contacts + PER_QUERY * byScan.result.pages && scanTx.byReads.reads <= 1_000 + PER_QUERY,
        notes: `${byScan.result.matched} matched (expected about ${expectedEmail}) in ${byScan.result.pages} queries, ${round(byScan.result.ms, 0)} ms; largest query ${scanTx.byReads.reads} reads`,
      },
    ];
  } finally {
    await backend.close();
  }
}

export const contactsImportBenchmark: Benchmark = {
  name: "contacts-import",
  description: "a 50,000-row CSV import: preview, run, largest transaction, reads per row",
  run: (o) => importFigures(o),
};

export const contactsExportBenchmark: Benchmark = {
  name: "contacts-export",
  description: "a 100,000-message CSV export, and segment counts at 10,000 contacts",
  run: (o) => exportAndSegmentFigures(o),
};
