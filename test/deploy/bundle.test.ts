import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildMetafile } from "bun";
import { buildBundle } from "../../scripts/build";
import { tempDir, testDatabases } from "../support/db";
import { type BuiltImage, builtImage } from "../support/image";
import { type SentryIngest, startSentryIngest } from "../support/sentry-ingest";
import { serviceUrl } from "../support/services";

/**
 * The image runs the Bun bundle, not the sources. What bundling can break is checked here: that
 * the lazy imports stay lazy, and, from the image, that it finds its Sentry chunk at run time.
 */
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
});

// The image's CMD runs in production, which refuses PGlite: this needs the real Postgres.
if (serviceUrl("TEST_DATABASE_URL")) {
  describe("the image's CMD, from its bundle", () => {
    const { fresh: freshDatabase, dropAll } = testDatabases("berth_bundle");
    const ingests: SentryIngest[] = [];
    let image: BuiltImage | undefined;
    afterAll(async () => {
      for (const ingest of ingests) ingest.stop();
      await image?.removeStarted();
      await dropAll();
    });

    test("with SENTRY_DSN set, loads its Sentry chunk and reports a failing request", async () => {
      image = await builtImage();
      const ingest = await startSentryIngest();
      ingests.push(ingest);
      const env = { ...secrets, DATABASE_URL: await freshDatabase(), DATABASE_SSL: "disable" };
      const container = await image.start({ env: { ...env, SENTRY_DSN: ingest.dsn, SENTRY_DEBUG_ROUTE: "true" } });
      const minted = await image.run({
        env,
        command: ["bun", "dist/bun/server/index.js", "token", "--sub", "bundle-user"],
      });
      expect(minted.code).toBe(0);
      const res = await fetch(`${container.url}/debug-sentry`, {
        headers: { authorization: `Bearer ${minted.stdout.trim()}` },
      });
      expect(res.status).toBe(500);
      await ingest.waitFor(() => ingest.events().length === 1);
      const [event] = ingest.events();
      expect(event?.user).toEqual({ id: "bundle-user" });
      expect(event?.exception?.values?.at(-1)?.value).toContain("Sentry debug error");
    }, 600_000);
  });
}
