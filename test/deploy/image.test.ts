import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pkg from "../../package.json";
import { call, JWT_SECRET, OPS_TOKEN, targetOf, through, userHeaders } from "../health/service";
import { testDatabases } from "../support/db";
import { type BuiltImage, builtImage } from "../support/image";
import { pgRoundTrips } from "../support/pg-wire";
import type { RunningService } from "../support/process";
import { serviceUrl } from "../support/services";
import { startTcpProxy } from "../support/tcp-proxy";
import { releaseCommand } from "./platforms";

/**
 * The production image, built from the Dockerfile and run with podman: the release step, the
 * CMD, the HEALTHCHECK and a graceful stop, as a platform runs them. Production refuses PGlite,
 * so these need the real Postgres; in CI it is always there.
 */
const secrets = { AUTH_JWT_SECRET: JWT_SECRET, OPS_TOKEN, DATABASE_SSL: "disable", RATE_LIMIT_PER_MINUTE: "0" };
const { fresh: freshDatabase, dropAll } = testDatabases("berth_image");
let image: BuiltImage;

// The service's helpers take a RunningService; a container answers on the same loopback URL.
const asService = (url: string) => ({ url }) as RunningService;

if (serviceUrl("TEST_DATABASE_URL")) {
  beforeAll(async () => {
    image = await builtImage();
    console.log(`image build: ${(image.buildMs / 1000).toFixed(1)} s`);
  }, 600_000);
  // Removing containers and dropping databases can outlast Bun's 5 s hook limit on a loaded machine.
  afterAll(async () => {
    await image?.removeStarted();
    await dropAll();
  }, 60_000);

  describe("the image's release step", () => {
    test("migrates a fresh database from the image alone, reaching no registry", async () => {
      const env = { ...secrets, DATABASE_URL: await freshDatabase() };
      const release = await image.run({ env, command: ["sh", "-c", releaseCommand()] });
      expect({ code: release.code, output: release.stdout + release.stderr }).toMatchObject({ code: 0 });
      expect(release.stdout).toContain("migrations applied successfully");
      // The service agrees with drizzle-kit's ledger: nothing pending, no drift.
      const status = await image.run({ env, command: ["bun", "dist/bun/server/index.js", "migrate", "status"] });
      expect({ code: status.code, output: status.stdout + status.stderr }).toMatchObject({ code: 0 });
    }, 180_000);
  });

  describe("the image's CMD", () => {
    test("serves probes and a note round trip as uid 1000, and passes its HEALTHCHECK", async () => {
      const container = await image.start({ env: { ...secrets, DATABASE_URL: await freshDatabase() } });
      console.log(`image start to first /readyz 200: ${container.readyMs.toFixed(0)} ms`);
      const health = await fetch(`${container.url}/health`);
      expect(health.status).toBe(200);

      const minted = await image.podman([
        "exec",
        container.id,
        "bun",
        "dist/bun/server/index.js",
        "token",
        "--sub",
        "img",
      ]);
      expect(minted.code).toBe(0);
      const headers = { authorization: `Bearer ${minted.stdout.trim()}`, "content-type": "application/json" };
      const created = await fetch(`${container.url}/v1/notes`, {
        method: "POST",
        headers,
        body: JSON.stringify({ title: "from the image", body: "served by its CMD" }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const read = await fetch(`${container.url}/v1/notes/${id}`, { headers });
      expect(await read.json()).toMatchObject({ id, title: "from the image" });

      expect((await image.podman(["healthcheck", "run", container.id])).code).toBe(0);
      const uid = await image.podman(["exec", container.id, "id", "-u"]);
      expect(uid.stdout.trim()).toBe("1000");
    }, 180_000);

    test("runs with a read-only root, no capabilities and no new privileges", async () => {
      const container = await image.start({
        env: { ...secrets, DATABASE_URL: await freshDatabase() },
        flags: ["--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"],
      });
      expect((await fetch(`${container.url}/readyz`)).status).toBe(200);
      expect((await image.podman(["healthcheck", "run", container.id])).code).toBe(0);
    }, 180_000);

    test("finishes every request in flight on `podman stop -t 30` and exits 0", async () => {
      const databaseUrl = await freshDatabase();
      const roundTrips = pgRoundTrips();
      const pg = await startTcpProxy({ target: targetOf(databaseUrl), tap: roundTrips.tap });
      try {
        const env = { ...secrets, DATABASE_URL: through(databaseUrl, pg.address), DATABASE_TIMEOUT_MS: "15000" };
        const container = await image.start({ env: { ...env, HEALTH_CACHE_TTL_MS: "60000" } });
        const svc = asService(container.url);
        const alice = await userHeaders("alice");
        const create = (title: string) =>
          call(svc, "/v1/notes", { method: "POST", headers: alice, body: JSON.stringify({ title }) });
        const count = 4;
        const warm = await Promise.all(Array.from({ length: count }, (_, i) => create(`warm ${i}`)));
        expect(warm.map((r) => r.res.status)).toEqual(Array(count).fill(201));

        // Every database round trip now takes two seconds: the creates are in flight at the stop.
        pg.setDelay(1000);
        const sent = roundTrips.count;
        const inFlight = Array.from({ length: count }, (_, i) => create(`in flight ${i}`).then((r) => r.res.status));
        const reached = performance.now() + 1500;
        while (roundTrips.count - sent < count && performance.now() < reached) await Bun.sleep(10);

        const stopping = performance.now();
        const stop = await image.podman(["stop", "--time", "30", container.id], 60_000);
        console.log(`image stop with ${count} requests in flight: ${(performance.now() - stopping).toFixed(0)} ms`);
        expect(stop.code).toBe(0);
        expect(await Promise.all(inFlight)).toEqual(Array(count).fill(201));
        const exit = await image.podman(["inspect", "--format", "{{.State.ExitCode}}", container.id]);
        expect(exit.stdout.trim()).toBe("0");
      } finally {
        await pg.close();
      }
    }, 180_000);
  });

  describe("the image's contents", () => {
    const list = (command: string) => image.run({ command: ["sh", "-c", command] }).then((r) => r.stdout.trim());

    test("are the bundle, the migrations, the release step's config and its dependencies only", async () => {
      expect((await list("ls -A /app")).split("\n")).toEqual(["dist", "drizzle", "drizzle.config.js", "node_modules"]);
      expect(await list("ls /app/dist")).toBe("bun");
      const modules = (await list("ls /app/node_modules")).split("\n");
      expect(modules).toEqual(expect.arrayContaining(["drizzle-kit", "drizzle-orm", "postgres"]));
      // Production never opens PGlite, and the bundle carries Sentry and every other package.
      for (const name of ["@electric-sql", "@sentry", "hono", "zod", ".bin/tsc"]) expect(modules).not.toContain(name);
    }, 60_000);

    test("hold no dev dependency, test, source, .env, git metadata or build secret", async () => {
      const names = Object.keys(pkg.devDependencies).map((dep) => `/app/node_modules/${dep}`);
      const found = await list(
        `ls -d ${names.join(" ")} /app/src /app/test /app/.git /app/.env /run/secrets/ca 2>/dev/null; ` +
          "find / -xdev \\( -name '*.test.ts' -o -name '.env' -o -name '.git' -o -name '*.d.ts' \\) 2>/dev/null",
      );
      expect(found).toBe("");
      const ca = process.env.NODE_EXTRA_CA_CERTS;
      if (ca) {
        const marker = (await Bun.file(ca).text()).split("\n").find((line) => line && !line.startsWith("-----"));
        expect(await list(`grep -rlF '${marker}' /app /root /home /tmp 2>/dev/null || true`)).toBe("");
      }
    }, 60_000);

    test("carry the commit they were built from", async () => {
      expect(await list('printf %s "$GIT_SHA"')).toBe(image.gitSha);
    }, 60_000);
  });
}
