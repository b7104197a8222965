import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildMetafile } from "bun";
import postgres from "postgres";
import { readMigrations } from "../../src/db/migrations/files";
import { buildBundle } from "../../src/runtime/bundle";
import { tempDir, testDatabases } from "../support/db";
import { ROOT } from "../support/process";
import { type SentryIngest, startSentryIngest } from "../support/sentry-ingest";
import { serviceUrl } from "../support/services";
import { parseDockerfile } from "./dockerfile";
import { assembleImage, imageEntry } from "./image";

/**
 * The image runs the Bun bundle, not the sources. What bundling can break is checked here: that
 * the lazy imports stay lazy, and, on the bundle the image's own build stage made, that it finds
 * the migrations, PGlite and its Sentry chunk at run time.
 */
const plan = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const cmd = plan.final.cmd ?? [];
const entry = imageEntry(plan.final);
const secrets = {
  AUTH_JWT_SECRET: "bundle-jwt-secret-0123456789abcdef0123456789",
  OPS_TOKEN: "bundle-ops-token-0123456789abcdef0123456789",
};

/** Every source module in the outputs the entry loads before its first `import()` runs. */
const loadedAtStart = (metafile: BuildMetafile) => {
  const [start] = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === "src/index.ts") ?? [];
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const i of metafile.outputs[path]?.imports ?? []) if (i.kind === "import-statement") visit(i.path);
  };
  if (start) visit(start);
  return [...loaded].flatMap((path) => Object.keys(metafile.outputs[path]?.inputs ?? {}));
};

describe("the Bun bundle", () => {
  test("loads Sentry's SDK, PGlite's driver and the healthcheck command only when they are imported", async () => {
    const outdir = tempDir("berth-bun-bundle-");
    const { metafile } = await buildBundle("bun", { outdir });
    const atStart = loadedAtStart(metafile);
    const bundled = Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    expect(atStart).toContain("src/cli/index.ts");
    const lazy = (path: string) =>
      path.startsWith("node_modules/@sentry/") || /^src\/(db\/pglite|cli\/healthcheck)/.test(path);
    expect(bundled.filter(lazy).length).toBeGreaterThan(3);
    expect(atStart.filter(lazy)).toEqual([]);

    // PGlite reads its wasm and data files from beside its own module: it stays in node_modules.
    expect(bundled.filter((path) => path.includes("@electric-sql/pglite"))).toEqual([]);
    const [pgliteChunk] = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint === "src/db/pglite.ts") ?? [];
    expect(readFileSync(join(outdir, pgliteChunk ?? ""), "utf8")).toContain('from "@electric-sql/pglite"');
  }, 60_000);

  test("from the image, without DATABASE_URL, serves on PGlite from the image's node_modules", async () => {
    const image = await assembleImage(plan);
    const dir = tempDir("berth-bundle-pglite-");
    const env = { ...image.env, APP_MODE: "development", PGLITE_DIR: dir };
    const service = await image.start([...entry, "serve", "--apply-migrations"], env, "/readyz");
    expect(existsSync(join(dir, "PG_VERSION"))).toBe(true);
    expect(await service.stop("SIGTERM")).toBe(0);
  }, 300_000);
});

// The image's CMD runs in production, which refuses PGlite: these need the real Postgres.
if (serviceUrl("TEST_DATABASE_URL")) {
  describe("the image's CMD, from its bundle", () => {
    const { fresh: freshDatabase, dropAll } = testDatabases("berth_bundle");
    const ingests: SentryIngest[] = [];
    afterAll(async () => {
      for (const ingest of ingests) ingest.stop();
      await dropAll();
    });
    const production = async (extra: Record<string, string> = {}) => {
      const image = await assembleImage(plan);
      const databaseUrl = await freshDatabase();
      const env = { ...image.env, ...secrets, DATABASE_URL: databaseUrl, DATABASE_SSL: "disable", ...extra };
      return { image, env, databaseUrl, service: await image.start(cmd, env, "/readyz") };
    };

    test("applies every migration in the image's drizzle/ to a fresh database", async () => {
      const { image, databaseUrl, service } = await production();
      const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      try {
        const applied = await sql<{ hash: string }[]>`select hash from drizzle.__drizzle_migrations order by id`;
        const shipped = readMigrations(join(image.appDir, "drizzle"));
        expect(shipped.length).toBeGreaterThan(0);
        expect(applied.map((row) => row.hash)).toEqual(shipped.map((m) => m.hash));
      } finally {
        await sql.end();
        await service.stop("SIGKILL");
      }
    }, 300_000);

    test("with SENTRY_DSN set, loads its Sentry chunk and reports a failing request", async () => {
      const ingest = await startSentryIngest();
      ingests.push(ingest);
      const { image, env, service } = await production({ SENTRY_DSN: ingest.dsn, SENTRY_DEBUG_ROUTE: "true" });
      try {
        const minted = await image.run([...entry, "token", "--sub", "bundle-user"], env);
        expect(minted.code).toBe(0);
        const res = await fetch(`${service.url}/debug-sentry`, {
          headers: { authorization: `Bearer ${minted.stdout.trim()}` },
        });
        expect(res.status).toBe(500);
        await ingest.waitFor(() => ingest.events().length === 1);
        const [event] = ingest.events();
        expect(event?.user).toEqual({ id: "bundle-user" });
        expect(event?.exception?.values?.at(-1)?.value).toContain("Sentry debug error");
      } finally {
        await service.stop("SIGKILL");
      }
    }, 300_000);
  });
}
