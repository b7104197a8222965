import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { boundedCache } from "../../src/cache/bounded";
import { memoryCache } from "../../src/cache/memory";
import { redisCache } from "../../src/cache/redis";
import type { Cache } from "../../src/cache/types";
import { notes } from "../../src/db/schema";
import type { Database } from "../../src/db/types";
import { databaseBackends } from "../support/db";
import { serviceUrl } from "../support/services";
import { authHeaders, buildTestApp } from "./app";

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

    const call = async (sub: string, method: string, path: string, body?: unknown, extra = {}) =>
      app.request(path, {
        method,
        headers: await authHeaders(sub, extra),
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
    const create = async (sub: string, body: unknown) =>
      (await (await call(sub, "POST", "/v1/notes", body)).json()) as Note;
    const expectProblem = async (res: Response, status: number) => {
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await res.json()) as ProblemBody;
      expect(problem.status).toBe(status);
      return problem;
    };

    test("/v1/me names the token's user", async () => {
      const res = await call("me-user", "GET", "/v1/me");
      const me = (await res.json()) as { userId: string; issuer: string | null; expiresAt: string };
      expect(me.userId).toBe("me-user");
      expect(me.issuer).toBeNull();
      expect(Date.parse(me.expiresAt)).toBeGreaterThan(Date.now());
    });

    test("unknown fields are rejected on create and update, naming the field", async () => {
      const sub = user();
      const bad = await expectProblem(await call(sub, "POST", "/v1/notes", { title: "t", owner: "mallory" }), 400);
      expect(bad.errors?.map((e) => e.path).join(" ")).toContain("json");
      const note = await create(sub, { title: "t" });
      await expectProblem(await call(sub, "PATCH", `/v1/notes/${note.id}`, { title: "t", version: 9 }), 400);
      await expectProblem(await call(sub, "PATCH", `/v1/notes/${note.id}`, {}), 400);
      await expectProblem(await call(sub, "PATCH", `/v1/notes/${note.id}`, { title: null }), 400);
      await expectProblem(await call(sub, "POST", "/v1/notes", [{ title: "t" }]), 400);
      await expectProblem(await call(sub, "POST", "/v1/notes", '{"title": "t",'), 400);
      await expectProblem(await call(sub, "POST", "/v1/notes", ""), 400);
    });

    // Title 1–200 characters and body at most 100 000, counted in characters, not bytes.
    test.each([
      [
        "a 200-character title and a 100 000-character body",
        { title: "t".repeat(200), body: "b".repeat(100_000) },
        201,
      ],
      ["a title of 200 emoji", { title: "🦀".repeat(200) }, 201],
      ["a one-character title", { title: "x" }, 201],
      ["an empty title", { title: "" }, 400],
      ["a 201-character title", { title: "t".repeat(201) }, 400],
      ["a title of 201 emoji", { title: "🦀".repeat(201) }, 400],
      ["a 100 001-character body", { title: "t", body: "b".repeat(100_001) }, 400],
      ["a title that is a number", { title: 5 }, 400],
      ["no title", { body: "no title" }, 400],
      // Postgres cannot store NUL or an unpaired surrogate: a 400, never a driver error.
      ["a NUL in the title", '{"title": "nul \\u0000 inside"}', 400],
      ["an unpaired high surrogate in the title", '{"title": "lone \\ud800 surrogate"}', 400],
      ["an unpaired low surrogate in the body", '{"title": "t", "body": "lone low \\udc00"}', 400],
    ] as const)("note bounds: %s → %d", async (_, body, status) => {
      const res = await call(user(), "POST", "/v1/notes", body);
      if (status === 400) await expectProblem(res, 400);
      else expect(res.status).toBe(status);
    });

    test("limit is 1–100 with a default of 20; a cursor not issued by the API is a 400", async () => {
      const sub = user();
      for (let i = 0; i < 21; i++) await create(sub, { title: `n${i}` });
      const page = (await (await call(sub, "GET", "/v1/notes")).json()) as { items: Note[]; nextCursor: string };
      expect(page.items).toHaveLength(20);
      expect(page.nextCursor).toBeString();
      for (const limit of ["1", "100"]) expect((await call(sub, "GET", `/v1/notes?limit=${limit}`)).status).toBe(200);
      for (const limit of ["0", "101", "-1", "abc", "1.5", ""]) {
        const problem = await expectProblem(await call(sub, "GET", `/v1/notes?limit=${limit}`), 400);
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
      for (const cursor of forged) {
        await expectProblem(await call(sub, "GET", `/v1/notes?cursor=${encodeURIComponent(cursor)}`), 400);
      }
    });

    test("a malformed note id is a 404 like any other missing note", async () => {
      for (const id of ["abc", "00000000-0000-0000-0000-00000000000g", crypto.randomUUID(), "%20"]) {
        await expectProblem(await call(user(), "GET", `/v1/notes/${id}`), 404);
      }
    });

    test("conditional requests: If-None-Match 304, stale If-Match on PATCH and DELETE 412", async () => {
      const sub = user();
      const note = await create(sub, { title: "etag" });
      const read = await call(sub, "GET", `/v1/notes/${note.id}`);
      const etag = read.headers.get("etag") as string;
      expect((await call(sub, "GET", `/v1/notes/${note.id}`, undefined, { "If-None-Match": etag })).status).toBe(304);
      expect((await call(sub, "GET", `/v1/notes/${note.id}`, undefined, { "If-None-Match": `W/${etag}` })).status).toBe(
        304,
      );
      expect((await call(sub, "GET", `/v1/notes/${note.id}`, undefined, { "If-None-Match": '"v999"' })).status).toBe(
        200,
      );
      const patched = await call(sub, "PATCH", `/v1/notes/${note.id}`, { body: "new" }, { "If-Match": etag });
      expect(patched.status).toBe(200);
      const fresh = patched.headers.get("etag") as string;
      expect(fresh).not.toBe(etag);
      await expectProblem(await call(sub, "PATCH", `/v1/notes/${note.id}`, { body: "x" }, { "If-Match": "junk" }), 412);
      await expectProblem(await call(sub, "DELETE", `/v1/notes/${note.id}`, undefined, { "If-Match": etag }), 412);
      expect((await call(sub, "DELETE", `/v1/notes/${note.id}`, undefined, { "If-Match": fresh })).status).toBe(204);
      await expectProblem(await call(sub, "DELETE", `/v1/notes/${note.id}`, undefined, { "If-Match": fresh }), 404);
    });

    test("two clients race with the same If-Match: exactly one wins and the note is the winner's", async () => {
      const sub = user();
      for (let round = 0; round < 5; round++) {
        const note = await create(sub, { title: "race" });
        const etag = (await call(sub, "GET", `/v1/notes/${note.id}`)).headers.get("etag") as string;
        const attempts = await Promise.all(
          ["alpha", "beta"].map(async (client) => {
            const res = await call(sub, "PATCH", `/v1/notes/${note.id}`, { title: client }, { "If-Match": etag });
            return { client, status: res.status };
          }),
        );
        expect(attempts.map((a) => a.status).sort()).toEqual([200, 412]);
        const winner = attempts.find((a) => a.status === 200)?.client;
        const stored = (await (await call(sub, "GET", `/v1/notes/${note.id}`)).json()) as Note;
        expect(stored.title).toBe(winner as string);
      }
    });

    for (const cacheKind of sharedCaches()) {
      test(`the single-note cache is read-through and invalidated on write across instances (${cacheKind.name})`, async () => {
        const cache = cacheKind.open();
        try {
          const instanceA = buildTestApp({ db, cache }).app;
          const instanceB = buildTestApp({ db, cache }).app;
          const sub = user();
          const get = async (on: App, id: string) =>
            (await (await on.request(`/v1/notes/${id}`, { headers: await authHeaders(sub) })).json()) as Note;
          const note = await create(sub, { title: "cached", body: "v1" });
          expect((await get(instanceA, note.id)).body).toBe("v1");

          // Changed behind the API's back: the cached copy is what A serves, so the cache is in use.
          await db.orm.update(notes).set({ body: "behind the cache" }).where(eq(notes.id, note.id));
          expect((await get(instanceA, note.id)).body).toBe("v1");

          // A write through the other instance invalidates the shared entry: A reads the new note.
          const patched = await instanceB.request(`/v1/notes/${note.id}`, {
            method: "PATCH",
            headers: await authHeaders(sub),
            body: JSON.stringify({ body: "v2" }),
          });
          expect(patched.status).toBe(200);
          expect((await get(instanceA, note.id)).body).toBe("v2");

          await instanceB.request(`/v1/notes/${note.id}`, { method: "DELETE", headers: await authHeaders(sub) });
          const gone = await instanceA.request(`/v1/notes/${note.id}`, { headers: await authHeaders(sub) });
          expect(gone.status).toBe(404);
        } finally {
          await cache.close();
        }
      });
    }
  });
}
