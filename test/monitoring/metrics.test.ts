import { afterAll, describe, expect, test } from "bun:test";
import { authHeaders } from "../api/app";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { type RunningService, startService } from "../support/process";
import { serviceUrl } from "../support/services";

const OPS_TOKEN = "ops-token-for-the-metrics-suite-0123456789";

/** The sample values of one metric family, keyed by the series' label text. */
const samples = (text: string, name: string) => {
  const found = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (match) found.set(match[1] ?? "", Number(match[2]));
  }
  return found;
};

// The real service on the real Postgres and Redis (PGlite and the memory cache when they are not
// configured outside CI), scraped on its ops port after traffic whose every answer is known.
describe("Prometheus metrics on the ops server", () => {
  let database: TestDatabase | undefined;
  let service: RunningService | undefined;
  afterAll(async () => {
    await service?.stop("SIGTERM");
    await database?.drop();
  });

  test("/metrics counts add up to the traffic sent; health, memory and event-loop lag are exposed", async () => {
    database = await createTestDatabase("berth_metrics");
    const redis = serviceUrl("TEST_REDIS_URL");
    service = await startService(
      {
        APP_MODE: "test",
        OPS_TOKEN,
        SENTRY_DEBUG_ROUTE: "true",
        // PGlite's WebAssembly heap alone holds a few hundred MiB: give the memory check room there.
        ...(database ? { DATABASE_URL: database.url } : { PGLITE_DIR: "memory://", HEALTH_MEMORY_LIMIT_MB: "4096" }),
        ...(redis ? { REDIS_URL: redis } : {}),
      },
      { args: ["--apply-migrations"] },
    );
    const api = service.url;
    const alice = await authHeaders("alice");
    const sent: [string, RequestInit, number][] = [
      ...Array.from({ length: 4 }, (): [string, RequestInit, number] => [
        "/v1/notes",
        { method: "POST", headers: alice, body: JSON.stringify({ title: "t", body: "b" }) },
        201,
      ]),
      ...Array.from({ length: 3 }, (): [string, RequestInit, number] => ["/v1/me", { headers: alice }, 200]),
      ["/v1/me", {}, 401],
      ["/v1/me", {}, 401],
      [`/v1/notes/${crypto.randomUUID()}`, { headers: alice }, 404],
      [`/v1/notes/${crypto.randomUUID()}`, { headers: alice }, 404],
      ["/no/such/path", {}, 404],
      ["/wp-admin/setup.php", {}, 404],
      ["/debug-sentry", { headers: alice }, 500],
    ];
    for (const [path, init, status] of sent) {
      const res = await fetch(api + path, init);
      expect(`${path} ${res.status}`).toBe(`${path} ${status}`);
      await res.arrayBuffer();
    }

    // Prometheus carries no token; /metrics is open while /health on the ops port is guarded.
    expect((await fetch(`${service.opsUrl}/health`)).status).toBe(401);
    const res = await fetch(`${service.opsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
    const text = await res.text();

    const requests = samples(text, "http_requests_total");
    // startService polled /livez until the service answered; probes are API traffic too.
    const livez = '{method="GET",route="/livez",status="200"}';
    expect(requests.get(livez)).toBeGreaterThanOrEqual(1);
    const probes = requests.get(livez) ?? 0;
    requests.delete(livez);
    expect(Object.fromEntries(requests)).toEqual({
      '{method="POST",route="/v1/notes",status="201"}': 4,
      '{method="GET",route="/v1/me",status="200"}': 3,
      '{method="GET",route="/v1/me",status="401"}': 2,
      '{method="GET",route="/v1/notes/:id",status="404"}': 2,
      '{method="GET",route="unmatched",status="404"}': 2,
      '{method="GET",route="/debug-sentry",status="500"}': 1,
    });
    expect([...requests.values()].reduce((a, b) => a + b, 0)).toBe(sent.length);
    const counts = samples(text, "http_request_duration_seconds_count");
    expect(Object.fromEntries(counts)).toEqual({ ...Object.fromEntries(requests), [livez]: probes });
    const infinite = samples(text, "http_request_duration_seconds_bucket");
    expect(infinite.get('{method="POST",route="/v1/notes",status="201",le="+Inf"}')).toBe(4);
    expect(Object.fromEntries(samples(text, "http_server_errors_total"))).toEqual({
      '{kind="network"}': 0,
      '{kind="application"}': 1,
    });

    const health = samples(text, "health_check_status");
    for (const check of ["database", "cache", "memory"]) {
      expect(health.get(`{check="${check}",status="pass"}`)).toBe(1);
      expect(health.get(`{check="${check}",status="fail"}`)).toBe(0);
    }
    expect(samples(text, "health_check_latency_seconds").get('{check="database"}')).toBeGreaterThan(0);
    expect(samples(text, "process_resident_memory_bytes").get("")).toBeGreaterThan(10 * 1024 * 1024);
    const heapUsed = samples(text, "nodejs_heap_size_used_bytes").get("") ?? 0;
    expect(heapUsed).toBeGreaterThan(0);
    expect(heapUsed).toBeLessThanOrEqual(samples(text, "nodejs_heap_size_total_bytes").get("") ?? 0);
    expect(samples(text, "event_loop_lag_seconds").get('{stat="p99"}')).toBeGreaterThanOrEqual(0);
    expect(samples(text, "process_start_time_seconds").get("")).toBeLessThanOrEqual(Date.now() / 1000);

    // Scrapes and ops calls are not API traffic: a second scrape shows the same request counts.
    const again = samples(await (await fetch(`${service.opsUrl}/metrics`)).text(), "http_requests_total");
    expect(Object.fromEntries(again)).toEqual({ ...Object.fromEntries(requests), [livez]: probes });
  }, 60_000);
});
