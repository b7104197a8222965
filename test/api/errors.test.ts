import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createPostgresDatabase } from "../../src/db/postgres";
import type { Database } from "../../src/db/types";
import { createLogger } from "../../src/logger";
import { databaseBackends } from "../fixtures/databases";
import { freePort } from "../support/ports";
import { apiClient, authHeaders, buildTestApp } from "./app";
import { buildProductionApp, leaksIn, productionToken } from "./production-app";

type App = ReturnType<typeof buildProductionApp>["app"];
type Client = ReturnType<typeof apiClient>;

const SECURITY_HEADERS = [
  "x-content-type-options",
  "strict-transport-security",
  "x-frame-options",
  "referrer-policy",
  "cross-origin-opener-policy",
];

const expectProblem = async (res: Pick<Response, "status" | "headers" | "text">, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const text = await res.text();
  const body = JSON.parse(text) as { status: number; title: string; detail: string; requestId: string; type: string };
  expect(body.status).toBe(status);
  expect(body.type).toBe("about:blank");
  expect(body.title).toBeString();
  expect(body.requestId).toBe(res.headers.get("x-request-id") as string);
  expect(leaksIn(text)).toEqual([]);
  return body;
};

/** A body stream of `size` bytes with no Content-Length, as a chunked upload arrives. */
const chunked = (size: number) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let sent = 0; sent < size; sent += 512)
        controller.enqueue(new Uint8Array(Math.min(512, size - sent)).fill(65));
      controller.close();
    },
  });

for (const backend of databaseBackends()) {
  describe(`HTTP errors in production mode on ${backend.name}`, () => {
    let db: Database;
    let app: App;
    let auth: Record<string, string>;
    let client: Client;
    beforeAll(async () => {
      db = await backend.open();
      app = buildProductionApp(db, { BODY_LIMIT_BYTES: "2048" }).app;
      auth = { Authorization: `Bearer ${await productionToken("errors-user")}`, "Content-Type": "application/json" };
      client = apiClient(app, { Authorization: auth.Authorization as string });
    }, 30_000);
    afterAll(() => db.close());

    test("request ids: a well-formed inbound one is kept", async () => {
      const kept = await apiClient(app).livez.$get(undefined, { headers: { "X-Request-Id": "edge-7f3a_01=" } });
      expect(kept.headers.get("x-request-id")).toBe("edge-7f3a_01=");
    });

    test.each([
      ["a space", "has space"],
      ["markup", "<script>"],
      ["over 255 characters", "x".repeat(256)],
      ["a non-ASCII letter", "ü-umlaut"],
      ["a semicolon", "a;b"],
    ])("request ids: an inbound one with %s is replaced", async (_, bad) => {
      const res = await apiClient(app).v1.me.$get(undefined, { headers: { "X-Request-Id": bad } });
      const id = res.headers.get("x-request-id") as string;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(((await res.json()) as { requestId: string }).requestId).toBe(id);
    });

    test("security headers and a request id on every kind of response", async () => {
      const note = await client.v1.notes.$post({ header: {}, json: { title: "h" } });
      const { id } = (await note.json()) as { id: string };
      // Raw: the table spans every kind of response, unknown paths and refused bodies among them.
      const requests: [string, RequestInit][] = [
        ["/livez", {}],
        ["/livez", { method: "HEAD" }],
        ["/readyz", {}],
        ["/startupz", {}],
        ["/openapi.json", {}],
        ["/docs", {}],
        ["/v1/me", {}],
        ["/v1/me", { headers: auth }],
        ["/v1/notes", { headers: auth }],
        [`/v1/notes/${id}`, { headers: auth }],
        [`/v1/notes/${id}`, { headers: { ...auth, "If-None-Match": note.headers.get("etag") as string } }],
        ["/nowhere", {}],
        ["/v1/notes", { method: "DELETE", headers: auth }],
        ["/v1/notes", { method: "POST", headers: { ...auth, "Content-Type": "text/plain" }, body: "x" }],
        ["/v1/notes", { method: "POST", headers: auth, body: "x".repeat(4096) }],
      ];
      for (const [path, init] of requests) {
        const res = await app.request(path, init);
        for (const header of SECURITY_HEADERS) expect([path, res.headers.get(header)]).not.toEqual([path, null]);
        expect(res.headers.get("x-request-id")).toBeString();
      }
    });

    test("with CORS configured, probes answer cross-origin callers, with the same headers as without", async () => {
      const crossOrigin = buildProductionApp(db, { CORS_ORIGINS: "https://status.example" }).app;
      const origin = { Origin: "https://status.example" };
      const probes = (c: Client) => ({
        "/livez": () => c.livez.$get(),
        "/readyz": () => c.readyz.$get(),
        "/health": () => c.health.$get(),
      });
      const plainProbes = probes(apiClient(app));
      for (const [path, probe] of Object.entries(probes(apiClient(crossOrigin, origin)))) {
        const res = await probe();
        expect([path, res.status]).toEqual([path, 200]);
        expect(res.headers.get("access-control-allow-origin")).toBe("https://status.example");
        const plain = await plainProbes[path as keyof typeof plainProbes]();
        const names = (r: { headers: Headers }) =>
          [...r.headers.keys()].filter((n) => !n.startsWith("access-control-") && n !== "vary").sort();
        expect(names(res)).toEqual(names(plain));
      }
      // Raw: a preflight is an OPTIONS request, which AppType does not declare.
      const preflight = await crossOrigin.request("/livez", {
        method: "OPTIONS",
        headers: { ...origin, "Access-Control-Request-Method": "GET" },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("x-request-id")).toBeString();
      expect(preflight.headers.get("x-content-type-options")).toBe("nosniff");
    });

    // Raw: unknown paths and wrong methods are what AppType cannot express.
    test("404 for an unknown route, 405 with Allow for a wrong method on a known one", async () => {
      await expectProblem(await app.request("/v2/notes", { headers: auth }), 404);
      const wrong: [string, string, string][] = [
        ["DELETE", "/v1/notes", "GET, HEAD, POST"],
        ["PUT", `/v1/notes/${crypto.randomUUID()}`, "DELETE, GET, HEAD, PATCH"],
        ["POST", "/v1/me", "GET, HEAD"],
        ["POST", "/openapi.json", "GET, HEAD"],
        ["DELETE", "/docs", "GET, HEAD"],
        ["OPTIONS", "/v1/notes", "GET, HEAD, POST"],
        ["POST", "/livez", "GET, HEAD"],
        ["DELETE", "/health", "GET, HEAD"],
      ];
      for (const [method, path, allow] of wrong) {
        const res = await app.request(path, { method, headers: auth });
        expect(res.headers.get("allow")).toBe(allow);
        await expectProblem(res, 405);
      }
    });

    test("415 for a body that is not JSON on the JSON routes", async () => {
      const { id } = (await (await client.v1.notes.$post({ header: {}, json: { title: "t" } })).json()) as {
        id: string;
      };
      // Raw: the content type is what is under test.
      for (const [method, path] of [
        ["POST", "/v1/notes"],
        ["PATCH", `/v1/notes/${id}`],
      ] as const) {
        for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]) {
          const headers: Record<string, string> = { Authorization: auth.Authorization as string };
          if (type) headers["Content-Type"] = type;
          const res = await app.request(path, { method, headers, body: '{"title":"t"}' });
          expect(res.headers.get("accept")).toBe("application/json");
          await expectProblem(res, 415);
        }
      }
      const merge = await app.request(`/v1/notes/${id}`, {
        method: "PATCH",
        headers: { ...auth, "Content-Type": "application/merge-patch+json; charset=utf-8" },
        body: '{"title":"merged"}',
      });
      expect(merge.status).toBe(200);
    });

    test("413 over the body limit, declared or streamed, on every route", async () => {
      // Raw: oversized and streamed bodies, on routes of every kind.
      for (const path of ["/v1/notes", "/openapi.json", "/nowhere", "/livez"]) {
        await expectProblem(await app.request(path, { method: "POST", headers: auth, body: "x".repeat(4096) }), 413);
        await expectProblem(
          await app.request(path, {
            method: "POST",
            headers: auth,
            body: chunked(4096),
            duplex: "half",
          } as RequestInit),
          413,
        );
      }
      const within = await client.v1.notes.$post({ header: {}, json: { title: "t", body: "y".repeat(1500) } });
      expect(within.status).toBe(201);
    });

    test("an unexpected database error is a generic 500 with no SQL or driver message", async () => {
      const broken = await backend.open();
      try {
        await broken.orm.execute(sql`drop table notes`);
        const failing = apiClient(buildProductionApp(broken).app, { Authorization: auth.Authorization as string });
        for (const request of [
          () => failing.v1.notes.$get({ query: {} }),
          () => failing.v1.notes.$post({ header: {}, json: { title: "t" } }),
          () => failing.v1.notes[":id"].$get({ param: { id: crypto.randomUUID() } }),
        ]) {
          const problem = await expectProblem(await request(), 500);
          expect(problem.detail).toBe("An unexpected error occurred.");
        }
      } finally {
        await broken.close();
      }
    });
  });
}

for (const backend of databaseBackends()) {
  describe(`a statement the database refuses, on ${backend.name}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await backend.open();
      await db.orm.execute(sql`drop table notes`);
    }, 30_000);
    afterAll(() => db.close());

    const REASON = 'relation "notes" does not exist (SQLSTATE 42P01)';

    test.each([
      ["development", "names it too", true],
      ["test", "names it too", true],
      ["production", "is generic", false],
    ] as const)("%s: the log names the database's reason; the response %s", async (mode, _, shown) => {
      const lines: string[] = [];
      const logger = createLogger({ level: "info", format: "json", write: (line) => lines.push(line) });
      const { app } =
        mode === "production"
          ? buildProductionApp(db, {}, undefined, logger)
          : buildTestApp({ db, logger, env: { APP_MODE: mode } });
      const headers =
        mode === "production"
          ? { Authorization: `Bearer ${await productionToken("refused")}` }
          : await authHeaders("refused");
      const res = await app.request("/v1/notes", { headers });
      expect(res.status).toBe(500);
      const text = await res.text();
      const { detail } = JSON.parse(text) as { detail: string };
      if (shown) {
        expect(detail).toStartWith(
          `${REASON}: is the schema behind this build? the \`migrate status\` command says (docs/migrations.md)`,
        );
        expect(detail).toContain('; query: select "id"');
      } else {
        expect(detail).toBe("An unexpected error occurred.");
        expect(leaksIn(text)).toEqual([]);
      }
      const logged = lines.map((line) => JSON.parse(line));
      const unhandled = logged.find((line) => line.msg === "unhandled error");
      expect(unhandled.error).toMatchObject({ name: "DatabaseQueryError", code: "42P01" });
      expect(unhandled.error.message).toStartWith(REASON);
      expect(logged.find((line) => line.msg === "request").error).toStartWith(`DatabaseQueryError: ${REASON}`);
    });
  });
}

describe("database down in production mode", () => {
  const servers: { stop: () => void }[] = [];
  afterAll(() => {
    for (const s of servers) s.stop();
  });

  const check = async (db: Database) => {
    const client = apiClient(buildProductionApp(db).app, {
      Authorization: `Bearer ${await productionToken("down-user")}`,
    });
    const create = () =>
      client.v1.notes.$post({ header: { "idempotency-key": crypto.randomUUID() }, json: { title: "t" } });
    for (const request of [
      () => client.v1.notes.$get({ query: {} }),
      create,
      create,
      () => client.v1.notes[":id"].$patch({ param: { id: crypto.randomUUID() }, json: { title: "t" } }),
      () => client.v1.notes[":id"].$delete({ param: { id: crypto.randomUUID() } }),
    ]) {
      const started = Date.now();
      const res = await request();
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(res.headers.get("retry-after")).toBe("5");
      const problem = await expectProblem(res, 503);
      expect(problem.detail).toBe("The database is unavailable; retry shortly.");
    }
  };

  test("a refused connection is a 503 with Retry-After, naming no host", async () => {
    const port = await freePort();
    const db = createPostgresDatabase({
      url: `postgres://berth:secret@127.0.0.1:${port}/berth`,
      ssl: "disable",
      poolMax: 2,
      timeoutMs: 1000,
    });
    try {
      await check(db);
    } finally {
      await db.close();
    }
  }, 30_000);

  test("a database that accepts but never answers is a 503 after DATABASE_TIMEOUT_MS, not a hang", async () => {
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    servers.push(silent);
    const db = createPostgresDatabase({
      url: `postgres://berth:secret@127.0.0.1:${silent.port}/berth`,
      ssl: "disable",
      poolMax: 2,
      timeoutMs: 500,
    });
    try {
      await check(db);
    } finally {
      await Promise.race([db.close(), Bun.sleep(2000)]);
    }
  }, 30_000);
});
