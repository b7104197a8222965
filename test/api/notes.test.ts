import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hc } from "hono/client";
import type { AppType } from "../../src/app";
import type { Database } from "../../src/db/types";
import { databaseBackends } from "../support/db";
import { authHeaders, buildTestApp, tokenFor } from "./app";

for (const backend of databaseBackends()) {
  describe(`notes API on ${backend.name}`, () => {
    let db: Database;
    let app: ReturnType<typeof buildTestApp>["app"];
    beforeAll(async () => {
      db = await backend.open();
      app = buildTestApp({ db }).app;
    });
    afterAll(() => db.close());

    const create = async (sub: string, body: unknown) =>
      app.request("/v1/notes", { method: "POST", headers: await authHeaders(sub), body: JSON.stringify(body) });

    test("create, read, update, delete round trip", async () => {
      const res = await create("alice", { title: "first", body: "hello" });
      expect(res.status).toBe(201);
      const note = (await res.json()) as { id: string; title: string; createdAt: string };
      expect(res.headers.get("location")).toBe(`/v1/notes/${note.id}`);
      expect(note.title).toBe("first");

      const read = await app.request(`/v1/notes/${note.id}`, { headers: await authHeaders("alice") });
      expect(read.status).toBe(200);
      const etag = read.headers.get("etag");
      expect(etag).toBe('"v1"');
      const notModified = await app.request(`/v1/notes/${note.id}`, {
        headers: await authHeaders("alice", { "If-None-Match": etag ?? "" }),
      });
      expect(notModified.status).toBe(304);

      const patched = await app.request(`/v1/notes/${note.id}`, {
        method: "PATCH",
        headers: await authHeaders("alice", { "If-Match": etag ?? "" }),
        body: JSON.stringify({ title: "renamed" }),
      });
      expect(patched.status).toBe(200);
      expect(((await patched.json()) as { title: string }).title).toBe("renamed");

      const stale = await app.request(`/v1/notes/${note.id}`, {
        method: "PATCH",
        headers: await authHeaders("alice", { "If-Match": etag ?? "" }),
        body: JSON.stringify({ body: "lost update" }),
      });
      expect(stale.status).toBe(412);
      expect(stale.headers.get("content-type")).toBe("application/problem+json");

      const reread = await app.request(`/v1/notes/${note.id}`, { headers: await authHeaders("alice") });
      expect(((await reread.json()) as { title: string }).title).toBe("renamed");

      const gone = await app.request(`/v1/notes/${note.id}`, { method: "DELETE", headers: await authHeaders("alice") });
      expect(gone.status).toBe(204);
      const missing = await app.request(`/v1/notes/${note.id}`, { headers: await authHeaders("alice") });
      expect(missing.status).toBe(404);
    });

    test("another user's note is a 404, never a 403", async () => {
      const note = (await (await create("alice", { title: "private" })).json()) as { id: string };
      for (const method of ["GET", "PATCH", "DELETE"]) {
        const res = await app.request(`/v1/notes/${note.id}`, {
          method,
          headers: await authHeaders("mallory"),
          body: method === "PATCH" ? JSON.stringify({ title: "x" }) : undefined,
        });
        expect(res.status).toBe(404);
      }
      const list = (await (await app.request("/v1/notes", { headers: await authHeaders("mallory") })).json()) as {
        items: unknown[];
      };
      expect(list.items).toHaveLength(0);
    });

    test("keyset pagination walks every note once, newest first", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        ids.push(((await (await create("pager", { title: `n${i}` })).json()) as { id: string }).id);
      }
      const seen: { id: string; createdAt: string }[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=3&cursor=${cursor}` : "?limit=3";
        const page = (await (
          await app.request(`/v1/notes${query}`, { headers: await authHeaders("pager") })
        ).json()) as {
          items: { id: string; createdAt: string }[];
          nextCursor: string | null;
        };
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.map((n) => n.id).sort()).toEqual([...ids].sort());
      const newestFirst = [...seen].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
      expect(seen).toEqual(newestFirst);
    });

    test("a typed hc<AppType> client drives the notes routes", async () => {
      const token = await tokenFor("typed");
      const client = hc<AppType>("http://berth.test", {
        fetch: (input: Request | string | URL, init?: RequestInit) => app.request(input, init),
        headers: { Authorization: `Bearer ${token}` },
      });
      const created = await client.v1.notes.$post({ header: {}, json: { title: "typed", body: "b" } });
      if (created.status !== 201) throw new Error(`create answered ${created.status}`);
      const note = await created.json();
      const fetched = await client.v1.notes[":id"].$get({ param: { id: note.id } });
      expect(fetched.status).toBe(200);
      const page = await client.v1.notes.$get({ query: { limit: "5" } });
      if (page.status !== 200) throw new Error(`list answered ${page.status}`);
      const body = await page.json();
      expect(body.items.map((n) => n.id)).toContain(note.id);
      const me = await client.v1.me.$get();
      expect(((await me.json()) as { userId: string }).userId).toBe("typed");
    });
  });
}
