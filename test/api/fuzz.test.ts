import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { SignJWT, UnsecuredJWT } from "jose";
import type { Database } from "../../src/db/types";
import { encodeCursor } from "../../src/routes/notes/cursor";
import { databaseBackends } from "../fixtures/databases";
import { apiClient } from "./app";
import { buildProductionApp, leaksIn, PRODUCTION_SECRET, productionToken } from "./production-app";

/**
 * Property-based tests over every route, in production mode. FUZZ_RUNS sets the cases per
 * property and backend (CI keeps the default; `FUZZ_RUNS=10000 bun test test/api/fuzz.test.ts`
 * for a long run), FUZZ_SEED replays a failure fast-check reported.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
// Each cross-user case sends two requests; a fifth of the runs covers it well.
const CROSS_RUNS = Math.max(20, Math.floor(RUNS / 5));
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

const USERS = ["alice", "bob", "mallory"] as const;
type User = (typeof USERS)[number];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "X-FUZZ"];
const FIXED_PATHS = [
  "/",
  "/v1",
  "/v1/",
  "/v1/me",
  "/v1/notes",
  "/v1/notes/",
  "/livez",
  "/readyz",
  "/startupz",
  "/health",
  "/openapi.json",
  "/docs",
  "/metrics",
  "/debug-sentry",
];
const SECURITY_HEADER = "x-content-type-options";

interface World {
  app: ReturnType<typeof buildProductionApp>["app"];
  tokens: Record<User, string>;
  badTokens: string[];
  ids: Record<User, string[]>;
  owner: Map<string, User>;
  secrets: Record<User, string>;
  cursors: string[];
}

const now = () => Math.floor(Date.now() / 1000);

const buildWorld = async (db: Database): Promise<World> => {
  const { app } = buildProductionApp(db, { BODY_LIMIT_BYTES: "4096", RATE_LIMIT_PER_MINUTE: "1000000" });
  const tokens = Object.fromEntries(
    await Promise.all(USERS.map(async (u) => [u, await productionToken(u)] as const)),
  ) as Record<User, string>;
  const secret = new TextEncoder().encode(PRODUCTION_SECRET);
  const badTokens = [
    new UnsecuredJWT({ sub: "alice" }).setExpirationTime("1h").encode(),
    await new SignJWT({ sub: "alice", exp: now() - 3600 }).setProtectedHeader({ alg: "HS256" }).sign(secret),
    await new SignJWT({ sub: "alice" }).setProtectedHeader({ alg: "HS256" }).sign(secret),
    await new SignJWT({ sub: "alice", exp: now() + 60 })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(`${PRODUCTION_SECRET}-other`)),
    "not.a.jwt",
    `${tokens.alice.slice(0, -3)}abc`,
  ];
  const ids = { alice: [], bob: [], mallory: [] } as Record<User, string[]>;
  const owner = new Map<string, User>();
  const secrets = {} as Record<User, string>;
  const cursors: string[] = [];
  for (const user of ["alice", "bob"] as const) {
    secrets[user] = `secret-of-${user}-${crypto.randomUUID()}`;
    for (let i = 0; i < 4; i++) {
      const res = await apiClient(app, { Authorization: `Bearer ${tokens[user]}` }).v1.notes.$post({
        header: {},
        json: { title: `${secrets[user]} #${i}`, body: secrets[user] },
      });
      const note = (await res.json()) as { id: string; createdAt: string };
      ids[user].push(note.id);
      owner.set(note.id, user);
      cursors.push(encodeCursor({ createdAt: new Date(note.createdAt), id: note.id }));
    }
  }
  secrets.mallory = `secret-of-mallory-${crypto.randomUUID()}`;
  return { app, tokens, badTokens, ids, owner, secrets, cursors };
};

const ascii = (max: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max });

const requests = (w: World) => {
  const allIds = [...w.ids.alice, ...w.ids.bob];
  const noteId = fc.oneof(
    fc.constantFrom(...allIds),
    fc.constantFrom(...allIds).map((id) => id.toUpperCase()),
    fc.uuid(),
    fc.string({ maxLength: 40 }).map(encodeURIComponent),
    fc.constantFrom("..", "%2e%2e", "%ZZ", "%00", "null", "0", "-1", "x".repeat(300), "%F0%9F%A6%80", "a%2Fb"),
  );
  const segment = fc.oneof(
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
    ascii(12).map((s) => s.replace(/[?#]/g, "")),
  );
  const randomPath = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...FIXED_PATHS) },
    { weight: 3, arbitrary: noteId.map((id) => `/v1/notes/${id}`) },
    { weight: 2, arbitrary: fc.array(segment, { maxLength: 4 }).map((s) => `/${s.join("/")}`) },
    { weight: 1, arbitrary: fc.tuple(noteId, segment).map(([id, s]) => `/v1/notes/${id}/${s}`) },
  );
  // Mostly the operations the API serves (so requests get past routing and into the handlers),
  // the rest any method on any path.
  const operation = fc.oneof(
    { weight: 3, arbitrary: fc.constant({ method: "POST", path: "/v1/notes" }) },
    { weight: 2, arbitrary: fc.constant({ method: "GET", path: "/v1/notes" }) },
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constantFrom("GET", "PATCH", "DELETE", "HEAD"), noteId).map(([method, id]) => ({
        method,
        path: `/v1/notes/${id}`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom("/v1/me", ...FIXED_PATHS.slice(6)).map((path) => ({ method: "GET", path })),
    },
    { weight: 3, arbitrary: fc.record({ method: fc.constantFrom(...METHODS), path: randomPath }) },
  );
  const query = fc.option(
    fc
      .record(
        {
          limit: fc.oneof(fc.integer({ min: -10, max: 200 }).map(String), ascii(8), fc.constant("1e2")),
          cursor: fc.oneof(
            fc.constantFrom(...w.cursors),
            ascii(60),
            fc.jsonValue().map((v) => btoa(JSON.stringify(v) ?? "")),
            // Cursor-shaped: [epoch ms, id], with instants no timestamp column can hold.
            fc
              .tuple(
                fc.oneof(
                  fc.integer(),
                  fc.maxSafeInteger(),
                  fc.double(),
                  fc.constantFrom(8.64e15, 8.7e15, -1e16, 2 ** 53 - 1),
                ),
                fc.oneof(fc.uuid(), ascii(10)),
              )
              .map((t) => btoa(JSON.stringify(t)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")),
          ),
          junk: ascii(10),
        },
        { requiredKeys: [] },
      )
      .map((q) => `?${new URLSearchParams(q as Record<string, string>).toString()}`),
    { nil: "" },
  );
  const who = fc.constantFrom<User | "bad" | "none">("alice", "alice", "bob", "bob", "mallory", "bad", "none");
  const headers = fc.record(
    {
      "Content-Type": fc.constantFrom(
        "application/json",
        "application/json",
        "application/json",
        "application/json",
        "application/json; charset=utf-8",
        "application/merge-patch+json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/jsonx",
        "",
      ),
      "If-Match": fc.oneof(fc.constantFrom('"v1"', '"v2"', "*", 'W/"v1"', '"v999999999999"'), ascii(20)),
      "If-None-Match": fc.oneof(fc.constantFrom('"v1"', "*", '"v2", "v1"'), ascii(20)),
      "Idempotency-Key": fc.oneof(fc.constantFrom("k1", "k2"), ascii(300)),
      "X-Request-Id": ascii(300),
      "X-Forwarded-For": ascii(40),
      Accept: fc.constantFrom("application/json", "application/health+json", "*/*", "text/html"),
    },
    { requiredKeys: ["Content-Type"] },
  );
  const text = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: "binary", maxLength: 30 }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
    fc.constantFrom("", "\u0000", "a\u0000", "\ud800", "\udfff x", "🦀".repeat(150), "t".repeat(200)),
  );
  const body = fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    {
      weight: 8,
      arbitrary: fc
        .record(
          {
            title: fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) }),
            body: text,
            extra: fc.jsonValue({ maxDepth: 1 }),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
    },
    {
      weight: 6,
      arbitrary: fc.record({ title: text, body: text }, { requiredKeys: ["title"] }).map((v) => JSON.stringify(v)),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? "null") },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 4000, max: 9000 }).map((n) => JSON.stringify({ title: "t", body: "x".repeat(n) })),
    },
  );
  return fc
    .record({ operation, query, who, headers, body, badToken: fc.constantFrom(...w.badTokens) })
    .map(({ operation: { method, path }, ...rest }) => ({ method, path, ...rest }));
};

type FuzzRequest = ReturnType<typeof requests> extends fc.Arbitrary<infer T> ? T : never;

const identity = (r: FuzzRequest): User | undefined => (r.who === "bad" || r.who === "none" ? undefined : r.who);

/**
 * Sends one generated request and checks every property; returns false when it cannot be sent.
 * Raw: any method, path, header and body, far outside what the typed client admits.
 */
const exercise = async (w: World, r: FuzzRequest) => {
  const headers = new Headers();
  try {
    for (const [name, value] of Object.entries(r.headers)) if (value) headers.set(name, value as string);
    if (r.who === "bad") headers.set("Authorization", `Bearer ${r.badToken}`);
    else if (r.who !== "none") headers.set("Authorization", `Bearer ${w.tokens[r.who]}`);
  } catch {
    return false;
  }
  const body = r.method === "GET" || r.method === "HEAD" ? undefined : r.body;
  const url = `http://berth.test${r.path}${r.query}`;
  let request: Request;
  try {
    request = new Request(url, { method: r.method, headers, body });
  } catch {
    return false;
  }
  const res = await w.app.request(request);
  const text = await res.text();
  const context = `${r.method} ${r.path}${r.query} as ${r.who} -> ${res.status} ${text.slice(0, 300)}`;
  const echo = `${url} ${[...headers.values()].join(" ")} ${typeof body === "string" ? body : ""}`;

  // Never a 5xx: the database is up, so nothing a client sends may break the service.
  expect([context, res.status < 500]).toEqual([context, true]);
  expect([context, res.headers.get("x-request-id") !== null && res.headers.get(SECURITY_HEADER) !== null]).toEqual([
    context,
    true,
  ]);
  if (res.status >= 400) {
    expect([context, res.headers.get("content-type")]).toEqual([context, "application/problem+json"]);
    if (r.method !== "HEAD") {
      const problem = JSON.parse(text) as { status: number; requestId: string; title: string; detail: string };
      expect([context, problem.status, problem.requestId]).toEqual([
        context,
        res.status,
        res.headers.get("x-request-id") as string,
      ]);
    }
  }
  expect([context, leaksIn(text, echo)]).toEqual([context, []]);

  // No note of one user is ever visible to another.
  const me = res.status < 300 ? identity(r) : undefined;
  for (const user of USERS) {
    if (user !== me && !echo.includes(w.secrets[user]))
      expect([context, text.includes(w.secrets[user])]).toEqual([context, false]);
  }
  if (res.status < 300 && text && res.headers.get("content-type")?.startsWith("application/json")) {
    const json = JSON.parse(text) as { id?: unknown; items?: { id: string }[] };
    const seen = [...(typeof json.id === "string" ? [json.id] : []), ...(json.items ?? []).map((n) => n.id)];
    for (const id of seen) {
      if (res.status === 201 && !w.owner.has(id) && me) w.owner.set(id, me);
      expect([context, id, w.owner.get(id)]).toEqual([context, id, me]);
    }
  }
  return true;
};

for (const backend of databaseBackends()) {
  describe(`fuzzing every route in production mode on ${backend.name}`, () => {
    let db: Database;
    let world: World;
    beforeAll(async () => {
      db = await backend.open();
      world = await buildWorld(db);
    }, 30_000);
    afterAll(() => db.close());

    test(`${RUNS} random requests: no 5xx, problem+json errors, no leaks, no cross-user reads`, async () => {
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(requests(world), async (r) => {
          if (await exercise(world, r)) sent++;
        }),
        { numRuns: RUNS, seed: SEED },
      );
      expect(sent).toBeGreaterThan(RUNS * 0.8);
    }, 120_000);

    test(`${CROSS_RUNS} cross-user attempts on the notes routes never see or change another user's note`, async () => {
      const target = fc.record({
        method: fc.constantFrom("GET", "PATCH", "DELETE"),
        victim: fc.constantFrom<"alice" | "bob">("alice", "bob"),
        index: fc.nat({ max: 3 }),
        etag: fc.constantFrom(undefined, '"v1"', "*"),
        cursor: fc.constantFrom(...world.cursors),
      });
      await fc.assert(
        fc.asyncProperty(target, async ({ method, victim, index, etag, cursor }) => {
          const attacker: User = victim === "alice" ? "bob" : "mallory";
          const id = world.ids[victim][index] as string;
          const client = apiClient(world.app, { Authorization: `Bearer ${world.tokens[attacker]}` });
          const note = client.v1.notes[":id"];
          const param = { id };
          const conditions = etag ? { headers: { "If-Match": etag, "If-None-Match": etag } } : {};
          const res =
            method === "GET"
              ? await note.$get({ param }, conditions)
              : method === "PATCH"
                ? await note.$patch({ param, json: { title: "pwned" } }, conditions)
                : await note.$delete({ param }, conditions);
          expect(res.status).toBe(404);
          const page = await client.v1.notes.$get({ query: { cursor, limit: "100" } });
          const items = ((await page.json()) as { items: { id: string }[] }).items;
          for (const item of items) expect(world.owner.get(item.id)).toBe(attacker);
        }),
        { numRuns: CROSS_RUNS, seed: SEED },
      );
      // The victims' notes that the fuzzers did not touch as their owners are intact.
      const alice = await apiClient(world.app, { Authorization: `Bearer ${world.tokens.alice}` }).v1.notes.$get({
        query: { limit: "100" },
      });
      for (const item of ((await alice.json()) as { items: { title: string }[] }).items) {
        expect(item.title).not.toBe("pwned");
      }
    }, 120_000);
  });
}
