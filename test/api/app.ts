import { expect } from "bun:test";
import { hc } from "hono/client";
import { type AppType, createApp } from "../../src/app";
import { mintToken } from "../../src/auth/token";
import { createTokenVerifier } from "../../src/auth/verifier";
import { boundedCache } from "../../src/cache/bounded";
import { memoryCache } from "../../src/cache/memory";
import type { Cache } from "../../src/cache/types";
import { DEV_JWT_SECRET, type Env, loadConfig } from "../../src/config";
import type { Database } from "../../src/db/types";
import { createHealth } from "../../src/health";
import { createLifecycle, type Lifecycle } from "../../src/lifecycle/state";
import { createLogger, type Logger } from "../../src/logger";
import type { Monitoring } from "../../src/monitoring/reporter";

/** Builds the real API (createApp) around a given database, with test defaults any suite can override. */
export const buildTestApp = ({
  db,
  cache = boundedCache(memoryCache(), 250),
  env = {},
  logger = createLogger({ level: "silent", format: "json" }),
  lifecycle = createLifecycle({ started: true }),
  readRssBytes = () => process.memoryUsage.rss(),
  monitoring,
}: {
  db: Database;
  cache?: Cache;
  env?: Env;
  logger?: Logger;
  lifecycle?: Lifecycle;
  readRssBytes?: () => number;
  monitoring?: Monitoring;
}) => {
  const config = loadConfig({ APP_MODE: "test", ...env }, { version: "1.0.0-test" });
  const verify = createTokenVerifier(config.auth);
  const health = createHealth({ config, db, cache, readRssBytes });
  const app = createApp({ config, db, cache, verify, logger, health, lifecycle, monitoring });
  return { app, config, cache, health, lifecycle };
};

/** A valid token for `sub` signed with the development secret (or the one given). */
export const tokenFor = (sub: string, { secret = DEV_JWT_SECRET, ttlSeconds = 3600, ...rest } = {}) =>
  mintToken({ secret, sub, ttlSeconds, ...rest });

/** Authorization and JSON headers for a user. */
export const authHeaders = async (sub: string, extra: Record<string, string> = {}) => ({
  Authorization: `Bearer ${await tokenFor(sub)}`,
  "Content-Type": "application/json",
  ...extra,
});

/** Where a typed client sends its requests: an app called in-process, or a running server's URL. */
export type ClientTarget =
  | string
  | { request: (input: string | Request | URL, init?: RequestInit) => Response | Promise<Response> };

/**
 * A typed `hc<AppType>` client on `target`, sending `headers` with every request.
 *
 * @example
 * const alice = apiClient(app, await bearer("alice"));
 * const res = await alice.v1.notes.$post({ header: {}, json: { title: "t" } });
 */
export const apiClient = (target: ClientTarget, headers: Record<string, string> = {}) =>
  typeof target === "string"
    ? hc<AppType>(target, { headers })
    : hc<AppType>("http://berth.test", {
        fetch: async (input: string | Request | URL, init?: RequestInit) => target.request(input, init),
        headers,
      });

/** The Authorization header of a user with a development-secret token. */
export const bearer = async (sub: string) => ({ Authorization: `Bearer ${await tokenFor(sub)}` });

/** Expects a typed client's response to have `status`, and narrows it to that status's documented body. */
export function expectStatus<R extends { status: number }, S extends R["status"]>(
  res: R,
  status: S,
): asserts res is Extract<R, { status: S }> {
  expect(res.status).toBe(status);
}
