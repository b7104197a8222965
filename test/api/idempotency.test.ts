import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { idempotencyKeys, notes } from "../../src/db/schema";
import type { Database } from "../../src/db/types";
import { requestFingerprint } from "../../src/idempotency";
import { createIdempotencyStore } from "../../src/idempotency/store";
import { databaseBackends } from "../fixtures/databases";
import { apiClient, authHeaders, bearer, buildTestApp } from "./app";

interface Note {
  id: string;
  title: string;
}

for (const backend of databaseBackends()) {
  describe(`Idempotency-Key on POST /v1/notes on ${backend.name}`, () => {
    let db: Database;
    let app: ReturnType<typeof buildTestApp>["app"];
    beforeAll(async () => {
      db = await backend.open();
      app = buildTestApp({ db, env: { RATE_LIMIT_PER_MINUTE: "0" } }).app;
    }, 30_000);
    afterAll(() => db.close());

    const post = async (sub: string, key: string | undefined, json: { title: string; body?: string }) =>
      apiClient(app, await bearer(sub)).v1.notes.$post({ header: key ? { "idempotency-key": key } : {}, json });
    const notesOf = async (sub: string) => db.orm.select().from(notes).where(eq(notes.ownerId, sub));
    const user = () => `idem-${crypto.randomUUID()}`;

    test("the same key and body replay the first response, byte for byte, with Idempotent-Replayed", async () => {
      const sub = user();
      const first = await post(sub, "key-1", { title: "once", body: "b" });
      expect(first.status).toBe(201);
      expect(first.headers.get("idempotent-replayed")).toBeNull();
      const firstBody = await first.text();
      // Key order and whitespace do not make another request. Raw, to send the body as written.
      const again = await app.request("/v1/notes", {
        method: "POST",
        headers: await authHeaders(sub, { "Idempotency-Key": "key-1" }),
        body: '{ "body": "b",   "title": "once" }',
      });
      expect(again.status).toBe(201);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(await again.text()).toBe(firstBody);
      expect(again.headers.get("location")).toBe(first.headers.get("location"));
      expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
      expect(await notesOf(sub)).toHaveLength(1);
    });

    test("the same key with another body is a 422 and creates nothing", async () => {
      const sub = user();
      expect((await post(sub, "key-2", { title: "first" })).status).toBe(201);
      const other = await post(sub, "key-2", { title: "second" });
      expect(other.status).toBe(422);
      expect(other.headers.get("content-type")).toBe("application/problem+json");
      expect(((await other.json()) as { status: number }).status).toBe(422);
      expect((await notesOf(sub)).map((n) => n.title)).toEqual(["first"]);
    });

    test("keys are scoped per user: another user's identical key is a fresh request", async () => {
      const [alice, bob] = [user(), user()];
      const a = (await (await post(alice, "shared-key", { title: "t" })).json()) as Note;
      const res = await post(bob, "shared-key", { title: "t" });
      expect(res.status).toBe(201);
      expect(res.headers.get("idempotent-replayed")).toBeNull();
      expect(((await res.json()) as Note).id).not.toBe(a.id);
      expect(await notesOf(bob)).toHaveLength(1);
    });

    test("without a key, retries are separate notes", async () => {
      const sub = user();
      await post(sub, undefined, { title: "t" });
      await post(sub, undefined, { title: "t" });
      expect(await notesOf(sub)).toHaveLength(2);
    });

    test("a key in flight elsewhere is a 409 with Retry-After; another body is still a 422", async () => {
      const sub = user();
      const store = createIdempotencyStore(db);
      const fingerprint = await requestFingerprint("POST", "/v1/notes", { title: "slow", body: "" });
      const claim = await store.claim(sub, "in-flight", fingerprint);
      expect(claim.kind).toBe("claimed");
      const busy = await post(sub, "in-flight", { title: "slow" });
      expect(busy.status).toBe(409);
      expect(busy.headers.get("retry-after")).toBe("1");
      expect(busy.headers.get("content-type")).toBe("application/problem+json");
      expect((await post(sub, "in-flight", { title: "other" })).status).toBe(422);
      expect(await notesOf(sub)).toHaveLength(0);
    });

    test("a claim whose holder died is taken over once its lease ends", async () => {
      const sub = user();
      const fingerprint = await requestFingerprint("POST", "/v1/notes", { title: "orphan", body: "" });
      await createIdempotencyStore(db).claim(sub, "orphaned", fingerprint);
      await db.orm
        .update(idempotencyKeys)
        .set({ lockedUntil: sql`now() - interval '1 second'` })
        .where(and(eq(idempotencyKeys.ownerId, sub), eq(idempotencyKeys.key, "orphaned")));
      const res = await post(sub, "orphaned", { title: "orphan" });
      expect(res.status).toBe(201);
      expect(res.headers.get("idempotent-replayed")).toBeNull();
      expect((await post(sub, "orphaned", { title: "orphan" })).headers.get("idempotent-replayed")).toBe("true");
      expect(await notesOf(sub)).toHaveLength(1);
    });

    test("after 24 h a key is forgotten and the same request creates a new note", async () => {
      const sub = user();
      const first = (await (await post(sub, "old-key", { title: "t" })).json()) as Note;
      const [row] = await db.orm.select().from(idempotencyKeys).where(eq(idempotencyKeys.ownerId, sub));
      expect((row?.expiresAt.getTime() ?? 0) - (row?.createdAt.getTime() ?? 0)).toBe(24 * 3600 * 1000);
      await db.orm
        .update(idempotencyKeys)
        .set({ expiresAt: sql`now() - interval '1 second'` })
        .where(eq(idempotencyKeys.ownerId, sub));
      const later = await post(sub, "old-key", { title: "t" });
      expect(later.status).toBe(201);
      expect(later.headers.get("idempotent-replayed")).toBeNull();
      expect(((await later.json()) as Note).id).not.toBe(first.id);
      expect(await notesOf(sub)).toHaveLength(2);
      await createIdempotencyStore(db).purgeExpired();
    });

    test("10 concurrent retries with one key create exactly one note", async () => {
      for (let round = 0; round < 3; round++) {
        const sub = user();
        const responses = await Promise.all(
          Array.from({ length: 10 }, () => post(sub, `burst-${round}`, { title: "burst" })),
        );
        const statuses = responses.map((r) => r.status);
        for (const status of statuses) expect([201, 409]).toContain(status);
        const created = responses.filter((r) => r.status === 201);
        expect(created.filter((r) => r.headers.get("idempotent-replayed") === null)).toHaveLength(1);
        const ids = new Set(await Promise.all(created.map(async (r) => ((await r.json()) as Note).id)));
        expect(ids.size).toBe(1);
        expect(await notesOf(sub)).toHaveLength(1);
      }
    });
  });
}
