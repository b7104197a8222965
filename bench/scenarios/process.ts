import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle, bundleTargets } from "../../scripts/build";
import { pgRoundTrips } from "../../test/support/pg-wire";
import { startTcpProxy } from "../../test/support/tcp-proxy";
import type { Row } from "../report";
import { median, type Settings } from "../settings";
import { type BenchDatabase, benchToken, serviceEnv, startService } from "../setup";
import { ROOT, spawnServer } from "../spawn";
import { wrk, wrkRequests } from "../wrk";

// Decimal megabytes (10^6 bytes), the unit the budget is stated in; MiB would read 5 % lower.
const MB = 1_000_000;

/**
 * /health under 256 connections; database round trips made by health checks per second,
 * counted at a TCP proxy in front of Postgres. The rate is taken between the first and the last
 * round trip seen, so it is the steady-state rate and not a fencepost of the window.
 */
export const healthLoad = async (s: Settings, db: BenchDatabase): Promise<Row> => {
  const target = new URL(db.url);
  const counter = pgRoundTrips();
  const seen: number[] = [];
  const proxy = await startTcpProxy({
    target: { host: target.hostname, port: Number(target.port || 5432) },
    tap: (direction, id, chunk) => {
      const before = counter.count;
      counter.tap(direction, id, chunk);
      if (counter.count > before) seen.push(performance.now());
    },
  });
  const viaProxy = new URL(db.url);
  viaProxy.host = proxy.address;
  const ttlMs = 1000;
  const service = await startService({ ...db, url: viaProxy.toString() }, { HEALTH_CACHE_TTL_MS: String(ttlMs) });
  try {
    const seconds = Math.max(3, s.seconds * 2);
    const from = performance.now();
    const result = await wrk(`${service.url}/health`, { seconds, connections: 256 });
    const during = seen.filter((t) => t >= from);
    const spanS = during.length > 1 ? ((during.at(-1) as number) - (during[0] as number)) / 1000 : seconds;
    const value = during.length > 1 ? (during.length - 1) / spanS : during.length / seconds;
    const budget = 1000 / ttlMs;
    return {
      scenario: "/health at 256 connections: DB queries/s from checks",
      value,
      baseline: null,
      unit: "q/s",
      ratio: value,
      budget: `≤ ${budget}`,
      pass: value <= budget,
      notes: `${during.length} round trips in ${seconds} s while serving ${Math.round(result.rps)} /health req/s`,
    };
  } finally {
    await service.stop();
    await proxy.close();
  }
};

type Entry = "bundle" | "source";

/** The median start of each entry to its first /readyz 200, the two started in turn so noise hits both. */
const startTimes = async (s: Settings, entries: Record<Entry, string[]>, env: Record<string, string>) => {
  const samples: Record<Entry, number[]> = { bundle: [], source: [] };
  for (let i = 0; i < s.startups; i++) {
    for (const name of ["bundle", "source"] as const) {
      const server = await spawnServer(entries[name], env, { readyPath: "/readyz", pollMs: 5 });
      samples[name].push(server.startMs);
      await server.stop();
    }
  }
  return { bundle: median(samples.bundle), source: median(samples.source) };
};

const startRow = (where: string, ms: Record<Entry, number>, budgetMs: number): Row => ({
  scenario: `start to first /readyz 200, ${where}`,
  value: ms.bundle,
  baseline: null,
  unit: "ms",
  ratio: ms.bundle,
  budget: `≤ ${budgetMs} ms`,
  pass: ms.bundle <= budgetMs,
  notes: `${where}: the image's Bun bundle (${bundleTargets.bun.outdir}); from source (src/index.ts) ${Math.round(ms.source)} ms, started in turn in the same run`,
});

/**
 * process start to first 200 on /readyz, median of several starts, on Postgres and on PGlite,
 * for the process the image runs (the Bun bundle, built once here); the source entry is started
 * alternately with it and noted beside it.
 */
export const startup = async (s: Settings, db: BenchDatabase): Promise<Row[]> => {
  const { file } = await buildBundle("bun");
  const entries = {
    bundle: [process.execPath, file, "serve"],
    source: [process.execPath, `${ROOT}/src/index.ts`, "serve"],
  };
  const postgresMs = await startTimes(s, entries, serviceEnv(db));
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-pglite-"));
  try {
    const pgliteEnv = { APP_MODE: "development", PGLITE_DIR: dir, OPS_PORT: "0", LOG_LEVEL: "warn" };
    await (await spawnServer(entries.bundle, pgliteEnv, { readyPath: "/readyz" })).stop(); // create and migrate it once
    const pgliteMs = await startTimes(s, entries, pgliteEnv);
    return [startRow("Postgres", postgresMs, 200), startRow("PGlite (existing dir)", pgliteMs, 1500)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** idle RSS, and RSS growth over a fixed number of requests after a warm-up. */
export const memory = async (s: Settings, db: BenchDatabase): Promise<Row[]> => {
  const service = await startService(db);
  const headers = { Authorization: `Bearer ${benchToken()}` };
  const url = `${service.url}/v1/notes/${db.noteId}`;
  try {
    await Bun.sleep(1000);
    const idle = service.rss();
    const chunkSeconds = Math.max(1, Math.round(s.seconds / 2));
    await wrkRequests(url, { requests: s.memoryRequests / 10, connections: s.connections, headers, chunkSeconds });
    const warm = service.rss();
    const sent = await wrkRequests(url, {
      requests: s.memoryRequests,
      connections: s.connections,
      headers,
      chunkSeconds,
    });
    await Bun.sleep(500);
    const after = service.rss();
    const growth = (after - warm) / warm;
    return [
      {
        scenario: "idle RSS",
        value: idle / MB,
        baseline: null,
        unit: "MB",
        ratio: idle / MB,
        budget: "≤ 80 MB",
        pass: idle / MB <= 80,
      },
      {
        scenario: `RSS growth over ${sent.toLocaleString("en-US")} requests`,
        value: after / MB,
        baseline: warm / MB,
        unit: "MB",
        ratio: 1 + growth,
        budget: "≤ 1.10",
        pass: growth <= 0.1,
      },
    ];
  } finally {
    await service.stop();
  }
};
