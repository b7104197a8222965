import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { type CliResult, childEnv, ROOT, runProcess, startService } from "../support/process";
import { tempDir } from "../support/temp";
import { tokenFor } from "./app";

// A program as a user would write it: openapi-fetch typed by the generated `paths`. The
// `@ts-expect-error` lines prove the types are the document's, not `any`: tsc fails on an unused one.
const ROUND_TRIP = `
import createClient from "openapi-fetch";
import type { components, paths } from "./berth-api";

type Problem = components["schemas"]["Problem"];
const client = createClient<paths>({
  baseUrl: process.env.BERTH_URL,
  headers: { Authorization: \`Bearer \${process.env.BERTH_TOKEN}\` },
});
const statuses: Record<string, number> = {};

const created = await client.POST("/v1/notes", {
  params: { header: { "idempotency-key": "generated-client" } },
  body: { title: "typed" },
});
statuses.create = created.response.status;
if (!created.data) throw new Error("no note");
const id: string = created.data.id;
const firstTag = created.response.headers.get("ETag") ?? "";

const read = await client.GET("/v1/notes/{id}", { params: { path: { id } } });
statuses.read = read.response.status;
const title: string | undefined = read.data?.title;

const again = await client.GET("/v1/notes/{id}", { params: { path: { id }, header: { "If-None-Match": firstTag } } });
statuses.readAgain = again.response.status;

const updated = await client.PATCH("/v1/notes/{id}", {
  params: { path: { id }, header: { "If-Match": firstTag } },
  body: { title: "renamed" },
});
statuses.update = updated.response.status;

const stale = await client.PATCH("/v1/notes/{id}", {
  params: { path: { id }, header: { "If-Match": firstTag } },
  body: { title: "too late" },
});
statuses.staleUpdate = stale.response.status;
const problem: Problem | undefined = stale.error;

const removed = await client.DELETE("/v1/notes/{id}", {
  params: { path: { id }, header: { "If-Match": updated.response.headers.get("ETag") ?? "" } },
});
statuses.delete = removed.response.status;
const gone = await client.GET("/v1/notes/{id}", { params: { path: { id } } });
statuses.readDeleted = gone.response.status;

// @ts-expect-error: a note has no \`heading\`, and its \`title\` is required
await client.POST("/v1/notes", { body: { heading: "no" } });
// @ts-expect-error: the path needs its \`id\`
await client.GET("/v1/notes/{id}", { params: { path: {} } });
// @ts-expect-error: there is no such route
await client.GET("/v1/notebooks");

console.log(JSON.stringify({ statuses, title, renamed: updated.data?.title, problem }));
`;

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "bundler",
    types: ["bun"],
    skipLibCheck: true,
  },
  include: ["*.ts"],
};

const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);

/** The TypeScript example under docs/api.md's "Generated client", as a module with its token declared. */
const docsExample = () => {
  const page = readFileSync(join(ROOT, "docs/api.md"), "utf8");
  const section = page.slice(page.indexOf("## Generated client"));
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!example) throw new Error("docs/api.md has no TypeScript example under Generated client");
  return `declare const token: string;\n${example}export {};\n`;
};

// At the file's top level, so the service outlives the hooks and is stopped after the last test.
const service = await startService({ APP_MODE: "test", PGLITE_DIR: "memory://" });

describe("a client generated from /openapi.json (openapi-typescript, openapi-fetch)", () => {
  let dir: string;
  let generated: CliResult;
  let compiled: CliResult;
  beforeAll(async () => {
    dir = tempDir("berth-client-");
    // The program resolves openapi-fetch and Bun's types as a project depending on them would.
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    generated = await runProcess(
      [process.execPath, "run", "client:generate", `${service.url}/openapi.json`, join(dir, "berth-api.d.ts")],
      { cwd: ROOT, env: childEnv({}), timeoutMs: 60_000 },
    );
    await Bun.write(join(dir, "round-trip.ts"), ROUND_TRIP);
    await Bun.write(join(dir, "docs-example.ts"), docsExample());
    await Bun.write(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));
    compiled = await runProcess([bin("tsc"), "-p", dir], { cwd: dir, env: childEnv({}), timeoutMs: 120_000 });
  }, 240_000);

  test("`bun run client:generate` writes the types from the running service's document", async () => {
    expect(generated.code, generated.stderr).toBe(0);
    const types = await Bun.file(join(dir, "berth-api.d.ts")).text();
    expect(types).toContain('"/v1/notes/{id}"');
    expect(types).toContain('"If-Match"?: components["parameters"]["If-Match"]');
  });

  test("the typed program and the docs/api.md example compile with tsc; misuse of the API does not", () => {
    expect(compiled.stdout + compiled.stderr).toBe("");
    expect(compiled.code).toBe(0);
  });

  test("create, read, read again (304), update, stale update (412), delete round trip", async () => {
    const run = await runProcess([process.execPath, join(dir, "round-trip.ts")], {
      cwd: dir,
      env: childEnv({ BERTH_URL: service.url, BERTH_TOKEN: await tokenFor("generated-client-user") }),
      timeoutMs: 60_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      statuses: {
        create: 201,
        read: 200,
        readAgain: 304,
        update: 200,
        staleUpdate: 412,
        delete: 204,
        readDeleted: 404,
      },
      title: "typed",
      renamed: "renamed",
      problem: { status: 412, title: "Precondition Failed" },
    });
  }, 90_000);
});
