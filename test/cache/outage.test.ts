import { afterAll, describe, expect, test } from "bun:test";
import { type Cache, CacheUnavailableError } from "../../src/cache/types";
import { freePort } from "../support/process";
import { serviceUrl } from "../support/services";
import { startTcpProxy } from "../support/tcp-proxy";
import { startUpstashServer, type UpstashServer } from "../support/upstash-server";
import { cacheFromEnv } from "./backends";

const TIMEOUT_MS = 250;
// Generous for a shared, noisy machine; a wedged call would wait seconds or forever.
const BOUND_MS = TIMEOUT_MS + 750;
const env = { CACHE_TIMEOUT_MS: String(TIMEOUT_MS) };
// Bun 1.4.5 ignores `timeout` in bunfig.toml (only --timeout works), so each test says its own.
const TEST_TIMEOUT_MS = 30_000;

const key = (name: string) => `berth-test:${crypto.randomUUID()}:${name}`;

/** Every kind of call once, each timed; all must fail with CacheUnavailableError within the bound. */
const expectEveryCallFailsFast = async (cache: Cache) => {
  const k = key("down");
  const calls: [string, () => Promise<unknown>][] = [
    ["get", () => cache.get(k)],
    ["set", () => cache.set(k, "v", 1000)],
    ["add", () => cache.add(k, "v", 1000)],
    ["delete", () => cache.delete(k)],
    ["increment", () => cache.increment(k, 1000)],
  ];
  let worst = 0;
  for (const [op, call] of calls) {
    const started = performance.now();
    const error = await call().then(
      () => new Error(`${op} succeeded while the cache is down`),
      (e: unknown) => e,
    );
    const elapsed = performance.now() - started;
    worst = Math.max(worst, elapsed);
    expect(error).toBeInstanceOf(CacheUnavailableError);
    expect(elapsed).toBeLessThan(BOUND_MS);
  }
  return worst;
};

/** Keeps calling for `forMs` (bounded in count too), every call within the bound. */
const expectFailsFastThroughout = async (cache: Cache, forMs: number) => {
  const until = performance.now() + forMs;
  for (let round = 0; round < 200 && performance.now() < until; round++) {
    await expectEveryCallFailsFast(cache);
    await Bun.sleep(20);
  }
};

/** Polls until a set/get round trip works again, on the same cache object; bounded in time. */
const expectRecovers = async (cache: Cache, withinMs = 10_000) => {
  const k = key("back");
  const until = performance.now() + withinMs;
  for (;;) {
    const ok = await cache
      .set(k, "back", 60_000)
      .then(() => cache.get(k))
      .then(
        (v) => v === "back",
        () => false,
      );
    if (ok) return;
    if (performance.now() > until) throw new Error(`cache did not recover within ${withinMs} ms`);
    await Bun.sleep(50);
  }
};

/** Calls made at once while the cache is down all end within the bound, not one after another. */
const expectConcurrentCallsBounded = async (cache: Cache) => {
  const started = performance.now();
  const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => cache.get(key(`burst-${i}`))));
  expect(performance.now() - started).toBeLessThan(BOUND_MS);
  for (const outcome of outcomes) {
    expect(outcome.status).toBe("rejected");
    expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(CacheUnavailableError);
  }
};

describe("redis cache while Redis is unreachable", () => {
  test(
    "a port nothing listens on: every call fails fast, again and again",
    async () => {
      const cache = cacheFromEnv({ ...env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
      try {
        await expectFailsFastThroughout(cache, 1500);
        await expectConcurrentCallsBounded(cache);
      } finally {
        await cache.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "a server that accepts and never answers: every call is bounded across several dials",
    async () => {
      const blackhole = await startTcpProxy({});
      const cache = cacheFromEnv({ ...env, REDIS_URL: `redis://${blackhole.address}` });
      try {
        await expectConcurrentCallsBounded(cache);
        // Long enough for a dial to time out, the redial pause to pass and another dial to start.
        await expectFailsFastThroughout(cache, 2500);
        expect(blackhole.stats.connections).toBeGreaterThanOrEqual(2);
      } finally {
        await cache.close();
        await blackhole.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe("redis cache says why a dial failed", () => {
  const blackholes: { close: () => Promise<void> }[] = [];
  afterAll(() => Promise.all(blackholes.map((b) => b.close())));

  test.each([
    [
      "a port nothing listens on",
      async () => `redis://127.0.0.1:${await freePort()}`,
      "redis unreachable: connection refused: nothing listens there",
    ],
    [
      "a server that accepts and never answers",
      async () => {
        const blackhole = await startTcpProxy({});
        blackholes.push(blackhole);
        return `redis://${blackhole.address}`;
      },
      "redis unreachable: the server accepts TCP but did not complete the Redis handshake",
    ],
  ])(
    "%s: once a dial has failed, calls fail with its reason",
    async (_, url, reason) => {
      const cache = cacheFromEnv({ ...env, REDIS_URL: await url() });
      try {
        // The first calls may give up before the dial does; the ones after it carry its reason.
        const messages: string[] = [];
        for (let i = 0; i < 50 && !messages.at(-1)?.includes(reason); i++) {
          messages.push(await cache.get(key("why")).then(String, (e: Error) => e.message));
          await Bun.sleep(50);
        }
        expect(messages.at(-1)).toContain(reason);
      } finally {
        await cache.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe("redis cache recovers without a restart", () => {
  const redisUrl = serviceUrl("TEST_REDIS_URL");
  if (!redisUrl) return;
  const { hostname, port } = new URL(redisUrl);
  const target = { host: hostname, port: Number(port || 6379) };

  test(
    "Redis goes away (connections reset, port closed) and comes back",
    async () => {
      const proxy = await startTcpProxy({ target });
      const cache = cacheFromEnv({ ...env, REDIS_URL: `redis://${proxy.address}` });
      try {
        await expectRecovers(cache);
        await proxy.setMode("closed");
        await expectFailsFastThroughout(cache, 1500);
        await proxy.setMode("forward");
        await expectRecovers(cache);
      } finally {
        await cache.close();
        await proxy.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "an established connection goes silent: calls stay bounded and a new connection heals it",
    async () => {
      const proxy = await startTcpProxy({ target });
      const cache = cacheFromEnv({ ...env, REDIS_URL: `redis://${proxy.address}` });
      try {
        await expectRecovers(cache);
        const dialled = proxy.stats.connections;
        await proxy.setMode("blackhole");
        await expectConcurrentCallsBounded(cache);
        await expectFailsFastThroughout(cache, 2000);
        await proxy.setMode("forward");
        await expectRecovers(cache);
        // Healed by dialling again, not by the silent connection waking up.
        expect(proxy.stats.connections).toBeGreaterThan(dialled);
      } finally {
        await cache.close();
        await proxy.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});

const upstashEnv = (url: string, token = "token") => ({
  ...env,
  UPSTASH_REDIS_REST_URL: url,
  UPSTASH_REDIS_REST_TOKEN: token,
});

describe("upstash cache while its endpoint is unreachable", () => {
  test(
    "a port nothing listens on: every call fails fast",
    async () => {
      const cache = cacheFromEnv(upstashEnv(`http://127.0.0.1:${await freePort()}`));
      try {
        await expectFailsFastThroughout(cache, 1000);
        await expectConcurrentCallsBounded(cache);
      } finally {
        await cache.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "a server that accepts and never answers: every call is bounded",
    async () => {
      const blackhole = await startTcpProxy({});
      const cache = cacheFromEnv(upstashEnv(`http://${blackhole.address}`));
      try {
        await expectConcurrentCallsBounded(cache);
        await expectFailsFastThroughout(cache, 1500);
      } finally {
        await cache.close();
        await blackhole.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe("upstash cache recovers without a restart", () => {
  const redisUrl = serviceUrl("TEST_REDIS_URL");
  if (!redisUrl) return;

  test(
    "the endpoint goes away and comes back on the same address",
    async () => {
      const first = await startUpstashServer({ redisUrl });
      const cache = cacheFromEnv(upstashEnv(first.url, first.token));
      let second: UpstashServer | undefined;
      try {
        await expectRecovers(cache);
        await first.stop();
        await expectFailsFastThroughout(cache, 1000);
        second = await startUpstashServer({ redisUrl, token: first.token, port: Number(new URL(first.url).port) });
        await expectRecovers(cache);
      } finally {
        await cache.close();
        await first.stop();
        await second?.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
