import type { Row } from "../report";
import type { Settings } from "../settings";
import { type BenchDatabase, benchToken, startService } from "../setup";
import { ROOT, spawnServer } from "../spawn";
import { alternate } from "./compare";
import { startSentrySink } from "./sentry-sink";

// Headers that differ per response or are set by Bun itself; the rest are copied to the baseline.
const PER_RESPONSE = new Set(["date", "content-length", "x-request-id", "content-type"]);

/** B1: GET /livez through the full stack vs a bare Bun.serve with the same body and headers. */
export const b1 = async (s: Settings, db: BenchDatabase): Promise<Row> => {
  const service = await startService(db);
  try {
    const sample = await fetch(`${service.url}/livez`);
    const body = await sample.text();
    const headers = Object.fromEntries([...sample.headers].filter(([name]) => !PER_RESPONSE.has(name)));
    const bare = await spawnServer([process.execPath, `${ROOT}/bench/baselines/livez.ts`], {
      BODY: body,
      HEADERS: JSON.stringify(headers),
    });
    try {
      const rps = await alternate(s, [
        { label: "bare", url: `${bare.url}/livez` },
        { label: "berth", url: `${service.url}/livez` },
      ]);
      const value = rps.get("berth") ?? 0;
      const baseline = rps.get("bare") ?? 1;
      return row("B1", "GET /livez, full stack vs bare Bun.serve", value, baseline, 0.8);
    } finally {
      await bare.stop();
    }
  } finally {
    await service.stop();
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
    startService(db, { NOTE_CACHE_TTL_MS: "0" }),
    startService(db, {
      NOTE_CACHE_TTL_MS: "0",
      SENTRY_DSN: sink.dsn,
      SENTRY_TRACES_SAMPLE_RATE: "0.1",
    }),
  ]);
  const [pgjs, bunSql, berth, berthSentry] = servers as [
    (typeof servers)[0],
    (typeof servers)[0],
    (typeof servers)[0],
    (typeof servers)[0],
  ];
  try {
    const rps = await alternate(s, [
      { label: "postgres.js", url: pgjs.url + path },
      { label: "bun-sql", url: bunSql.url + path },
      { label: "berth", url: berth.url + path, headers: auth },
      { label: "berth+sentry", url: berthSentry.url + path, headers: auth },
    ]);
    const pg = rps.get("postgres.js") ?? 0;
    const bun = rps.get("bun-sql") ?? 0;
    const baseline = Math.max(pg, bun);
    const value = rps.get("berth") ?? 0;
    return [
      row(
        "B2",
        "GET /v1/notes/:id vs bare Bun.serve + driver",
        value,
        baseline,
        0.75,
        `postgres.js ${Math.round(pg)}, Bun SQL ${Math.round(bun)} req/s`,
      ),
      row(
        "B3",
        "B2's route, Sentry on (traces 0.1) vs off",
        rps.get("berth+sentry") ?? 0,
        value,
        0.85,
        `sink got ${sink.envelopes()} envelopes`,
      ),
    ];
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    sink.stop();
  }
};

const row = (id: string, scenario: string, value: number, baseline: number, budget: number, notes?: string): Row => ({
  id,
  scenario,
  value,
  baseline,
  unit: "req/s",
  ratio: value / baseline,
  budget: `>= ${budget.toFixed(2)}`,
  pass: value / baseline >= budget,
  notes,
});
