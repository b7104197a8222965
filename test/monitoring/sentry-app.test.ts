import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as Sentry from "@sentry/bun";
import { loadConfig } from "../../src/config";
import type { Database } from "../../src/db/types";
import { createLogger } from "../../src/logger";
import { createRegistry } from "../../src/monitoring/metrics/registry";
import { installReporter, monitored } from "../../src/monitoring/monitored";
import type { Reporter } from "../../src/monitoring/reporter";
import { createBunSentryReporter } from "../../src/runtime/bun/sentry";
import { authHeaders, buildTestApp, tokenFor } from "../api/app";
import { freshPglite } from "../fixtures/databases";
import { type SentryEvent, type SentryIngest, startSentryIngest } from "../support/sentry-ingest";

// The real app with the real SDK, in this process, reporting to a local ingest, plus routes for
// failure shapes the API never produces on demand: an anonymous crash, a network error, a 5xx
// returned without throwing, a handler that read a body, and monitored operations.
const startSentryApp = async (extraEnv: Record<string, string> = {}) => {
  const ingest = await startSentryIngest();
  const db = await freshPglite();
  const env = { SENTRY_DSN: ingest.dsn, SENTRY_DEBUG_ROUTE: "true", SENTRY_ENVIRONMENT: "ci", ...extraEnv };
  const logLines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "info", format: "json", write: (l) => logLines.push(JSON.parse(l)) });
  const config = loadConfig({ APP_MODE: "test", ...env }, { version: "1.0.0-test" });
  const reporter = createBunSentryReporter(config.sentry, { processHandlers: false });
  if (!reporter) throw new Error("SENTRY_DSN was set, so a reporter is expected");
  const metrics = createRegistry();
  const { app } = buildTestApp({ db, env, logger, monitoring: { reporter, metrics } });
  app.get("/test/anonymous-crash", (c) => {
    throw new Error(`anonymous crash ${c.get("requestId")}`);
  });
  app.get("/test/network", () => {
    throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
  });
  app.get("/test/bad-gateway", (c) => c.text("upstream down", 502));
  app.post("/test/read-then-crash", async (c) => {
    await c.req.json();
    throw new Error("crashed after reading the body");
  });
  app.get("/test/monitored/:outcome", async (c) => {
    const outcome = c.req.param("outcome");
    const value = await monitored(`test.${outcome}`, async () => {
      if (outcome === "fail") throw new Error(`operation failed ${c.get("requestId")}`);
      return "done";
    });
    return c.text(value);
  });
  // An untraced path whose handler runs a monitored operation: it must not start a trace.
  app.get("/metrics", async (c) => c.text(await monitored("untraced.inner", () => "inner")));
  return {
    ingest,
    reporter,
    app,
    metrics,
    logLines,
    db,
    /** Sentry is process-wide: close it so later suites in this process report nowhere. */
    close: async () => {
      installReporter(undefined);
      await Sentry.close(2000);
      ingest.stop();
      await db.close();
    },
  };
};

// What Sentry would receive is what the ingest received. Secrets are random per run, so they
// cannot turn up in the source lines the SDK attaches to stack frames.
describe("Sentry through app.request", () => {
  let fixture: Awaited<ReturnType<typeof startSentryApp>>;
  let ingest: SentryIngest;
  let reporter: Reporter;
  let app: ReturnType<typeof buildTestApp>["app"];
  let metrics: ReturnType<typeof createRegistry>;
  let logLines: Record<string, unknown>[];
  let db: Database;

  beforeAll(async () => {
    fixture = await startSentryApp();
    ({ ingest, reporter, app, metrics, logLines, db } = fixture);
  }, 30_000);
  afterAll(() => fixture.close());

  const settle = async (until: () => boolean) => {
    await reporter.flush(5000);
    await ingest.waitFor(until);
  };
  const eventsFor = (pred: (e: SentryEvent) => boolean) => ingest.events().filter(pred);

  test("50 concurrent failures from 50 users: one event each, carrying its own user, route and request id", async () => {
    ingest.clear();
    const users = Array.from({ length: 50 }, (_, i) => `user-${i}-${crypto.randomUUID().slice(0, 8)}`);
    const responses = await Promise.all(
      users.map(async (sub) => {
        const res = await app.request("/debug-sentry", { headers: await authHeaders(sub) });
        return { sub, status: res.status, requestId: res.headers.get("x-request-id") ?? "" };
      }),
    );
    expect(responses.every((r) => r.status === 500)).toBe(true);
    await settle(() => ingest.events().length >= 50 && ingest.spans().length >= 50);
    await Bun.sleep(200);

    const events = ingest.events();
    expect(events).toHaveLength(50);
    for (const { sub, requestId } of responses) {
      const mine = events.filter((e) => e.tags?.request_id === requestId);
      expect(mine).toHaveLength(1);
      const [event] = mine;
      expect(event?.user).toEqual({ id: sub });
      expect(event?.transaction).toBe("GET /debug-sentry");
      expect(event?.exception?.values?.at(-1)?.value).toContain(requestId);
      expect(event?.environment).toBe("ci");
      expect(event?.release).toBe("berth@1.0.0-test");
    }
    const spans = ingest.spans().filter((s) => s.is_segment);
    expect(spans).toHaveLength(50);
    expect(new Set(spans.map((s) => s.name))).toEqual(new Set(["GET /debug-sentry"]));
    expect(spans.every((s) => s.status === "error")).toBe(true);
    expect(new Set(spans.map((s) => s.attributes["user.id"]?.value))).toEqual(new Set(users));
    // Each request is a trace of its own, and its event says which.
    expect(new Set(spans.map((s) => s.trace_id)).size).toBe(50);
    expect(new Set(events.map((e) => e.contexts?.trace?.trace_id)).size).toBe(50);
  }, 30_000);

  test("an anonymous failure carries no user, even right after authenticated ones", async () => {
    ingest.clear();
    await app.request("/debug-sentry", { headers: await authHeaders("alice") });
    const res = await app.request("/test/anonymous-crash");
    expect(res.status).toBe(500);
    const requestId = res.headers.get("x-request-id") ?? "";
    await settle(() => eventsFor((e) => e.tags?.request_id === requestId).length === 1);
    const [event] = eventsFor((e) => e.tags?.request_id === requestId);
    expect(event?.user).toBeUndefined();
    expect(event?.transaction).toBe("GET /test/anonymous-crash");
  }, 30_000);

  test("4xx answers are never reported; a 5xx without an exception is reported once as a message", async () => {
    ingest.clear();
    const alice = await authHeaders("alice");
    const answers = await Promise.all([
      app.request("/debug-sentry"),
      app.request("/v1/notes/00000000-0000-4000-8000-000000000000", { headers: alice }),
      app.request("/v1/notes", { method: "POST", headers: alice, body: "{" }),
      app.request("/v1/notes", { method: "POST", headers: alice, body: JSON.stringify({ title: "" }) }),
      app.request("/nowhere"),
    ]);
    expect(answers.map((r) => r.status)).toEqual([401, 404, 400, 400, 404]);
    const gateway = await app.request("/test/bad-gateway");
    expect(gateway.status).toBe(502);
    await settle(() => ingest.events().length >= 1);
    await Bun.sleep(300);
    const events = ingest.events();
    expect(events).toHaveLength(1);
    expect(events[0]?.message).toBe("GET /test/bad-gateway answered 502");
    expect(events[0]?.tags?.request_id).toBe(gateway.headers.get("x-request-id") ?? "");
  }, 30_000);

  test("network errors are dropped from Sentry but still logged and counted", async () => {
    ingest.clear();
    logLines.length = 0;
    const res = await app.request("/test/network");
    expect(res.status).toBe(503);
    const crash = await app.request("/test/anonymous-crash");
    const crashId = crash.headers.get("x-request-id") ?? "";
    await settle(() => eventsFor((e) => e.tags?.request_id === crashId).length === 1);
    expect(eventsFor((e) => e.transaction === "GET /test/network")).toHaveLength(0);
    expect(ingest.events()).toHaveLength(1);
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: "request", route: "/test/network", status: 503, networkError: "ECONNREFUSED" }),
    );
    expect(await metrics.render()).toContain('http_server_errors_total{kind="network"} 1');
  }, 30_000);

  test("no body, cookie, client IP, authorization value or token leaves the process", async () => {
    ingest.clear();
    const secret = crypto.randomUUID();
    const cookie = crypto.randomUUID();
    const ip = `198.51.${Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 200) + 1}`;
    const sub = `privacy-${crypto.randomUUID().slice(0, 8)}`;
    const token = await tokenFor(sub);
    const headers = {
      Authorization: `Bearer ${token}`,
      Cookie: `session=${cookie}`,
      "X-Forwarded-For": ip,
      "X-Real-IP": ip,
      "Fly-Client-IP": ip,
      "Content-Type": "application/json",
    };
    const body = JSON.stringify({ title: `title ${secret}`, body: `body ${secret}` });
    const crash = await app.request(`/test/read-then-crash?token=${secret}&q=${secret}`, {
      method: "POST",
      headers,
      body,
    });
    expect(crash.status).toBe(500);
    const created = await app.request(`/v1/notes?token=${secret}`, { method: "POST", headers, body });
    expect(created.status).toBe(201);
    await settle(() => ingest.events().length >= 1 && ingest.spans().length >= 2);

    const raw = ingest.rawText();
    expect(raw).toContain(sub);
    for (const leaked of [secret, cookie, ip, token, token.split(".")[1] ?? token]) expect(raw).not.toContain(leaked);
    expect(raw.toLowerCase()).not.toContain("authorization");
    expect(raw.toLowerCase()).not.toContain("cookie");
    const [event] = ingest.events();
    expect(event?.request).toEqual({ method: "POST", url: "http://localhost/test/read-then-crash" });
    expect(event?.user).toEqual({ id: sub });
  }, 30_000);

  test("probe, health and metrics routes are never traced, nor what runs inside them; API routes are", async () => {
    ingest.clear();
    for (const path of ["/livez", "/readyz", "/startupz", "/health", "/metrics"]) await app.request(path);
    await app.request("/v1/me", { headers: await authHeaders("alice") });
    await settle(() => ingest.spans().some((s) => s.name === "GET /v1/me"));
    const names = ingest.spans().map((s) => s.name);
    for (const untraced of ["/livez", "/readyz", "/startupz", "/health", "/metrics", "untraced.inner"]) {
      expect(names.filter((n) => n.includes(untraced))).toEqual([]);
    }
    const me = ingest.spans().find((s) => s.name === "GET /v1/me");
    expect(me?.attributes["http.route"]?.value).toBe("/v1/me");
    expect(me?.attributes["sentry.op"]?.value).toBe("http.server");
  }, 30_000);

  test("monitored: a span with ok/error status; a failure is reported once with its operation and rethrown", async () => {
    ingest.clear();
    const ok = await app.request("/test/monitored/ok");
    expect(await ok.text()).toBe("done");
    const failed = await app.request("/test/monitored/fail");
    expect(failed.status).toBe(500);
    const requestId = failed.headers.get("x-request-id") ?? "";
    await settle(
      () =>
        eventsFor((e) => e.tags?.request_id === requestId).length === 1 &&
        ingest.spans().some((s) => s.name === "test.fail"),
    );
    await Bun.sleep(200);
    const events = eventsFor((e) => e.tags?.request_id === requestId);
    expect(events).toHaveLength(1);
    expect(events[0]?.extra).toEqual({ operation: "test.fail" });
    expect(events[0]?.transaction).toBe("GET /test/monitored/:outcome");
    const spans = ingest.spans();
    expect(spans.find((s) => s.name === "test.ok")?.status).toBe("ok");
    const failedSpan = spans.find((s) => s.name === "test.fail");
    expect(failedSpan?.status).toBe("error");
    const parent = spans.find((s) => s.span_id === failedSpan?.parent_span_id);
    expect(parent?.name).toBe("GET /test/monitored/:outcome");
  }, 30_000);

  test("monitored outside a request is its own trace", async () => {
    ingest.clear();
    await expect(
      monitored("job.nightly", () => {
        throw new Error("nightly job failed");
      }),
    ).rejects.toThrow("nightly job failed");
    await settle(() => ingest.events().length === 1 && ingest.spans().some((s) => s.name === "job.nightly"));
    expect(ingest.events()[0]?.extra).toEqual({ operation: "job.nightly" });
    expect(ingest.events()[0]?.user).toBeUndefined();
    const span = ingest.spans().find((s) => s.name === "job.nightly");
    expect(span?.is_segment).toBe(true);
    expect(span?.status).toBe("error");
  }, 30_000);

  test("the debug route needs a token, and exists only when SENTRY_DEBUG_ROUTE=true", async () => {
    expect((await app.request("/debug-sentry")).status).toBe(401);
    const { app: plain } = buildTestApp({ db });
    const res = await plain.request("/debug-sentry", { headers: await authHeaders("alice") });
    expect(res.status).toBe(404);
  });
});

describe("Sentry through app.request, traces sampled out (SENTRY_TRACES_SAMPLE_RATE=0)", () => {
  let fixture: Awaited<ReturnType<typeof startSentryApp>>;
  beforeAll(async () => {
    fixture = await startSentryApp({ SENTRY_TRACES_SAMPLE_RATE: "0" });
  }, 30_000);
  afterAll(() => fixture.close());

  test("errors are still reported in full; no span at all, not even from monitored or a caller's sampled header", async () => {
    const { app, ingest, reporter } = fixture;
    const sampledByCaller = `${crypto.randomUUID().replaceAll("-", "")}-${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}-1`;
    const headers = await authHeaders("frank", { "sentry-trace": sampledByCaller });
    expect((await app.request("/test/monitored/ok", { headers })).status).toBe(200);
    const failed = await app.request("/test/monitored/fail", { headers: await authHeaders("frank") });
    expect(failed.status).toBe(500);
    expect((await app.request("/health", { headers })).status).toBe(200);
    await reporter.flush(5000);
    await ingest.waitFor(() => ingest.events().length === 1);
    const [event] = ingest.events();
    expect(event?.user).toEqual({ id: "frank" });
    expect(event?.extra).toEqual({ operation: "test.fail" });
    expect(event?.transaction).toBe("GET /test/monitored/:outcome");
    expect(event?.tags?.request_id).toBe(failed.headers.get("x-request-id") ?? "");
    expect(ingest.spans()).toEqual([]);
  }, 30_000);

  test("each request is still a trace of its own, which its event names", async () => {
    const { app, ingest, reporter } = fixture;
    ingest.clear();
    const failures = await Promise.all(
      ["grace", "heidi", "ivan"].map(async (sub) => app.request("/debug-sentry", { headers: await authHeaders(sub) })),
    );
    expect(failures.map((r) => r.status)).toEqual([500, 500, 500]);
    await reporter.flush(5000);
    await ingest.waitFor(() => ingest.events().length === 3);
    const traces = ingest.events().map((e) => e.contexts?.trace?.trace_id);
    expect(traces.every((id) => typeof id === "string" && /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(new Set(traces).size).toBe(3);
  }, 30_000);
});
