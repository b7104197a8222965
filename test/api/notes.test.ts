import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Database } from "../../src/db/types";
import { databaseBackends } from "../fixtures/databases";
import { apiClient, bearer, buildTestApp, expectStatus } from "./app";

for (const backend of databaseBackends()) {
  describe(`notes API on ${backend.name}`, () => {
    let db: Database;
    let app: ReturnType<typeof buildTestApp>["app"];
    beforeAll(async () => {
      db = await backend.open();
      app = buildTestApp({ db }).app;
    }, 30_000);
    afterAll(() => db.close());

    const as = async (sub: string) => apiClient(app, await bearer(sub));
    const create = async (sub: string, json: { title: string; body?: string }) =>
      (await as(sub)).v1.notes.$post({ header: {}, json });

    test("create, read, update, delete round trip", async () => {
      const alice = await as("alice");
      const res = await create("alice", { title: "first", body: "hello" });
      expectStatus(res, 201);
      const note = await res.json();
      expect(res.headers.get("location")).toBe(`/v1/notes/${note.id}`);
      expect(note.title).toBe("first");
      const param = { id: note.id };

      const read = await alice.v1.notes[":id"].$get({ param });
      expect(read.status).toBe(200);
      const etag = read.headers.get("etag");
      expect(etag).toBe('"v1"');
      const notModified = await alice.v1.notes[":id"].$get({ param }, { headers: { "If-None-Match": etag ?? "" } });
      expect(notModified.status).toBe(304);

      const patched = await alice.v1.notes[":id"].$patch(
        { param, json: { title: "renamed" } },
        { headers: { "If-Match": etag ?? "" } },
      );
      expectStatus(patched, 200);
      expect((await patched.json()).title).toBe("renamed");

      const stale = await alice.v1.notes[":id"].$patch(
        { param, json: { body: "lost update" } },
        { headers: { "If-Match": etag ?? "" } },
      );
      expect(stale.status).toBe(412);
      expect(stale.headers.get("content-type")).toBe("application/problem+json");

      const reread = await alice.v1.notes[":id"].$get({ param });
      expectStatus(reread, 200);
      expect((await reread.json()).title).toBe("renamed");

      const gone = await alice.v1.notes[":id"].$delete({ param });
      expect(gone.status).toBe(204);
      const missing = await alice.v1.notes[":id"].$get({ param });
      expect(missing.status).toBe(404);
    });

    test("another user's note is a 404, never a 403", async () => {
      const created = await create("alice", { title: "private" });
      expectStatus(created, 201);
      const param = { id: (await created.json()).id };
      const mallory = await as("mallory");
      const note = mallory.v1.notes[":id"];
      for (const res of [
        await note.$get({ param }),
        await note.$patch({ param, json: { title: "x" } }),
        await note.$delete({ param }),
      ]) {
        expect(res.status).toBe(404);
      }
      const list = await mallory.v1.notes.$get({ query: {} });
      expectStatus(list, 200);
      expect((await list.json()).items).toHaveLength(0);
    });

    test("keyset pagination walks every note once, newest first", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await create("pager", { title: `n${i}` });
        expectStatus(res, 201);
        ids.push((await res.json()).id);
      }
      const pager = await as("pager");
      const seen: { id: string; createdAt: string }[] = [];
      let cursor: string | null = null;
      do {
        const res = await pager.v1.notes.$get({ query: cursor ? { limit: "3", cursor } : { limit: "3" } });
        expectStatus(res, 200);
        const page = await res.json();
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.map((n) => n.id).sort()).toEqual([...ids].sort());
      const newestFirst = [...seen].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
      expect(seen).toEqual(newestFirst);
    });
  });
}
