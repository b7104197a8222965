import { startFastifyPeer } from "../peers/fastify";
import { expectSameAnswers } from "../peers/same-answers";
import { budgetRow, type Row, type Stack } from "../report";
import type { Settings } from "../settings";
import { type BenchDatabase, benchToken, startService } from "../setup";
import { ROOT, spawnServer } from "../spawn";
import { createTokenPool } from "../tokens";
import { alternate, cpuOf, medianOf, ratioSpread, roundRatio, type Samples, type Target } from "./compare";
import { startSentrySink } from "./sentry-sink";

// Headers that differ per response or are set by Bun itself; the rest are copied to the baseline.
const PER_RESPONSE = new Set(["date", "content-length", "x-request-id", "content-type"]);
// The middleware layers berth runs for a note read (the request frame, authentication, rate
// limit, body limit, requireUser, the parameter validator); the Hono floor runs as many that
// only call next().
const NOTE_LAYERS = 6;
const honoFloor = (env: Record<string, string>) =>
  spawnServer([process.execPath, `${ROOT}/bench/baselines/hono-floor.ts`], env, { readyPath: "/livez" });

const stacksOf = (samples: Samples, names: Record<string, string>): Stack[] =>
  Object.entries(names).map(([label, name]) => ({ name, rps: medianOf(samples, label), cpuUs: cpuOf(samples, label) }));
const cpuNote = (stacks: Stack[]) =>
  `server CPU per request: ${stacks.map((s) => `${s.name} ${s.cpuUs.toFixed(1)} µs`).join(", ")}`;

/** `GET /livez` through the full stack vs a bare Bun.serve with the same body and headers: information. */
export const livez = async (s: Settings, db: BenchDatabase): Promise<Row> => {
  const service = await startService(db);
  try {
    const sample = await fetch(`${service.url}/livez`);
    const body = await sample.text();
    const headers = Object.fromEntries([...sample.headers].filter(([name]) => !PER_RESPONSE.has(name)));
    const env = { BODY: body, HEADERS: JSON.stringify(headers) };
    const [bare, hono] = await Promise.all([
      spawnServer([process.execPath, `${ROOT}/bench/baselines/livez.ts`], env),
      honoFloor({ ...env, LAYERS: "0" }),
    ]);
    try {
      const samples = await alternate(s, [
        { label: "bare", url: `${bare.url}/livez`, pid: bare.pid },
        { label: "hono", url: `${hono.url}/livez`, pid: hono.pid },
        { label: "berth", url: `${service.url}/livez`, pid: service.pid },
      ]);
      const stacks = stacksOf(samples, { bare: "bare Bun.serve", hono: "Hono alone", berth: "berth" });
      return budgetRow(
        "GET /livez: berth vs bare Bun.serve",
        {
          value: medianOf(samples, "berth"),
          baseline: medianOf(samples, "bare"),
          ratio: roundRatio(samples, "berth", ["bare"]),
          unit: "req/s",
          notes: [ratioSpread(samples, "berth", ["bare"]), cpuNote(stacks)].join("; "),
          stacks,
        },
        null,
      );
    } finally {
      await Promise.all([bare.stop(), hono.stop()]);
    }
  } finally {
    await service.stop();
  }
};

/**
 * `GET /v1/notes/:id` in every stack, alternated round by round: berth and the Fastify peer with
 * one token and with a fresh token per request, the bare and Hono floors, and berth with Sentry
 * at traces 0.1 and 0. The peer is checked to answer like berth before anything is measured.
 */
export const noteRead = async (s: Settings, db: BenchDatabase): Promise<Row[]> => {
  const token = benchToken();
  const auth = { Authorization: `Bearer ${token}` };
  const path = `/v1/notes/${db.noteId}`;
  const floorEnv = { DATABASE_URL: db.url, OWNER: "bench-user", POOL_MAX: "10" };
  const [pool, sink] = await Promise.all([createTokenPool(s.tokenPool), startSentrySink()]);
  const uncached = { NOTE_CACHE_TTL_MS: "0" };
  const servers = await Promise.all([
    spawnServer([process.execPath, `${ROOT}/bench/baselines/pk-read.ts`], { ...floorEnv, DRIVER: "postgres" }),
    honoFloor({ ...floorEnv, LAYERS: String(NOTE_LAYERS) }),
    startService(db, uncached),
    startFastifyPeer(db),
    startService(db, { ...uncached, SENTRY_DSN: sink.dsn, SENTRY_TRACES_SAMPLE_RATE: "0.1" }),
    startService(db, { ...uncached, SENTRY_DSN: sink.dsn, SENTRY_TRACES_SAMPLE_RATE: "0" }),
  ]);
  const [bare, hono, berth, fastify, traced, untraced] = servers;
  try {
    await expectSameAnswers(berth.url, fastify.url, { path, token });
    const targets: Target[] = [
      { label: "bare", url: bare.url + path, pid: bare.pid },
      { label: "hono", url: hono.url + path, pid: hono.pid },
      { label: "berth", url: berth.url + path, pid: berth.pid, headers: auth },
      { label: "berth fresh", url: berth.url + path, pid: berth.pid, tokens: pool },
      { label: "fastify", url: fastify.url + path, pid: fastify.pid, headers: auth },
      { label: "fastify fresh", url: fastify.url + path, pid: fastify.pid, tokens: pool },
      { label: "sentry 0.1", url: traced.url + path, pid: traced.pid, headers: auth },
      { label: "sentry 0", url: untraced.url + path, pid: untraced.pid, headers: auth },
    ];
    const samples = await alternate(s, targets);
    const stacks = stacksOf(samples, {
      bare: "bare Bun.serve + postgres.js (no features)",
      hono: "Hono + Drizzle floor (no features)",
      berth: "berth, one token",
      "berth fresh": "berth, a fresh token per request",
      fastify: "Fastify peer on Node, one token",
      "fastify fresh": "Fastify peer on Node, a fresh token per request",
      "sentry 0.1": "berth + Sentry, traces 0.1",
      "sentry 0": "berth + Sentry, traces 0",
    });
    const compare = (scenario: string, value: string, baseline: string, bound: number | null, extra: string[] = []) =>
      budgetRow(
        scenario,
        {
          value: medianOf(samples, value),
          baseline: medianOf(samples, baseline),
          ratio: roundRatio(samples, value, [baseline]),
          unit: "req/s",
          notes: [ratioSpread(samples, value, [baseline]), ...extra].join("; "),
          stacks,
        },
        bound,
      );
    return [
      compare("note read, a fresh token per request: berth vs the Fastify peer", "berth fresh", "fastify fresh", 2.5, [
        cpuNote(stacks),
      ]),
      compare("note read, one token: berth vs the Fastify peer", "berth", "fastify", 3),
      compare("note read, one token: berth vs bare Bun.serve + postgres.js", "berth", "bare", null),
      compare("note read, one token: berth vs the Hono + Drizzle floor", "berth", "hono", null),
      compare("note read, Sentry at traces 0.1 vs Sentry off", "sentry 0.1", "berth", 0.7, [
        `the sink got ${sink.envelopes()} envelopes`,
      ]),
      compare("note read, Sentry at traces 0 vs Sentry off", "sentry 0", "berth", 0.95),
    ];
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    sink.stop();
  }
};
