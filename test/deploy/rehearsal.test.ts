import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json";
import { testDatabases } from "../support/db";
import { ROOT } from "../support/process";
import { serviceUrl } from "../support/services";
import { parseDockerfile, withoutCopySource } from "./dockerfile";
import { buildStage, contextSends, imageToolchain, RehearsalError } from "./image";
import { rehearse } from "./rehearse";

const DOCKERFILE = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const secrets = {
  AUTH_JWT_SECRET: "rehearsal-jwt-secret-0123456789abcdef0123456789",
  OPS_TOKEN: "rehearsal-ops-token-0123456789abcdef0123456789",
};

const { fresh: freshDatabase, dropAll } = testDatabases("berth_rehearsal");
afterAll(dropAll);

const walk = (dir: string, rel = ""): string[] =>
  readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(dir, join(rel, entry.name)) : [join(rel, entry.name)],
  );

describe("the build context (.dockerignore)", () => {
  test("keeps local state, secrets, tests and git metadata out", () => {
    for (const path of [".data/pglite/PG_VERSION", "node_modules/hono/package.json", ".env", ".env.production"]) {
      expect({ path, sent: contextSends(path) }).toEqual({ path, sent: false });
    }
    for (const path of [
      ".git/HEAD",
      "test/api/notes.test.ts",
      "src/config/index.test.ts",
      "coverage/lcov.info",
      "dist/bun/server/index.js",
    ]) {
      expect({ path, sent: contextSends(path) }).toEqual({ path, sent: false });
    }
  });

  test("sends everything the COPY lines name", () => {
    const named = parseDockerfile(DOCKERFILE).stages.flatMap((s) =>
      s.steps.flatMap((step) => (step.kind === "copy" && !step.from ? step.sources : [])),
    );
    expect(named.length).toBeGreaterThan(0);
    for (const path of [...named, "src/index.ts", "drizzle/meta/_journal.json"]) {
      expect({ path, sent: contextSends(path) }).toEqual({ path, sent: true });
    }
  });
});

describe("the final stage's contents", () => {
  test("are the COPY lines' files, the Bun bundle and production dependencies only, with drizzle-kit among them", async () => {
    const plan = parseDockerfile(DOCKERFILE);
    const image = await buildStage(plan, plan.final, { bin: imageToolchain() });
    const app = join(image.root, image.workdir);
    expect(readdirSync(app).sort()).toEqual(["dist", "drizzle", "drizzle.config.ts", "node_modules", "src"]);
    expect(walk(join(app, "dist")).filter((f) => !/^bun\/server\/chunk-\w+\.js$/.test(f))).toEqual([
      "bun/server/index.js",
    ]);
    expect(walk(join(app, "src")).filter((f) => f.endsWith(".test.ts"))).toEqual([]);
    for (const dev of Object.keys(pkg.devDependencies)) {
      expect({ dev, installed: existsSync(join(app, "node_modules", dev)) }).toEqual({ dev, installed: false });
    }
    expect(Object.keys(pkg.dependencies)).toContain("drizzle-kit");
    expect(readdirSync(join(app, "node_modules/.bin"))).toContain("drizzle-kit");
  }, 300_000);
});

// The rehearsal needs the real Postgres (production refuses PGlite); in CI it is always there.
if (serviceUrl("TEST_DATABASE_URL")) {
  describe("image rehearsal", () => {
    test("releases, serves and stops cleanly from the assembled image alone", async () => {
      const { timings } = await rehearse(DOCKERFILE, { databaseUrl: await freshDatabase(), secrets });
      console.log(
        `image rehearsal:\n${timings.map((t) => `  ${t.step.padEnd(26)} ${t.ms.toFixed(0).padStart(6)} ms  ${t.detail}`).join("\n")}`,
      );
      expect(timings.map((t) => t.step)).toEqual([
        "assemble",
        "RUN (install stage)",
        "RUN (build stage)",
        "release",
        "migrate status",
        "start",
        "healthcheck",
        "probes",
        "token",
        "request",
        "sigterm (CMD)",
        "healthcheck after stop",
        "railway start",
        "sigterm (railway start)",
      ]);
    }, 300_000);

    // Each file the image needs, dropped from its COPY line, fails the rehearsal at the step that
    // needs it, for that reason (a download of drizzle-kit is refused: the image must carry it).
    test.each([
      ["drizzle", "release", "applying migrations"],
      ["drizzle.config.ts", "release", "drizzle.config"],
      ["src", "release", "./src/config"],
      ["/app/node_modules", "release", "downloading package manifest drizzle-kit"],
      ["package.json", "build", "build:bun"],
      ["/app/dist", "migrate status", "dist/bun/server/index.js"],
      ["patches", "build", "patch file not found"],
    ])(
      "without %s in the image, the rehearsal fails at %s",
      async (source, failingStep, reason) => {
        const broken = withoutCopySource(DOCKERFILE, source);
        expect(broken).not.toBe(DOCKERFILE);
        const failure = await rehearse(broken, { databaseUrl: await freshDatabase(), secrets }).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(RehearsalError);
        expect((failure as RehearsalError).step).toBe(failingStep);
        expect((failure as RehearsalError).message).toContain(reason);
      },
      120_000,
    );
  });
}
