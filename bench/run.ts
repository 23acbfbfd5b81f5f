/**
 * `npm run bench [-- --quick] [-- <part of a benchmark name>…]`: every benchmark, on the local
 * emulator with the simulator (and local fake Twilio/Resend servers where the real SDK path is
 * measured). Prints a table per benchmark and writes bench/results/latest.json and latest.md.
 * Each figure says what was measured, how many runs, its statistics and its target; a missed
 * target is reported as missed. `--quick` shrinks sizes and run counts (figures say so).
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { browserBenchmarks, stopBrowserBenchmarks } from "./browser";
import { contactsExportBenchmark, contactsImportBenchmark } from "./contacts";
import { databaseBenchmark } from "./database";
import { pushFigures } from "./push";
import { recurringBenchmark } from "./recurring";
import { engineBenchmarks } from "./engine";
import { latencyBenchmark } from "./latency";
import { takeOccReport } from "./harness";
import { scaleFigures } from "./scale";
import { searchBenchmark } from "./search";
import { soakFigures } from "./soak";
import { round, type Benchmark, type Figure } from "./stats";
import { webhookFigures } from "./webhooks";

const benchmarks: Benchmark[] = [
  latencyBenchmark,
  { name: "webhooks", description: "signed inbound webhook response time", run: (o) => webhookFigures(o) },
  { name: "push", description: "inbound webhook → Web Push request at a fake push service", run: (o) => pushFigures(o) },
  { name: "scale", description: "read budgets, dispatch lag and a broadcast at scale", run: (o) => scaleFigures(o) },
  { name: "soak", description: "1,000 dispatches against a failing provider", run: (o) => soakFigures(o) },
  ...engineBenchmarks,
  databaseBenchmark,
  contactsImportBenchmark,
  contactsExportBenchmark,
  searchBenchmark,
  recurringBenchmark,
  ...browserBenchmarks,
];

function cell(f: Figure): string {
  if (f.value !== undefined) return `${f.value} ${f.unit}`;
  return `p50 ${f.median} / p95 ${f.p95} / p99 ${f.p99} ${f.unit}`;
}

const verdict = (f: Figure) => (f.met === null ? "—" : f.met ? "met" : "MISSED");

function markdown(figures: Array<Figure & { benchmark: string }>, header: string): string {
  const escape = (s: string) => s.replace(/\|/g, "\\|");
  const rows = figures.map(
    (f) => `| ${escape(f.name)} | ${escape(cell(f))} | ${escape(f.target)} | ${verdict(f)} | ${f.runs} | ${escape(f.measured)}${f.notes ? ` — ${escape(f.notes)}` : ""} |`,
  );
  return [header, "", "| Figure | Result | Target | | Runs | What was measured |", "| --- | --- | --- | --- | --- | --- |", ...rows, ""].join("\n");
}

async function main() {
  const args = process.argv.slice(2);
  const quick = args.includes("--quick");
  const filters = args.filter((a) => !a.startsWith("--"));
  const selected = benchmarks.filter((b) => filters.length === 0 || filters.some((f) => b.name.includes(f)));
  const started = performance.now();
  const figures: Array<Figure & { benchmark: string }> = [];
  const failures: string[] = [];
  for (const benchmark of selected) {
    if (quick && browserBenchmarks.includes(benchmark) && filters.length === 0) {
      // A production build alone takes minutes: the browser figures come from full runs.
      console.log(`\n▷ ${benchmark.name}: skipped in --quick (run it by name, or without --quick)`);
      continue;
    }
    console.log(`\n▶ ${benchmark.name}: ${benchmark.description}${quick ? " (quick)" : ""}`);
    const t0 = performance.now();
    try {
      const result = await benchmark.run({ quick, log: (line) => console.log(`  ${line}`) });
      // Every workload reports the write conflicts it caused on the OCC emulator.
      const report = takeOccReport();
      if (report) {
        const tables = Object.entries(report.occ.byTable).map(([t, n]) => `${t} ${n}`).join(", ");
        result.push({
          name: `${benchmark.name}: write conflicts`,
          measured: `OCC conflicts in every function this benchmark ran (${report.settings})`,
          unit: "conflicts",
          runs: 1,
          value: report.occ.conflicts,
          target: "reported; 0 failed mutations",
          met: report.occ.failures === 0,
          notes: `retries ${report.occ.retries}, failures ${report.occ.failures}${tables ? `; by table: ${tables}` : ""}`,
        });
      }
      figures.push(...result.map((f) => ({ ...f, benchmark: benchmark.name })));
      console.table(result.map((f) => ({ figure: f.name, result: cell(f), target: f.target, verdict: verdict(f), runs: f.runs })));
    } catch (error) {
      failures.push(benchmark.name);
      console.error(`✖ ${benchmark.name} failed:`, error);
    }
    console.log(`  (${round((performance.now() - t0) / 1000, 1)} s)`);
  }
  await stopBrowserBenchmarks();
  const seconds = round((performance.now() - started) / 1000, 1);
  const machine = {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
  };
  const date = new Date().toISOString();
  // A run of some benchmarks by name says so, and which.
  const mode = `${quick ? "quick" : "full"}${filters.length ? ` run of ${filters.join(", ")}` : " run"}`;
  const dir = path.join(import.meta.dirname, "results");
  mkdirSync(dir, { recursive: true });
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(`${file}.tmp`, content);
    renameSync(`${file}.tmp`, file);
  };
  write("latest.json", JSON.stringify({ date, mode, seconds, machine, failures, figures }, null, 2) + "\n");
  const missed = figures.filter((f) => f.met === false);
  write(
    "latest.md",
    markdown(
      figures,
      `# Benchmarks (${mode})\n\n${date}, ${machine.cpus} × ${machine.cpu}, Node ${machine.node}; ${seconds} s. ` +
        `${figures.length} figures, ${missed.length} missed${failures.length ? `, ${failures.length} benchmark(s) failed: ${failures.join(", ")}` : ""}. ` +
        `Reproduce with \`npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}\`.`,
    ),
  );
  console.log(`\n${figures.length} figures in ${seconds} s; missed: ${missed.map((f) => f.name).join(", ") || "none"}`);
  console.log("Written to bench/results/latest.json and bench/results/latest.md");
  // Open handles (in-process emulators, browsers) must not keep the process alive.
  process.exit(failures.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
