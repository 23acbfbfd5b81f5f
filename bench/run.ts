/**
 * `npm run bench [-- <filter>]`: the benchmarks, a named list other issues extend. Prints a
 * table per benchmark and writes bench/results/latest.json.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { browserBenchmarks } from "./browser";
import { databaseBenchmark } from "./database";
import { latencyBenchmark } from "./latency";
import { round, type Benchmark, type Metrics } from "./stats";

/** Every benchmark, by name; `npm run bench -- <part of a name>` runs some. */
const benchmarks: Benchmark[] = [latencyBenchmark, databaseBenchmark, ...browserBenchmarks];

async function main() {
  const filter = process.argv[2];
  const selected = benchmarks.filter((b) => !filter || b.name.includes(filter));
  const results: Record<string, { description: string; metrics: Metrics }> = {};
  for (const benchmark of selected) {
    console.log(`\n▶ ${benchmark.name}: ${benchmark.description}`);
    const metrics = await benchmark.run();
    results[benchmark.name] = { description: benchmark.description, metrics };
    console.table(Object.entries(metrics).map(([metric, value]) => ({ metric, value })));
  }
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memoryGb: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
    },
    results,
  };
  const dir = path.join(import.meta.dirname, "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "latest.json");
  writeFileSync(`${file}.tmp`, JSON.stringify(report, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
  console.log(`\nWritten to ${path.relative(process.cwd(), file)}`);
  // Open handles (timers of in-process emulators) must not keep the process alive.
  process.exit(0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
