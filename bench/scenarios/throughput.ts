import type { Row } from "../report";
import type { Settings } from "../settings";
import { type BenchDatabase, benchToken, startService } from "../setup";
import { ROOT, spawnServer } from "../spawn";
import { alternate, cpuNote, medianOf, ratioSpread, roundRatio } from "./compare";
import { startSentrySink } from "./sentry-sink";

// Headers that differ per response or are set by Bun itself; the rest are copied to the baseline.
const PER_RESPONSE = new Set(["date", "content-length", "x-request-id", "content-type"]);

// The middleware layers berth runs for each route (see createApp): none for the probes, whose
// only handler runs the request frame itself; the frame, authentication, rate limit, body limit,
// requireUser and the parameter validator for a note. The Hono floor runs as many layers that
// only call next().
const PROBE_LAYERS = 0;
const NOTE_LAYERS = 6;
const honoFloor = (env: Record<string, string>) =>
  spawnServer([process.execPath, `${ROOT}/bench/baselines/hono-floor.ts`], env, { readyPath: "/livez" });
/** How a Hono floor fared against the same baseline, for a row's notes. */
const floorNote = (layers: number, ratio: number) =>
  `Hono alone with ${layers} pass-through layer${layers === 1 ? "" : "s"}: ${ratio.toFixed(2)} of the same baseline`;

// The request log line can be switched off (LOG_LEVEL=warn) without changing any answer; a
// subject without it shows what the line costs.
const UNLOGGED = { LOG_LEVEL: "warn" };

/** B1: GET /livez through the full stack vs a bare Bun.serve with the same body and headers. */
export const b1 = async (s: Settings, db: BenchDatabase): Promise<Row> => {
  const [service, unlogged] = await Promise.all([startService(db), startService(db, UNLOGGED)]);
  try {
    const sample = await fetch(`${service.url}/livez`);
    const body = await sample.text();
    const headers = Object.fromEntries([...sample.headers].filter(([name]) => !PER_RESPONSE.has(name)));
    const env = { BODY: body, HEADERS: JSON.stringify(headers) };
    const [bare, hono] = await Promise.all([
      spawnServer([process.execPath, `${ROOT}/bench/baselines/livez.ts`], env),
      honoFloor({ ...env, LAYERS: String(PROBE_LAYERS) }),
    ]);
    try {
      const rps = await alternate(s, [
        { label: "bare", url: `${bare.url}/livez`, pid: bare.pid },
        { label: "hono", url: `${hono.url}/livez`, pid: hono.pid },
        { label: "berth", url: `${service.url}/livez`, pid: service.pid },
        { label: "berth unlogged", url: `${unlogged.url}/livez`, pid: unlogged.pid },
      ]);
      return row("B1", "GET /livez, full stack vs bare Bun.serve", {
        value: medianOf(rps, "berth"),
        baseline: medianOf(rps, "bare"),
        ratio: roundRatio(rps, "berth", ["bare"]),
        budget: 0.8,
        notes: [
          ratioSpread(rps, "berth", ["bare"]),
          floorNote(PROBE_LAYERS, roundRatio(rps, "hono", ["bare"])),
          `berth without its request log line (LOG_LEVEL=warn): ${roundRatio(rps, "berth unlogged", ["bare"]).toFixed(2)}`,
          cpuNote(rps, { bare: "bare", hono: "Hono", berth: "berth", "berth unlogged": "berth unlogged" }),
        ].join("; "),
      });
    } finally {
      await Promise.all([bare.stop(), hono.stop()]);
    }
  } finally {
    await Promise.all([service.stop(), unlogged.stop()]);
  }
};

/** B2 and B3: GET /v1/notes/:id (JWT + primary key, cache off) vs bare servers; then Sentry on vs off. */
export const b2b3 = async (s: Settings, db: BenchDatabase): Promise<Row[]> => {
  const token = benchToken();
  const auth = { Authorization: `Bearer ${token}` };
  const path = `/v1/notes/${db.noteId}`;
  const bareEnv = { DATABASE_URL: db.url, OWNER: "bench-user", POOL_MAX: "10" };
  const sink = await startSentrySink();
  const servers = await Promise.all([
    spawnServer([process.execPath, `${ROOT}/bench/baselines/pk-read.ts`], { ...bareEnv, DRIVER: "postgres" }),
    spawnServer([process.execPath, `${ROOT}/bench/baselines/pk-read.ts`], { ...bareEnv, DRIVER: "bun-sql" }),
    honoFloor({ ...bareEnv, LAYERS: String(NOTE_LAYERS) }),
    startService(db, { NOTE_CACHE_TTL_MS: "0" }),
    // What two of berth's own per-request costs come to: the log line, and the rate limiter's
    // counter and headers (RATE_LIMIT_PER_MINUTE=0).
    startService(db, { NOTE_CACHE_TTL_MS: "0", ...UNLOGGED }),
    startService(db, { NOTE_CACHE_TTL_MS: "0", RATE_LIMIT_PER_MINUTE: "0" }),
    startService(db, {
      NOTE_CACHE_TTL_MS: "0",
      SENTRY_DSN: sink.dsn,
      SENTRY_TRACES_SAMPLE_RATE: "0.1",
    }),
    // Sentry's scope and error capture without spans: what tracing itself adds to B3.
    startService(db, { NOTE_CACHE_TTL_MS: "0", SENTRY_DSN: sink.dsn, SENTRY_TRACES_SAMPLE_RATE: "0" }),
  ]);
  const [pgjs, bunSql, hono, berth, unlogged, unlimited, berthSentry, berthUntraced] = servers;
  try {
    const rps = await alternate(s, [
      { label: "postgres.js", url: pgjs.url + path, pid: pgjs.pid },
      { label: "bun-sql", url: bunSql.url + path, pid: bunSql.pid },
      { label: "hono", url: hono.url + path, pid: hono.pid },
      { label: "berth", url: berth.url + path, pid: berth.pid, headers: auth },
      { label: "berth unlogged", url: unlogged.url + path, pid: unlogged.pid, headers: auth },
      { label: "berth unlimited", url: unlimited.url + path, pid: unlimited.pid, headers: auth },
      { label: "berth+sentry", url: berthSentry.url + path, pid: berthSentry.pid, headers: auth },
      { label: "berth+sentry untraced", url: berthUntraced.url + path, pid: berthUntraced.pid, headers: auth },
    ]);
    const pg = medianOf(rps, "postgres.js");
    const bun = medianOf(rps, "bun-sql");
    return [
      row("B2", "GET /v1/notes/:id vs bare Bun.serve + driver", {
        value: medianOf(rps, "berth"),
        baseline: Math.max(pg, bun),
        ratio: roundRatio(rps, "berth", ["postgres.js", "bun-sql"]),
        budget: 0.75,
        notes: [
          ratioSpread(rps, "berth", ["postgres.js", "bun-sql"]),
          `postgres.js ${Math.round(pg)}, Bun SQL ${Math.round(bun)} req/s`,
          `${floorNote(NOTE_LAYERS, roundRatio(rps, "hono", ["postgres.js", "bun-sql"]))} (with Drizzle's prepared statement)`,
          cpuNote(rps, {
            "postgres.js": "postgres.js",
            "bun-sql": "Bun SQL",
            hono: "Hono + Drizzle",
            berth: "berth",
            "berth unlogged": "berth without its log line",
            "berth unlimited": "berth without rate limiting",
          }),
        ].join("; "),
      }),
      row("B3", "B2's route, Sentry on (traces 0.1) vs off", {
        value: medianOf(rps, "berth+sentry"),
        baseline: medianOf(rps, "berth"),
        ratio: roundRatio(rps, "berth+sentry", ["berth"]),
        budget: 0.85,
        notes: [
          ratioSpread(rps, "berth+sentry", ["berth"]),
          `sink got ${sink.envelopes()} envelopes`,
          `at traces 0 (scope and capture, no spans): ${roundRatio(rps, "berth+sentry untraced", ["berth"]).toFixed(2)}`,
          cpuNote(rps, { berth: "off", "berth+sentry": "on", "berth+sentry untraced": "on at traces 0" }),
        ].join("; "),
      }),
    ];
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    sink.stop();
  }
};

/** A throughput row: medians for the table, the budget judged on the per-round ratio. */
const row = (
  id: string,
  scenario: string,
  m: { value: number; baseline: number; ratio: number; budget: number; notes?: string },
): Row => ({
  id,
  scenario,
  value: m.value,
  baseline: m.baseline,
  unit: "req/s",
  ratio: m.ratio,
  budget: `>= ${m.budget.toFixed(2)}`,
  pass: m.ratio >= m.budget,
  notes: m.notes,
});
