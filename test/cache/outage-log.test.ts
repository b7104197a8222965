import { afterAll, describe, expect, test } from "bun:test";
import type { Database } from "../../src/db/types";
import { createLogger } from "../../src/logger";
import { authHeaders, buildTestApp, tokenFor } from "../api/app";
import { freshPglite } from "../fixtures/databases";
import { freePort, startService } from "../support/process";
import { serviceUrl } from "../support/services";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";
import { cacheFromEnv } from "./backends";

// Bun 1.4.5 ignores `timeout` in bunfig.toml (only --timeout works), so each test says its own.
const TEST_TIMEOUT_MS = 60_000;
const STACK_FRAME = /\n\s+at /;

interface Line {
  level: string;
  msg: string;
  error?: unknown;
  suppressed?: number;
}

const parse = (text: string): Line[] =>
  text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Line);

const noteRequests = (
  request: (path: string, init?: RequestInit) => Promise<Response>,
  headers: Record<string, string>,
) => ({
  create: async () => {
    const res = await request("/v1/notes", { method: "POST", headers, body: '{"title":"outage"}' });
    expect(res.status).toBe(201);
    return res.headers.get("location") ?? "";
  },
  readTimes: async (location: string, times: number) => {
    for (let i = 0; i < times; i++) {
      const res = await request(location, { headers });
      expect(res.status).toBe(200);
    }
  },
});

describe("a Redis outage while serving", () => {
  const redisUrl = serviceUrl("TEST_REDIS_URL");
  if (!redisUrl) return;
  const { hostname, port } = new URL(redisUrl);
  let db: Database;
  let proxy: TcpProxy;
  afterAll(async () => {
    await db?.close();
    await proxy?.close();
  });

  test(
    "reads bypass and rate limiting fails open, each saying so in one line without a stack; both recover",
    async () => {
      db = await freshPglite();
      proxy = await startTcpProxy({ target: { host: hostname, port: Number(port || 6379) } });
      const cache = cacheFromEnv({ CACHE_TIMEOUT_MS: "250", REDIS_URL: `redis://${proxy.address}` });
      const lines: string[] = [];
      const logger = createLogger({ level: "info", format: "json", write: (line) => lines.push(line) });
      const { app } = buildTestApp({ db, cache, logger, env: { RATE_LIMIT_PER_MINUTE: "1000" } });
      const headers = await authHeaders("outage-log");
      const notes = noteRequests(async (path, init) => app.request(path, init), headers);
      const location = await notes.create();
      await notes.readTimes(location, 2);
      const warnings = () => parse(lines.join("\n")).filter((line) => line.level !== "info");
      expect(warnings()).toEqual([]);

      await proxy.setMode("closed");
      await notes.readTimes(location, 20);
      const patched = await app.request(location, { method: "PATCH", headers, body: '{"title":"edited"}' });
      expect(patched.status).toBe(200);
      expect(warnings().map(({ level, msg }) => [level, msg])).toEqual([
        ["warn", "rate limiting skipped: cache unavailable (failing open)"],
        ["warn", "cache unavailable; bypassing"],
      ]);
      for (const line of warnings()) expect(String(line.error)).toStartWith("CacheUnavailableError: ");
      expect(lines.join("\n")).not.toMatch(STACK_FRAME);
      expect(lines.join("\n")).not.toContain('"stack"');

      await proxy.setMode("forward");
      const until = Date.now() + 10_000;
      while (!(await app.request(location, { headers })).headers.get("ratelimit-limit")) {
        if (Date.now() > until) throw new Error("rate limiting did not come back within 10 s");
        await Bun.sleep(50);
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe("a cache that cannot be reached at start", () => {
  const blackholes: TcpProxy[] = [];
  afterAll(() => Promise.all(blackholes.map((b) => b.close())));

  test.each([
    [
      "REDIS_URL on a closed port",
      async (port: number) => ({ REDIS_URL: `redis://:startup-secret@127.0.0.1:${port}` }),
      (port: number) =>
        `REDIS_URL: cannot reach redis://:***@127.0.0.1:${port}: connection refused: nothing listens there; start the server or correct the host and port; `,
    ],
    [
      "REDIS_HOST on a closed port",
      async (port: number) => ({ REDIS_HOST: "127.0.0.1", REDIS_PORT: String(port), REDIS_PASSWORD: "startup-secret" }),
      (port: number) => `REDIS_HOST/REDIS_PORT: cannot reach redis://:***@127.0.0.1:${port}: connection refused: `,
    ],
    [
      "REDIS_URL on a server that accepts and never answers",
      async () => {
        const blackhole = await startTcpProxy({});
        blackholes.push(blackhole);
        return { REDIS_URL: `redis://${blackhole.address}` };
      },
      () => "REDIS_URL: cannot reach redis://127.0.0.1:",
    ],
    [
      "UPSTASH_REDIS_REST_URL on a closed port",
      async (port: number) => ({
        UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${port}`,
        UPSTASH_REDIS_REST_TOKEN: "startup-secret",
      }),
      (port: number) => `UPSTASH_REDIS_REST_URL: cannot reach http://127.0.0.1:${port}/: connection refused: `,
    ],
  ])(
    "%s: one warning naming the variable, the masked target and a hint; then one line per degraded path",
    async (_, env, expected) => {
      const port = await freePort();
      const service = await startService({ PGLITE_DIR: "memory://", SHUTDOWN_DELAY_MS: "0", ...(await env(port)) });
      try {
        const headers = { Authorization: `Bearer ${await tokenFor("cold-start")}`, "Content-Type": "application/json" };
        const notes = noteRequests((path, init) => fetch(service.url + path, init), headers);
        await notes.readTimes(await notes.create(), 5);
      } finally {
        expect(await service.stop()).toBe(0);
      }
      const output = service.output();
      const warnings = parse(output).filter((line) => line.level !== "info");
      const [startup, ...degraded] = warnings;
      expect(startup?.level).toBe("warn");
      expect(startup?.msg).toStartWith(expected(port));
      expect(startup?.msg).toEndWith(
        "serving without it until it answers: note reads go to the database, rate limiting lets requests through",
      );
      expect(degraded.map((line) => line.msg).sort()).toEqual([
        "cache unavailable; bypassing",
        "rate limiting skipped: cache unavailable (failing open)",
      ]);
      expect(output).not.toContain("startup-secret");
      expect(output).not.toMatch(STACK_FRAME);
    },
    TEST_TIMEOUT_MS,
  );
});
