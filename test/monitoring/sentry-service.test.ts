import { afterAll, describe, expect, test } from "bun:test";
import { buildBundle } from "../../scripts/build";
import { authHeaders } from "../api/app";
import { startService } from "../support/process";
import { type SentryIngest, startSentryIngest } from "../support/sentry-ingest";

// The real service process with the real SDK, reporting to a local ingest: under Bun
// (`bun src/index.ts serve`, @sentry/bun) and under Node (the Node bundle, @sentry/node).
const NODE = Bun.which("node") ?? "node";
const runtimes: [string, () => Promise<string[]>][] = [
  ["Bun", async () => [process.execPath, "src/index.ts"]],
  ["Node", async () => [NODE, (await buildBundle("node")).file]],
];

const serviceEnv = (dsn: string, extra: Record<string, string> = {}) => ({
  APP_MODE: "test",
  PGLITE_DIR: "memory://",
  SENTRY_DSN: dsn,
  SENTRY_DEBUG_ROUTE: "true",
  ...extra,
});

describe.each(runtimes)("Sentry in the running service under %s", (_runtime, entry) => {
  const ingests: SentryIngest[] = [];
  afterAll(() => {
    for (const ingest of ingests) ingest.stop();
  });
  const newIngest = async () => {
    const ingest = await startSentryIngest();
    ingests.push(ingest);
    return ingest;
  };

  test("50 concurrent failures from 50 users reach Sentry once each with their own user; spans flush on shutdown", async () => {
    const ingest = await newIngest();
    const service = await startService(serviceEnv(ingest.dsn), {
      args: ["--apply-migrations"],
      command: await entry(),
    });
    const users = Array.from({ length: 50 }, (_, i) => `svc-user-${i}-${crypto.randomUUID().slice(0, 6)}`);
    const answers = await Promise.all(
      users.map(async (sub) => {
        const res = await fetch(`${service.url}/debug-sentry`, { headers: await authHeaders(sub) });
        return { sub, status: res.status, requestId: res.headers.get("x-request-id") ?? "" };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(users.map(() => 500));
    await ingest.waitFor(() => ingest.events().length >= 50);

    // Spans wait in the SDK's buffer (5 s); stopping the service must flush them, before the
    // cache and the database close.
    expect(await service.stop("SIGTERM")).toBe(0);
    expect(ingest.spans().filter((s) => s.is_segment)).toHaveLength(50);
    const steps = service
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l).step)
      .filter(Boolean);
    expect(steps).toEqual(["stop dashboard sampling", "flush monitoring", "close cache", "close database"]);

    const events = ingest.events();
    expect(events).toHaveLength(50);
    for (const { sub, requestId } of answers) {
      const [event, ...more] = events.filter((e) => e.tags?.request_id === requestId);
      expect(more).toHaveLength(0);
      expect(event?.user).toEqual({ id: sub });
      expect(event?.transaction).toBe("GET /debug-sentry");
      expect(event?.exception?.values?.at(-1)?.value).toBe(`Sentry debug error for request ${requestId}`);
    }
    const spanUsers = ingest.spans().map((s) => s.attributes["user.id"]?.value);
    expect(new Set(spanUsers)).toEqual(new Set(users));
    expect(ingest.rawText()).not.toMatch(/authorization|cookie|ip_address|client\.address/i);
  }, 60_000);

  test("SENTRY_TRACES_SAMPLE_RATE=0 sends errors but no spans; without SENTRY_DSN nothing is sent", async () => {
    const ingest = await newIngest();
    const sampledOut = await startService(serviceEnv(ingest.dsn, { SENTRY_TRACES_SAMPLE_RATE: "0" }), {
      args: ["--apply-migrations"],
      command: await entry(),
    });
    const res = await fetch(`${sampledOut.url}/debug-sentry`, { headers: await authHeaders("zero") });
    expect(res.status).toBe(500);
    // A caller that says "sampled" in sentry-trace does not override the configured rate.
    const forced = `${crypto.randomUUID().replace(/-/g, "")}-${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}-1`;
    await fetch(`${sampledOut.url}/v1/me`, { headers: await authHeaders("zero", { "sentry-trace": forced }) });
    await ingest.waitFor(() => ingest.events().length === 1);
    expect(await sampledOut.stop("SIGTERM")).toBe(0);
    expect(ingest.events()[0]?.user).toEqual({ id: "zero" });
    expect(ingest.spans()).toHaveLength(0);

    ingest.clear();
    const off = await startService(
      { APP_MODE: "test", PGLITE_DIR: "memory://", SENTRY_DEBUG_ROUTE: "true" },
      { args: ["--apply-migrations"], command: await entry() },
    );
    expect((await fetch(`${off.url}/debug-sentry`, { headers: await authHeaders("nobody") })).status).toBe(500);
    expect(await off.stop("SIGTERM")).toBe(0);
    expect(ingest.envelopes).toHaveLength(0);
  }, 60_000);
});
