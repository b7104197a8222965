import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { boundedCache } from "../../src/cache/bounded";
import { memoryCache } from "../../src/cache/memory";
import { redisCache } from "../../src/cache/redis";
import type { Cache } from "../../src/cache/types";
import { notes } from "../../src/db/schema";
import type { Database } from "../../src/db/types";
import { databaseBackends } from "../fixtures/databases";
import { serviceUrl } from "../support/services";
import { apiClient, authHeaders, bearer, buildTestApp, expectStatus } from "./app";

type App = ReturnType<typeof buildTestApp>["app"];
interface Note {
  id: string;
  title: string;
  body: string;
}
interface ProblemBody {
  status: number;
  errors?: { path: string; message: string }[];
}

const user = () => `user-${crypto.randomUUID()}`;

const sharedCaches = (): { name: string; open: () => Cache }[] => {
  const redisUrl = serviceUrl("TEST_REDIS_URL");
  return [
    { name: "memory", open: () => boundedCache(memoryCache(), 250) },
    ...(redisUrl ? [{ name: "redis", open: () => boundedCache(redisCache(redisUrl), 1000) }] : []),
  ];
};

for (const backend of databaseBackends()) {
  describe(`notes rules on ${backend.name}`, () => {
    let db: Database;
    let app: App;
    beforeAll(async () => {
      db = await backend.open();
      app = buildTestApp({ db }).app;
    }, 30_000);
    afterAll(() => db.close());

    const as = async (sub: string, on: App = app) => apiClient(on, await bearer(sub));
    // Raw: bodies the schema refuses (unknown fields, wrong types, broken JSON), which the typed
    // client will not send.
    const rawPost = async (sub: string, path: string, body: unknown, method = "POST") =>
      app.request(path, {
        method,
        headers: await authHeaders(sub),
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    const create = async (sub: string, json: { title: string; body?: string }) => {
      const res = await (await as(sub)).v1.notes.$post({ header: {}, json });
      expectStatus(res, 201);
      return res.json();
    };
    const expectProblem = async (res: Pick<Response, "status" | "headers" | "json">, status: number) => {
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await res.json()) as ProblemBody;
      expect(problem.status).toBe(status);
      return problem;
    };

    test("/v1/me names the token's user", async () => {
      const res = await (await as("me-user")).v1.me.$get();
      expectStatus(res, 200);
      const me = await res.json();
      expect(me.userId).toBe("me-user");
      expect(me.issuer).toBeNull();
      expect(Date.parse(me.expiresAt)).toBeGreaterThan(Date.now());
    });

    test("unknown fields are rejected on create and update, naming the field", async () => {
      const sub = user();
      const bad = await expectProblem(await rawPost(sub, "/v1/notes", { title: "t", owner: "mallory" }), 400);
      expect(bad.errors?.map((e) => e.path).join(" ")).toContain("json");
      const note = await create(sub, { title: "t" });
      await expectProblem(await rawPost(sub, `/v1/notes/${note.id}`, { title: "t", version: 9 }, "PATCH"), 400);
      await expectProblem(await rawPost(sub, `/v1/notes/${note.id}`, {}, "PATCH"), 400);
      await expectProblem(await rawPost(sub, `/v1/notes/${note.id}`, { title: null }, "PATCH"), 400);
      await expectProblem(await rawPost(sub, "/v1/notes", [{ title: "t" }]), 400);
      await expectProblem(await rawPost(sub, "/v1/notes", '{"title": "t",'), 400);
      await expectProblem(await rawPost(sub, "/v1/notes", ""), 400);
    });

    // Title 1–200 characters and body at most 100 000, counted in characters, not bytes.
    test.each([
      [
        "a 200-character title and a 100 000-character body",
        201,
        { title: "t".repeat(200), body: "b".repeat(100_000) },
      ],
      ["a title of 200 emoji", 201, { title: "🦀".repeat(200) }],
      ["a one-character title", 201, { title: "x" }],
      ["an empty title", 400, { title: "" }],
      ["a 201-character title", 400, { title: "t".repeat(201) }],
      ["a title of 201 emoji", 400, { title: "🦀".repeat(201) }],
      ["a 100 001-character body", 400, { title: "t", body: "b".repeat(100_001) }],
      ["a title that is a number", 400, { title: 5 }],
      ["no title", 400, { body: "no title" }],
      // Postgres cannot store NUL or an unpaired surrogate: a 400, never a driver error.
      ["a NUL in the title", 400, '{"title": "nul \\u0000 inside"}'],
      ["an unpaired high surrogate in the title", 400, '{"title": "lone \\ud800 surrogate"}'],
      ["an unpaired low surrogate in the body", 400, '{"title": "t", "body": "lone low \\udc00"}'],
    ] as const)("note bounds: %s → %d", async (_, status, body) => {
      const res = await rawPost(user(), "/v1/notes", body);
      if (status === 400) await expectProblem(res, 400);
      else expect(res.status).toBe(status);
    });

    test("limit is 1–100 with a default of 20; a cursor not issued by the API is a 400", async () => {
      const sub = user();
      const notesOf = (await as(sub)).v1.notes;
      for (let i = 0; i < 21; i++) await create(sub, { title: `n${i}` });
      const res = await notesOf.$get({ query: {} });
      expectStatus(res, 200);
      const page = await res.json();
      expect(page.items).toHaveLength(20);
      expect(page.nextCursor).toBeString();
      for (const limit of ["1", "100"]) expect((await notesOf.$get({ query: { limit } })).status).toBe(200);
      for (const limit of ["0", "101", "-1", "abc", "1.5", ""]) {
        const problem = await expectProblem(await notesOf.$get({ query: { limit } }), 400);
        expect(problem.errors?.[0]?.path).toBe("query.limit");
      }
      const forged = [
        "garbage",
        "%%%",
        btoa("null"),
        btoa("[1,2]"),
        btoa(JSON.stringify([1e20, crypto.randomUUID()])),
        btoa(JSON.stringify([8.7e15, crypto.randomUUID()])),
        btoa(JSON.stringify([8.64e15, crypto.randomUUID()])),
        btoa(JSON.stringify([-62135596800001, crypto.randomUUID()])),
        btoa(JSON.stringify([1.5, crypto.randomUUID()])),
        btoa(JSON.stringify([Date.now(), "not-a-uuid"])),
        "x".repeat(201),
      ];
      for (const cursor of forged) await expectProblem(await notesOf.$get({ query: { cursor } }), 400);
    });

    test("a malformed note id is a 404 like any other missing note", async () => {
      const note = (await as(user())).v1.notes[":id"];
      // The client puts an id into the path as written, so "%20" arrives percent-encoded.
      for (const id of ["abc", "00000000-0000-0000-0000-00000000000g", crypto.randomUUID(), "%20"]) {
        await expectProblem(await note.$get({ param: { id } }), 404);
      }
    });

    test("conditional requests: If-None-Match 304, stale If-Match on PATCH and DELETE 412", async () => {
      const sub = user();
      const param = { id: (await create(sub, { title: "etag" })).id };
      const note = (await as(sub)).v1.notes[":id"];
      const read = await note.$get({ param });
      const etag = read.headers.get("etag") as string;
      const readIfNoneMatch = async (tag: string) =>
        (await note.$get({ param }, { headers: { "If-None-Match": tag } })).status;
      expect(await readIfNoneMatch(etag)).toBe(304);
      expect(await readIfNoneMatch(`W/${etag}`)).toBe(304);
      expect(await readIfNoneMatch('"v999"')).toBe(200);
      const ifMatch = (tag: string) => ({ headers: { "If-Match": tag } });
      const patched = await note.$patch({ param, json: { body: "new" } }, ifMatch(etag));
      expect(patched.status).toBe(200);
      const fresh = patched.headers.get("etag") as string;
      expect(fresh).not.toBe(etag);
      await expectProblem(await note.$patch({ param, json: { body: "x" } }, ifMatch("junk")), 412);
      await expectProblem(await note.$delete({ param }, ifMatch(etag)), 412);
      expect((await note.$delete({ param }, ifMatch(fresh))).status).toBe(204);
      await expectProblem(await note.$delete({ param }, ifMatch(fresh)), 404);
    });

    test("two clients race with the same If-Match: exactly one wins and the note is the winner's", async () => {
      const sub = user();
      const note = (await as(sub)).v1.notes[":id"];
      for (let round = 0; round < 5; round++) {
        const param = { id: (await create(sub, { title: "race" })).id };
        const etag = (await note.$get({ param })).headers.get("etag") as string;
        const attempts = await Promise.all(
          ["alpha", "beta"].map(async (client) => {
            const res = await note.$patch({ param, json: { title: client } }, { headers: { "If-Match": etag } });
            return { client, status: res.status };
          }),
        );
        expect(attempts.map((a) => a.status).sort()).toEqual([200, 412]);
        const winner = attempts.find((a) => a.status === 200)?.client;
        const stored = (await (await note.$get({ param })).json()) as Note;
        expect(stored.title).toBe(winner as string);
      }
    });

    test.each(sharedCaches())(
      "the single-note cache is read-through and invalidated on write across instances ($name)",
      async ({ open }) => {
        const cache = open();
        try {
          const sub = user();
          const instanceA = (await as(sub, buildTestApp({ db, cache }).app)).v1.notes[":id"];
          const instanceB = (await as(sub, buildTestApp({ db, cache }).app)).v1.notes[":id"];
          const get = async (on: typeof instanceA, id: string) =>
            (await (await on.$get({ param: { id } })).json()) as Note;
          const note = await create(sub, { title: "cached", body: "v1" });
          expect((await get(instanceA, note.id)).body).toBe("v1");

          // Changed behind the API's back: the cached copy is what A serves, so the cache is in use.
          await db.orm.update(notes).set({ body: "behind the cache" }).where(eq(notes.id, note.id));
          expect((await get(instanceA, note.id)).body).toBe("v1");

          // A write through the other instance invalidates the shared entry: A reads the new note.
          const param = { id: note.id };
          const patched = await instanceB.$patch({ param, json: { body: "v2" } });
          expect(patched.status).toBe(200);
          expect((await get(instanceA, note.id)).body).toBe("v2");

          await instanceB.$delete({ param });
          const gone = await instanceA.$get({ param });
          expect(gone.status).toBe(404);
        } finally {
          await cache.close();
        }
      },
    );
  });
}
