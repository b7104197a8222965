import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createOpsApp } from "../../src/app/ops";
import type { Database } from "../../src/db/types";
import { createLogger } from "../../src/logger";
import { freshPglite } from "../fixtures/databases";
import { apiClient, authHeaders, buildTestApp, tokenFor } from "./app";

const OPS_TOKEN = "ops-token-for-the-http-semantics-suite-0123";

// The details HTTP tooling checks that a hand test rarely does, over a real Bun server where
// the runtime's own behaviour (HEAD lengths) matters.
describe("HTTP semantics", () => {
  let db: Database;
  let built: ReturnType<typeof buildTestApp>;
  let server: ReturnType<typeof Bun.serve>;
  let alice: Record<string, string>;
  let client: ReturnType<typeof apiClient>;
  let noteId: string;
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
  beforeAll(async () => {
    db = await freshPglite();
    built = buildTestApp({ db, env: { RATE_LIMIT_PER_MINUTE: "0" } });
    server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: built.app.fetch });
    alice = await authHeaders("alice");
    client = apiClient(url(""), { Authorization: alice.Authorization as string });
    const res = await client.v1.notes.$post({ header: {}, json: { title: "t", body: "b" } });
    noteId = ((await res.json()) as { id: string }).id;
  }, 30_000);
  afterAll(async () => {
    await server.stop(true);
    await db.close();
  });

  // Raw: the typed client has no HEAD, and the runtime's own framing is under test.
  test.each(["/livez", "/v1/me", "/v1/notes", "/v1/notes/{id}", "/openapi.json", "/docs"])(
    "HEAD %s carries the Content-Length of its GET",
    async (template) => {
      const path = template.replace("{id}", noteId);
      const get = await fetch(url(path), { headers: alice });
      const bytes = (await get.arrayBuffer()).byteLength;
      const head = await fetch(url(path), { method: "HEAD", headers: alice });
      expect(head.status).toBe(get.status);
      expect(head.headers.get("content-length")).toBe(String(bytes));
      expect(bytes).toBeGreaterThan(0);
    },
  );

  test("per-user reads say private, no-cache, and the document may be cached", async () => {
    const param = { id: noteId };
    for (const [path, read] of [
      ["/v1/me", () => client.v1.me.$get()],
      ["/v1/notes", () => client.v1.notes.$get({ query: {} })],
      ["/v1/notes/:id", () => client.v1.notes[":id"].$get({ param })],
    ] as const) {
      expect([path, (await read()).headers.get("cache-control")]).toEqual([path, "private, no-cache"]);
    }
    const read = await client.v1.notes[":id"].$get({ param });
    const revalidated = await client.v1.notes[":id"].$get(
      { param },
      { headers: { "If-None-Match": read.headers.get("etag") as string } },
    );
    expect([revalidated.status, revalidated.headers.get("cache-control")]).toEqual([304, "private, no-cache"]);
    // Raw: the document is served outside AppType.
    expect((await fetch(url("/openapi.json"))).headers.get("cache-control")).toBe("public, max-age=300");
  });

  test.each([
    ["no credentials", undefined, 'Bearer realm="berth"', "missing bearer token"],
    ["another scheme", "Basic YWxpY2U6c2VjcmV0", 'Bearer realm="berth"', "unsupported authorization scheme"],
    ["a token that is not a JWS", "Bearer abc", 'error="invalid_token", error_description="malformed token"', ""],
    ["a token signed with another key", "forged", 'error="invalid_token"', ""],
  ])("%s: 401 with an RFC 6750 challenge", async (_, authorization, challenge, detail) => {
    const value =
      authorization === "forged" ? `Bearer ${await tokenFor("alice", { secret: "x".repeat(40) })}` : authorization;
    const res = await apiClient(url(""), value ? { Authorization: value } : {}).v1.me.$get();
    expect(res.status).toBe(401);
    const header = res.headers.get("www-authenticate") as string;
    expect(header).toContain(challenge);
    if (!challenge.includes("invalid_token")) expect(header).toBe('Bearer realm="berth"');
    expect(((await res.json()) as { detail: string }).detail).toContain(detail);
  });

  test("deprecated security headers are not sent; the current ones are", async () => {
    const res = await apiClient(url("")).livez.$get();
    expect(res.headers.get("x-xss-protection")).toBeNull();
    expect(res.headers.get("x-download-options")).toBeNull();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  // Raw: the ops app has no client type of its own.
  test("the ops server's 401 names its request", async () => {
    const ops = createOpsApp({
      config: built.config,
      health: built.health,
      lifecycle: built.lifecycle,
      logger: createLogger({ level: "silent", format: "json" }),
    });
    const opsWithToken = createOpsApp({
      config: { ...built.config, opsToken: OPS_TOKEN },
      health: built.health,
      lifecycle: built.lifecycle,
      logger: createLogger({ level: "silent", format: "json" }),
    });
    expect((await ops.request("/health")).status).toBe(200);
    const res = await opsWithToken.request("/health", { headers: { "X-Request-Id": "ops-probe-1" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-request-id")).toBe("ops-probe-1");
    expect(((await res.json()) as { requestId: string }).requestId).toBe("ops-probe-1");
  });

  test("a note at the character limit fits the byte limit as UTF-8; escaped past the bytes it is a 413, as documented", async () => {
    const astral = "🦀".repeat(100_000);
    expect((await client.v1.notes.$post({ header: {}, json: { title: "t", body: astral } })).status).toBe(201);
    // Raw from here: the body's bytes as written are under test, and the document is outside AppType.
    const escaped = JSON.stringify({ title: "t", body: astral }).replace(/🦀/g, "\\ud83e\\udd80");
    expect(new TextEncoder().encode(escaped).byteLength).toBeGreaterThan(built.config.bodyLimitBytes);
    expect((await fetch(url("/v1/notes"), { method: "POST", headers: alice, body: escaped })).status).toBe(413);
    const doc = (await (await fetch(url("/openapi.json"))).json()) as {
      components: { schemas: Record<string, { description?: string }> };
    };
    for (const name of ["CreateNote", "UpdateNote"]) {
      expect(doc.components.schemas[name]?.description).toContain("limited to BODY_LIMIT_BYTES");
    }
  });
});
