/**
 * `bun run db:lint [files…]`: lints migrations (drizzle/*.sql by default) with squawk, set up in
 * .squawk.toml for Postgres 15+ and for rolling deploys, where the release still serving runs
 * against the new schema. Exit 0 when clean; 1 with every finding as `file:line:column rule`,
 * squawk's message and advice. A finding is acknowledged only by squawk's own comment on the line
 * before the statement, naming the rule and then, after `--`, why it is safe:
 *
 *   -- squawk-ignore ban-drop-column -- the release before this one stopped reading it
 *
 * An acknowledgement without a reason is a finding too. See docs/migrations.md.
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SQUAWK = `${ROOT}node_modules/.bin/squawk`;

export interface Finding {
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  rule: string;
  message: string;
  advice: string;
}

interface SquawkViolation {
  file: string;
  /** squawk's JSON report counts lines and columns from 0. */
  line: number;
  column: number;
  rule_name: string;
  message: string;
  help: string | null;
}

const EXPAND_CONTRACT =
  "the release still serving uses it: expand and contract across two deploys instead (docs/migrations.md)";
// squawk gives these rules no help line of its own.
const ADVICE: Record<string, string> = {
  "ban-drop-column": EXPAND_CONTRACT,
  "ban-drop-table": EXPAND_CONTRACT,
  "renaming-column": EXPAND_CONTRACT,
  "renaming-table": EXPAND_CONTRACT,
  "changing-column-type": EXPAND_CONTRACT,
};

const IGNORE = /--\s*squawk-ignore(-file)?\b(.*)$/;
const ACKNOWLEDGED = /^\s+[a-z-]+(\s*,\s*[a-z-]+)*\s+--\s*\S/;

/** squawk-ignore comments that do not name a rule and say why. */
const bareAcknowledgements = (file: string): Finding[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .flatMap((text, index) => {
      const match = IGNORE.exec(text);
      if (!match || ACKNOWLEDGED.test(match[2] ?? "")) return [];
      return [
        {
          file,
          line: index + 1,
          column: (match.index ?? 0) + 1,
          rule: "acknowledgement-without-reason",
          message: "a squawk-ignore comment must name the rule and say why the statement is safe",
          advice: "write it as `-- squawk-ignore <rule> -- <why the release still serving survives this>`",
        },
      ];
    });

/** Runs squawk over `files` and returns every finding, its own and the acknowledgement check's. */
export const lintMigrations = async (files: string[]): Promise<Finding[]> => {
  const proc = Bun.spawn([SQUAWK, "--config", `${ROOT}.squawk.toml`, "--reporter", "json", ...files], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  // squawk exits 1 when it found something and 2 when it could not lint (a bad flag, a missing file).
  if (code > 1) throw new Error(`squawk exited ${code}: ${stderr.trim() || stdout.trim()}`);
  const violations = JSON.parse(stdout || "[]") as SquawkViolation[];
  return [
    ...violations.map((v) => ({
      file: v.file,
      line: v.line + 1,
      column: v.column + 1,
      rule: v.rule_name,
      message: v.message,
      advice: v.help ?? ADVICE[v.rule_name] ?? "see docs/migrations.md",
    })),
    ...files.flatMap(bareAcknowledgements),
  ];
};

const format = (f: Finding) =>
  `${relative(process.cwd(), f.file)}:${f.line}:${f.column} ${f.rule}: ${f.message}\n  advice: ${f.advice}`;

if (import.meta.main) {
  const args = process.argv.slice(2);
  const files = args.length
    ? args.map((file) => resolve(file))
    : [...new Bun.Glob("drizzle/*.sql").scanSync({ cwd: ROOT, absolute: true })].sort();
  const findings = await lintMigrations(files);
  for (const finding of findings) console.error(format(finding));
  console.log(
    findings.length
      ? `db:lint: ${findings.length} finding(s) in ${new Set(findings.map((f) => f.file)).size} of ${files.length} migration(s); docs/migrations.md says how to make each change safely`
      : `db:lint: ${files.length} migration(s) safe for a rolling deploy`,
  );
  process.exit(findings.length ? 1 : 0);
}
