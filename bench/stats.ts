/** What a benchmark is, and the statistics they report. */
export type Metrics = Record<string, number | string>;
export type RunOptions = { quick: boolean; log: (line: string) => void };
/** A named group of figures; `npm run bench -- <part of a name>` runs some. */
export type Benchmark = { name: string; description: string; run(opts: RunOptions): Promise<Figure[]> };

/** The p-th percentile (0–100) of `samples`, nearest rank. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** One reported figure: what was measured, how often, the statistics, and its target. */
export type Figure = {
  name: string;
  measured: string;
  unit: string;
  runs: number;
  value?: number;
  median?: number;
  p95?: number;
  p99?: number;
  target: string;
  /** null: informational, no target. */
  met: boolean | null;
  notes?: string;
};
