// `bun run bench [-- --quick | --smoke] [--only notes,verifier,fresh-token,...]`: measures berth against the
// stacks its users would pick instead and against its own floors, as ratios in one run; prints
// one table and writes bench/results/latest.json (and a dated copy). `bun bench/results-page.ts`
// turns latest.json into bench/RESULTS.md.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { type Row, renderTable } from "./report";
import { pagination, sustained } from "./scenarios/load";
import { NOTE_COMPARISONS, type NoteComparison, noteRead } from "./scenarios/note-read";
import { healthLoad, memory, startup } from "./scenarios/process";
import { livez } from "./scenarios/throughput";
import { verifier } from "./scenarios/verifier";
import { SETTINGS } from "./settings";
import { type BenchDatabase, createBenchDatabase } from "./setup";
import { ROOT } from "./spawn";
import { hasWrk, pinTo } from "./wrk";

// Servers run in sessions of their own, which Ctrl-C does not reach, and Bun skips exit handlers
// when a signal ends it: exiting on the signal lets each server's exit handler stop it.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => process.exit(130));

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { quick: { type: "boolean" }, smoke: { type: "boolean" }, only: { type: "string" } },
  strict: true,
});
const settings = SETTINGS[values.smoke ? "smoke" : values.quick ? "quick" : "full"];

if (!hasWrk()) {
  console.error(
    "bench: wrk is not installed. Install it with `apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`.",
  );
  process.exit(2);
}

const only = values.only ? new Set(values.only.toLowerCase().split(",")) : undefined;
// `--only` takes a group or one of the note read's comparisons (`fresh-token`, `sentry`, ...).
const comparisons = NOTE_COMPARISONS.filter((c) => !only || only.has("notes") || only.has(c));

// Each group of rows by the name `--only` selects it with.
const scenarios: Record<string, (db: BenchDatabase) => Promise<Row | Row[]>> = {
  notes: (db) => noteRead(settings, db, comparisons as NoteComparison[]),
  verifier: () => verifier(settings),
  livez: (db) => livez(settings, db),
  health: (db) => healthLoad(settings, db),
  startup: (db) => startup(settings, db),
  memory: (db) => memory(settings, db),
  sustained: (db) => sustained(settings, db),
  pagination: (db) => pagination(settings, db),
};
const unknown = [...(only ?? [])].filter(
  (name) => !(name in scenarios) && !comparisons.includes(name as NoteComparison),
);
if (unknown.length) {
  const known = [...Object.keys(scenarios), ...NOTE_COMPARISONS];
  console.error(`bench: unknown --only ${unknown.join(",")}; one of ${known.join(", ")}`);
  process.exit(2);
}
// The bench itself, and the Sentry ingest it runs, stay off the servers' core 0 (children that
// must run there are pinned on their own).
if (pinTo(1).length) Bun.spawnSync(["taskset", "-a", "-p", "-c", "1", String(process.pid)], { stdout: "ignore" });

const started = Date.now();
const loadBefore = loadavg()[0] ?? 0;
const db = await createBenchDatabase();
const rows: Row[] = [];
const failures: string[] = [];
try {
  for (const [name, run] of Object.entries(scenarios)) {
    if (name === "notes" ? comparisons.length === 0 : only && !only.has(name)) continue;
    const t0 = Date.now();
    try {
      rows.push(...[await run(db)].flat());
    } catch (error) {
      // One broken scenario must not cost the others' numbers; the run still fails at the end.
      failures.push(`${name}: ${(error as Error).message}`);
    }
    console.error(`${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
} finally {
  await db.drop();
}

console.log(renderTable(rows));
for (const r of rows.filter((r) => r.notes)) console.log(`${r.scenario}: ${r.notes}`);
console.log(`${settings.name} pass in ${((Date.now() - started) / 1000).toFixed(0)} s`);
const dir = `${ROOT}/bench/results`;
mkdirSync(dir, { recursive: true });
const when = new Date().toISOString();
const file = `${dir}/${when.replace(/[:.]/g, "-")}-${settings.name}.json`;
const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: navigator.hardwareConcurrency,
  loadBefore,
  loadAfter: loadavg()[0],
};
writeFileSync(file, JSON.stringify({ when, settings, bun: Bun.version, machine, rows, failures }, null, 2));
copyFileSync(file, `${dir}/latest.json`);
console.log(`results: ${file}`);
if (failures.length) {
  console.error(`scenarios that could not run:\n${failures.join("\n")}`);
  process.exit(1);
}
