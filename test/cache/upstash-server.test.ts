import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { serviceUrl } from "../support/services";
import { startUpstashServer, type UpstashServer } from "../support/upstash-server";
import { cacheFromEnv } from "./backends";

// The contract suite trusts this server to speak Upstash's protocol; these hold it to the
// parts @upstash/redis relies on, so a pass there means what it says.
describe("the Upstash REST test server", () => {
  const redisUrl = serviceUrl("TEST_REDIS_URL");
  if (!redisUrl) return;
  const key = `berth-test:${crypto.randomUUID()}:rest`;
  let server: UpstashServer;
  beforeAll(async () => {
    server = await startUpstashServer({ redisUrl });
  });
  afterAll(() => server.stop());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${server.token}`, "Content-Type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  test("refuses a request without the bearer token", async () => {
    const res = await post("/", ["get", key], { Authorization: "Bearer wrong" });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Unauthorized" });
  });

  test("runs one command at / and answers {result}, or {error} with 400", async () => {
    expect(await (await post("/", ["set", key, "héllo", "px", 60_000])).json()).toEqual({ result: "OK" });
    expect(await (await post("/", ["get", key])).json()).toEqual({ result: "héllo" });
    expect(await (await post("/", ["get", `${key}:missing`])).json()).toEqual({ result: null });
    const refused = await post("/", ["incr", key]);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/^ERR value is not an integer/);
  });

  test("with Upstash-Encoding: base64, strings come back as base64 of UTF-8 and OK as is", async () => {
    const encoded = { "Upstash-Encoding": "base64" };
    expect(await (await post("/", ["set", key, "héllo", "px", 60_000], encoded)).json()).toEqual({ result: "OK" });
    expect(await (await post("/", ["get", key], encoded)).json()).toEqual({
      result: Buffer.from("héllo").toString("base64"),
    });
  });

  test("runs a pipeline in order, one {result} or {error} per command", async () => {
    const res = await post("/pipeline", [
      ["set", `${key}:n`, "1", "px", 60_000],
      ["incr", `${key}:n`],
      ["incr", key],
      ["get", `${key}:n`],
    ]);
    expect(res.status).toBe(200);
    const replies = (await res.json()) as { result?: unknown; error?: string }[];
    expect(replies[0]).toEqual({ result: "OK" });
    expect(replies[1]).toEqual({ result: 2 });
    expect(replies[2]?.error).toMatch(/^ERR value is not an integer/);
    expect(replies[3]).toEqual({ result: "2" });
  });

  test("@upstash/redis, as the cache configures it, talks to it through /pipeline", async () => {
    const before = server.hits.get("/pipeline") ?? 0;
    const cache = cacheFromEnv({ UPSTASH_REDIS_REST_URL: server.url, UPSTASH_REDIS_REST_TOKEN: server.token });
    try {
      await cache.set(`${key}:sdk`, "v", 60_000);
      expect(await cache.get(`${key}:sdk`)).toBe("v");
    } finally {
      await cache.close();
    }
    expect(server.hits.get("/pipeline") ?? 0).toBeGreaterThan(before);
  });
});
