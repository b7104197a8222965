/** One stack's median figures in a throughput comparison. */
export interface Stack {
  name: string;
  rps: number;
  /** Server CPU time (user + system) per request, in µs. */
  cpuUs: number;
  /** The server's CPU seconds per second of load: how much of core 0 it got. */
  coreShare?: number;
}

export interface Row {
  /** What is measured, in words: the row's name in the table and on the results page. */
  scenario: string;
  value: number;
  baseline: number | null;
  unit: string;
  /** value / baseline, or the value itself when the budget is absolute. */
  ratio: number;
  /** The bound the ratio must meet ("≥ 2.50"), or null for a row that only informs. */
  budget: string | null;
  pass: boolean;
  notes?: string;
  /** Every stack of the comparison this row was taken from. */
  stacks?: Stack[];
}

const fmt = (n: number | null, unit = "") =>
  n === null || Number.isNaN(n) ? "-" : `${n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(2)}${unit}`;

/** A row's verdict: pass, MISS, or info for a row without a budget. */
export const verdict = (r: Row) => (r.budget === null ? "info" : r.pass ? "pass" : "MISS");

/** The table's cells for one row: scenario, value, baseline, ratio, budget, verdict. */
export const cells = (r: Row) => [
  r.scenario,
  fmt(r.value, ` ${r.unit}`),
  fmt(r.baseline, r.baseline === null ? "" : ` ${r.unit}`),
  fmt(r.ratio),
  r.budget ?? "-",
  verdict(r),
];

/** One plain table: scenario, value, baseline, ratio, budget, verdict. */
export const renderTable = (rows: Row[]) => {
  const header = ["scenario", "value", "baseline", "ratio", "budget", "verdict"];
  const lines = rows.map(cells);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ");
  return [row(header), row(widths.map((w) => "-".repeat(w))), ...lines.map(row)].join("\n");
};

/** A row of a ratio budget: `≥ bound` (or `≤` with `atMost`), judged on `ratio`. */
export const budgetRow = (
  scenario: string,
  m: { value: number; baseline: number | null; ratio: number; unit: string; notes?: string; stacks?: Stack[] },
  bound: number | null,
  { atMost = false, suffix = "" } = {},
): Row => ({
  scenario,
  ...m,
  budget: bound === null ? null : `${atMost ? "≤" : "≥"} ${bound.toFixed(2)}${suffix}`,
  pass: bound === null || (atMost ? m.ratio <= bound : m.ratio >= bound),
});
