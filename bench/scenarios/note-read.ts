import { startFastifyPeer } from "../peers/fastify";
import { expectSameAnswers } from "../peers/same-answers";
import { budgetRow, type Row } from "../report";
import type { Settings } from "../settings";
import { type BenchDatabase, benchToken, startService } from "../setup";
import { ROOT, type Server, spawnServer } from "../spawn";
import { createTokenPool } from "../tokens";
import { alternate, medianOf, ratioSpread, roundRatio, serverNote, stacksOf, type Target } from "./compare";
import { startSentrySink } from "./sentry-sink";
import { honoFloor } from "./throughput";

// The middleware layers berth runs for a note read (the request frame, authentication, rate
// limit, body limit, requireUser, the parameter validator); the Hono floor runs as many that
// only call next().
const NOTE_LAYERS = 6;

/** The note read's comparisons, each selectable on its own with `--only` (`notes` runs them all). */
export const NOTE_COMPARISONS = ["fresh-token", "one-token", "floors", "sentry", "peer-sentry"] as const;
export type NoteComparison = (typeof NOTE_COMPARISONS)[number];

// Each stack of the note read: its label, the server it runs on, how it authenticates, and its
// name in the results.
const NOTE_STACKS = {
  berth: { server: "berth", auth: "one", name: "berth, one token" },
  fastify: { server: "fastify", auth: "one", name: "Fastify peer on Node, one token" },
  "berth fresh": { server: "berth", auth: "fresh", name: "berth, a fresh token per request" },
  "fastify fresh": { server: "fastify", auth: "fresh", name: "Fastify peer on Node, a fresh token per request" },
  "sentry 0.1": { server: "traced", auth: "one", name: "berth + Sentry, traces 0.1" },
  "sentry 0": { server: "untraced", auth: "one", name: "berth + Sentry, traces 0" },
  "fastify sentry": { server: "fastifyTraced", auth: "one", name: "Fastify + @sentry/node, traces 0.1" },
  bare: { server: "bare", auth: "none", name: "bare Bun.serve + postgres.js (no features)" },
  hono: { server: "hono", auth: "none", name: "Hono + Drizzle floor (no features)" },
} as const;
type NoteStack = keyof typeof NOTE_STACKS;
type NoteServer = (typeof NOTE_STACKS)[NoteStack]["server"];

const STACKS_OF: Record<NoteComparison, NoteStack[]> = {
  "fresh-token": ["berth fresh", "fastify fresh"],
  "one-token": ["berth", "fastify"],
  floors: ["berth", "bare", "hono"],
  sentry: ["berth", "sentry 0.1", "sentry 0"],
  "peer-sentry": ["fastify", "fastify sentry"],
};

/**
 * `GET /v1/notes/:id` in every stack the chosen comparisons need (all by default), alternated
 * round by round: berth and the Fastify peer with one token and with a fresh token per request,
 * the bare and Hono floors, berth with Sentry at traces 0.1 and 0, and the peer with Sentry. The
 * peer is checked to answer like berth before anything is measured.
 */
export const noteRead = async (
  s: Settings,
  db: BenchDatabase,
  comparisons: readonly NoteComparison[] = NOTE_COMPARISONS,
): Promise<Row[]> => {
  const token = benchToken();
  const auth = { Authorization: `Bearer ${token}` };
  const path = `/v1/notes/${db.noteId}`;
  const labels = Object.keys(NOTE_STACKS).filter((label) =>
    comparisons.some((c) => STACKS_OF[c].includes(label as NoteStack)),
  ) as NoteStack[];
  const needed = new Set<NoteServer>([...labels.map((label) => NOTE_STACKS[label].server)]);
  if (needed.has("fastify")) needed.add("berth"); // the peer is checked against berth's answers
  const floorEnv = { DATABASE_URL: db.url, OWNER: "bench-user", POOL_MAX: "10" };
  const [pool, sink] = await Promise.all([createTokenPool(s.tokenPool), startSentrySink()]);
  const uncached = { NOTE_CACHE_TTL_MS: "0" };
  const start: Record<NoteServer, () => Promise<Server>> = {
    bare: () =>
      spawnServer([process.execPath, `${ROOT}/bench/baselines/pk-read.ts`], { ...floorEnv, DRIVER: "postgres" }),
    hono: () => honoFloor({ ...floorEnv, LAYERS: String(NOTE_LAYERS) }),
    berth: () => startService(db, uncached),
    fastify: () => startFastifyPeer(db),
    traced: () => startService(db, { ...uncached, SENTRY_DSN: sink.dsn, SENTRY_TRACES_SAMPLE_RATE: "0.1" }),
    untraced: () => startService(db, { ...uncached, SENTRY_DSN: sink.dsn, SENTRY_TRACES_SAMPLE_RATE: "0" }),
    fastifyTraced: () => startFastifyPeer(db, { dsn: sink.dsn, tracesSampleRate: 0.1 }),
  };
  const started = new Map<NoteServer, Server>();
  try {
    await Promise.all([...needed].map(async (name) => started.set(name, await start[name]())));
    const server = (name: NoteServer) => started.get(name) as Server;
    for (const peer of ["fastify", "fastifyTraced"] as const) {
      if (started.has(peer)) await expectSameAnswers(server("berth").url, server(peer).url, { path, token });
    }
    const targets: Target[] = labels.map((label) => {
      const { server: name, auth: kind } = NOTE_STACKS[label];
      const { url, pid } = server(name);
      return {
        label,
        url: url + path,
        pid,
        headers: kind === "one" ? auth : undefined,
        tokens: kind === "fresh" ? pool : undefined,
      };
    });
    const samples = await alternate(s, targets);
    const stacks = stacksOf(samples, Object.fromEntries(labels.map((label) => [label, NOTE_STACKS[label].name])));
    const compare = (
      scenario: string,
      value: NoteStack,
      baseline: NoteStack,
      bound: number | null,
      extra: string[] = [],
    ) =>
      budgetRow(
        scenario,
        {
          value: medianOf(samples, value),
          baseline: medianOf(samples, baseline),
          ratio: roundRatio(samples, value, [baseline]),
          unit: "req/s",
          notes: [
            ratioSpread(samples, value, [baseline]),
            serverNote(
              stacks,
              [value, baseline].map((l) => NOTE_STACKS[l].name),
            ),
            ...extra,
          ].join("; "),
          stacks,
        },
        bound,
      );
    const rows: Record<NoteComparison, () => Row[]> = {
      "fresh-token": () => [
        compare("note read, a fresh token per request: berth vs the Fastify peer", "berth fresh", "fastify fresh", 2.5),
      ],
      "one-token": () => [compare("note read, one token: berth vs the Fastify peer", "berth", "fastify", 3)],
      floors: () => [
        compare("note read, one token: berth vs bare Bun.serve + postgres.js", "berth", "bare", null),
        compare("note read, one token: berth vs the Hono + Drizzle floor", "berth", "hono", null),
      ],
      sentry: () => [
        compare("note read, Sentry at traces 0.1 vs Sentry off", "sentry 0.1", "berth", 0.7, [
          `the sink got ${sink.envelopes()} envelopes`,
        ]),
        compare("note read, Sentry at traces 0 vs Sentry off", "sentry 0", "berth", 0.95),
      ],
      "peer-sentry": () => [
        compare(
          "note read, one token: Fastify + @sentry/node at traces 0.1 vs the Fastify peer",
          "fastify sentry",
          "fastify",
          null,
        ),
      ],
    };
    return NOTE_COMPARISONS.filter((c) => comparisons.includes(c)).flatMap((c) => rows[c]());
  } finally {
    await Promise.all([...started.values()].map((server) => server.stop()));
    sink.stop();
  }
};
