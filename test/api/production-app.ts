import type { Cache } from "../../src/cache/types";
import type { Database } from "../../src/db/types";
import type { Logger } from "../../src/logger";
import { buildTestApp, tokenFor } from "./app";

/** A secret only these suites use; production refuses the development one. */
export const PRODUCTION_SECRET = "berth-production-suite-secret-0123456789abcdef";
/** The host the production config names; no response may ever mention it. */
export const INTERNAL_DB_HOST = "pg-primary.berth.internal";

/** The app as it runs in production (no internals in errors), around a given database. */
export const buildProductionApp = (db: Database, env: Record<string, string> = {}, cache?: Cache, logger?: Logger) =>
  buildTestApp({
    db,
    cache,
    logger,
    env: {
      APP_MODE: "production",
      DATABASE_URL: `postgres://berth:db-password@${INTERNAL_DB_HOST}:5432/berth`,
      AUTH_JWT_SECRET: PRODUCTION_SECRET,
      RATE_LIMIT_PER_MINUTE: "0",
      ...env,
    },
  });

/** A token the production app accepts. */
export const productionToken = (sub: string) => tokenFor(sub, { secret: PRODUCTION_SECRET });

/**
 * What must never reach a client outside development/test: stack frames, source paths, SQL,
 * driver and runtime error names, connection details.
 */
export const LEAK_PATTERNS: RegExp[] = [
  /\bat .+\(.*:\d+:\d+\)/,
  /\n\s+at /,
  /\.(ts|js):\d+/,
  /node_modules/,
  /\b(select|insert into|update|delete from)\b.+\b(from|set|values|where|returning)\b/i,
  /"?(notes|idempotency_keys)"?\."?\w+"?/,
  /PostgresError|PGlite|postgres\.js|drizzle|SQLSTATE|ECONNREFUSED|ECONNRESET|TypeError|RangeError|SyntaxError:/i,
  /relation "|violates|duplicate key|syntax error at|invalid input syntax/i,
  new RegExp(INTERNAL_DB_HOST.replace(/\./g, "\\."), "i"),
  /db-password/,
  /127\.0\.0\.1:\d+|localhost:\d+/,
];

/** The patterns a response body matches that the request itself did not carry (echoes are fine). */
export const leaksIn = (body: string, request = "") =>
  LEAK_PATTERNS.filter((pattern) => pattern.test(body) && !pattern.test(request)).map(String);
