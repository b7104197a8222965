export interface Row {
  id: string;
  scenario: string;
  value: number;
  baseline: number | null;
  unit: string;
  /** value / baseline, or the value itself when the budget is absolute. */
  ratio: number;
  budget: string;
  pass: boolean;
  notes?: string;
}

const fmt = (n: number | null, unit = "") =>
  n === null || Number.isNaN(n) ? "-" : `${n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(2)}${unit}`;

/** One plain table: scenario, value, baseline, ratio, budget, verdict. */
export const renderTable = (rows: Row[]) => {
  const header = ["id", "scenario", "value", "baseline", "ratio", "budget", "verdict"];
  const lines = rows.map((r) => [
    r.id,
    r.scenario,
    fmt(r.value, ` ${r.unit}`),
    fmt(r.baseline, r.baseline === null ? "" : ` ${r.unit}`),
    fmt(r.ratio),
    r.budget,
    r.pass ? "pass" : "MISS",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ");
  return [row(header), row(widths.map((w) => "-".repeat(w))), ...lines.map(row)].join("\n");
};
