import { describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tempDir } from "../support/db";
import { childEnv, ROOT, runProcess, startService } from "../support/process";

/**
 * Follows docs/add-a-resource.md literally in a copy of the repository: each file it creates,
 * each change it shows, each command it runs; then calls the new routes the way it does.
 */
const GUIDE = readFileSync(join(ROOT, "docs/add-a-resource.md"), "utf8");

interface Step {
  /** The paragraph just before the fenced block. */
  lead: string;
  lang: string;
  code: string;
}

const steps = (markdown: string): Step[] => {
  const found: Step[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(fence)) {
    const lead = markdown.slice(0, match.index).trimEnd().split("\n\n").at(-1) ?? "";
    found.push({ lead, lang: match[1] ?? "", code: match[2] ?? "" });
  }
  return found;
};

/** The first file a step's paragraph names in backquotes: "Create `src/x.ts`:". */
const pathIn = (lead: string) => {
  const path = /`([\w./-]+\.ts)`/.exec(lead)?.[1];
  if (!path) throw new Error(`no file named before a block: ${lead}`);
  return path;
};

/** Applies a context diff without hunk headers: context and removed lines must be found in order. */
const applyDiff = (text: string, diff: string) => {
  const lines = text.split("\n");
  let at = 0;
  for (const line of diff.trimEnd().split("\n")) {
    const [mark, content] = [line[0], line.slice(1)];
    if (mark === "+") {
      lines.splice(at, 0, content);
      at++;
      continue;
    }
    const found = lines.indexOf(content, at);
    if (found === -1) throw new Error(`the guide's diff does not apply; line not found: ${content}`);
    if (mark === "-") {
      lines.splice(found, 1);
      at = found;
    } else at = found + 1;
  }
  return lines.join("\n");
};

/** A copy of the working tree (tracked and new files, not ignored ones) with node_modules linked. */
const copyRepository = async () => {
  const dir = tempDir("berth-add-resource-");
  const listed = await runProcess(["git", "ls-files", "-co", "--exclude-standard"], {
    cwd: ROOT,
    env: childEnv({}),
    timeoutMs: 30_000,
  });
  for (const file of listed.stdout.split("\n").filter(Boolean)) {
    if (!existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  // Biome reads .gitignore through git.
  await runProcess(["git", "init", "-q"], { cwd: dir, env: childEnv({}), timeoutMs: 30_000 });
  return dir;
};

const sh = async (dir: string, script: string) => {
  const result = await runProcess(["sh", "-ec", script], { cwd: dir, env: childEnv({}), timeoutMs: 180_000 });
  if (result.code !== 0)
    throw new Error(`\`${script.trim()}\` exited ${result.code}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
};

describe("docs/add-a-resource.md", () => {
  test("followed step by step, adds a migrated table and routes that pass a round trip", async () => {
    const dir = await copyRepository();
    const blocks = steps(GUIDE);
    const calls = blocks.find((step) => step.lang === "sh" && step.code.includes("curl"));
    expect(calls).toBeDefined();

    for (const step of blocks) {
      if (step.lang === "ts" && /Add to the end of/.test(step.lead)) {
        const path = join(dir, pathIn(step.lead));
        writeFileSync(path, `${readFileSync(path, "utf8").trimEnd()}\n\n${step.code}`);
      } else if (step.lang === "ts" && /Create `/.test(step.lead)) {
        const path = join(dir, pathIn(step.lead));
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, step.code);
      } else if (step.lang === "diff") {
        const path = join(dir, pathIn(step.lead));
        writeFileSync(path, applyDiff(readFileSync(path, "utf8"), step.code));
      } else if (step.lang === "sh" && step !== calls) {
        await sh(dir, step.code);
      }
    }

    const migration = readdirSync(join(dir, "drizzle")).find((file) => /^0002_bookmarks\.sql$/.test(file));
    expect(migration).toBeDefined();
    expect(readFileSync(join(dir, "drizzle", migration ?? ""), "utf8")).toContain('CREATE TABLE "bookmarks"');

    // The service from the copy, on an empty PGlite: development applies the new migration at start.
    const svc = await startService(
      { PGLITE_DIR: "memory://" },
      { cwd: dir, command: [process.execPath, join(dir, "src/index.ts")] },
    );
    const output = await sh(dir, (calls?.code ?? "").replaceAll("localhost:8080", new URL(svc.url).host));
    // curl prints each body as it came, with no newline between them.
    const [created, listed] = output
      .replace(/}(?=\{)/g, "}\n")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(created).toMatchObject({ url: "https://hono.dev", title: "Hono" });
    expect(listed.items).toEqual([created]);

    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    expect(Object.keys(doc.paths["/v1/bookmarks"] ?? {}).sort()).toEqual(["get", "post"]);
    const rejected = await fetch(`${svc.url}/v1/bookmarks`, { method: "POST", body: "{}" });
    expect(rejected.status).toBe(401);
    await svc.stop();
  }, 300_000);
});
