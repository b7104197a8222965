// `bun run bench [-- --quick | --smoke] [--only B1,B2]`: measures SPEC §12's budgets as ratios
// against bare baselines in the same run and prints one table; results also go to bench/results/.
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type Row, renderTable } from "./report";
import { b7, b8 } from "./scenarios/load";
import { b4, b5, b6 } from "./scenarios/process";
import { b1, b2b3 } from "./scenarios/throughput";
import { SETTINGS } from "./settings";
import { createBenchDatabase } from "./setup";
import { ROOT } from "./spawn";
import { hasWrk } from "./wrk";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { quick: { type: "boolean" }, smoke: { type: "boolean" }, only: { type: "string" } },
  strict: true,
});
const settings = SETTINGS[values.smoke ? "smoke" : values.quick ? "quick" : "full"];
const only = values.only ? new Set(values.only.toUpperCase().split(",")) : undefined;

if (!hasWrk()) {
  console.error(
    "bench: wrk is not installed. Install it with `apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`.",
  );
  process.exit(2);
}

const scenarios: [string[], (db: Awaited<ReturnType<typeof createBenchDatabase>>) => Promise<Row | Row[]>][] = [
  [["B1"], (db) => b1(settings, db)],
  [["B2", "B3"], (db) => b2b3(settings, db)],
  [["B4"], (db) => b4(settings, db)],
  [["B5"], (db) => b5(settings, db)],
  [["B6"], (db) => b6(settings, db)],
  [["B8"], (db) => b8(settings, db)],
  [["B7"], (db) => b7(settings, db)],
];

const started = Date.now();
const db = await createBenchDatabase();
const rows: Row[] = [];
const failures: string[] = [];
try {
  for (const [ids, run] of scenarios) {
    if (only && !ids.some((id) => only.has(id))) continue;
    const t0 = Date.now();
    try {
      rows.push(...[await run(db)].flat());
    } catch (error) {
      // One broken scenario must not cost the others' numbers; the run still fails at the end.
      failures.push(`${ids.join("+")}: ${(error as Error).message}`);
    }
    console.error(`${ids.join("+")} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
} finally {
  await db.drop();
}

console.log(renderTable(rows));
for (const r of rows.filter((r) => r.notes)) console.log(`${r.id}: ${r.notes}`);
console.log(`${settings.name} pass in ${((Date.now() - started) / 1000).toFixed(0)} s`);
mkdirSync(`${ROOT}/bench/results`, { recursive: true });
const file = `${ROOT}/bench/results/${new Date().toISOString().replace(/[:.]/g, "-")}-${settings.name}.json`;
writeFileSync(
  file,
  JSON.stringify(
    { when: new Date().toISOString(), settings, bun: Bun.version, cores: navigator.hardwareConcurrency, rows },
    null,
    2,
  ),
);
console.log(`results: ${file}`);
if (failures.length) {
  console.error(`scenarios that could not run:\n${failures.join("\n")}`);
  process.exit(1);
}
