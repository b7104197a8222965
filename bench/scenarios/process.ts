import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Row } from "../report";
import { median, type Settings } from "../settings";
import { type BenchDatabase, benchToken, serviceEnv, startService } from "../setup";
import { ROOT, spawnServer } from "../spawn";
import { wrk } from "../wrk";

const entry = [process.execPath, `${ROOT}/src/index.ts`, "serve"];
const MB = 1024 * 1024;

/** B4: /health under 256 connections; database transactions per second caused by health checks. */
export const b4 = async (s: Settings, db: BenchDatabase): Promise<Row> => {
  const service = await startService(db);
  const ttlMs = 1000;
  const commits = async () => {
    const [row] = await db.sql<{ n: string }[]>`
      select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()`;
    return Number(row?.n ?? 0);
  };
  try {
    await Bun.sleep(1200);
    const before = await commits();
    const seconds = Math.max(2, s.seconds * 2);
    const result = await wrk(`${service.url}/health`, { seconds, connections: 256 });
    await Bun.sleep(1200); // statistics reach pg_stat_database within about a second
    // Each `commits()` read is one transaction of its own; take the first one back out.
    const perSecond = (await commits()) - before - 1;
    const value = perSecond / seconds;
    const budget = 1000 / ttlMs;
    return {
      id: "B4",
      scenario: "/health at 256 connections: DB queries/s from checks",
      value,
      baseline: null,
      unit: "q/s",
      ratio: value,
      budget: `<= ${budget}`,
      pass: value <= budget,
      notes: `${Math.round(result.rps)} /health req/s served`,
    };
  } finally {
    await service.stop();
  }
};

/** B5: process start to first 200 on /readyz, median of several starts, on Postgres and on PGlite. */
export const b5 = async (s: Settings, db: BenchDatabase): Promise<Row[]> => {
  const times = async (env: Record<string, string>) => {
    const samples: number[] = [];
    for (let i = 0; i < s.startups; i++) {
      const server = await spawnServer(entry, env, { readyPath: "/readyz", pollMs: 5 });
      samples.push(server.startMs);
      await server.stop();
    }
    return median(samples);
  };
  const postgresMs = await times(serviceEnv(db));
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-pglite-"));
  try {
    const pgliteEnv = { APP_MODE: "development", PGLITE_DIR: dir, OPS_PORT: "0", LOG_LEVEL: "warn" };
    await (await spawnServer(entry, pgliteEnv, { readyPath: "/readyz" })).stop(); // create and migrate it once
    const pgliteMs = await times(pgliteEnv);
    return [
      {
        id: "B5",
        scenario: "start to first /readyz 200, Postgres",
        value: postgresMs,
        baseline: null,
        unit: "ms",
        ratio: postgresMs,
        budget: "<= 200 ms",
        pass: postgresMs <= 200,
      },
      {
        id: "B5",
        scenario: "start to first /readyz 200, PGlite (existing dir)",
        value: pgliteMs,
        baseline: null,
        unit: "ms",
        ratio: pgliteMs,
        budget: "<= 1500 ms",
        pass: pgliteMs <= 1500,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** B6: idle RSS, and RSS growth over a fixed number of requests after a warm-up. */
export const b6 = async (s: Settings, db: BenchDatabase): Promise<Row[]> => {
  const service = await startService(db);
  const headers = { Authorization: `Bearer ${benchToken()}` };
  const url = `${service.url}/v1/notes/${db.noteId}`;
  try {
    await Bun.sleep(1000);
    const idle = service.rss();
    await wrk(url, { seconds: 60, connections: s.connections, headers, maxRequests: s.memoryRequests / 10 });
    const warm = service.rss();
    const run = await wrk(url, { seconds: 120, connections: s.connections, headers, maxRequests: s.memoryRequests });
    await Bun.sleep(500);
    const after = service.rss();
    const growth = (after - warm) / warm;
    return [
      {
        id: "B6",
        scenario: "idle RSS",
        value: idle / MB,
        baseline: null,
        unit: "MB",
        ratio: idle / MB,
        budget: "<= 80 MB",
        pass: idle / MB <= 80,
      },
      {
        id: "B6",
        scenario: `RSS growth over ${run.requests.toLocaleString("en-US")} requests`,
        value: after / MB,
        baseline: warm / MB,
        unit: "MB",
        ratio: 1 + growth,
        budget: "<= 1.10",
        pass: growth <= 0.1,
      },
    ];
  } finally {
    await service.stop();
  }
};
