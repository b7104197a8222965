import {
  connectionProblems,
  databaseUrlFrom,
  databaseUrlProblems,
  databaseVariable,
  redisUrlFrom,
  redisVariable,
  sslModeOf,
} from "./connections";
import { releaseCommit } from "./release";
import { describeValue, type Env, envSchema, type Mode, modes } from "./schema";

/** Used only in development and test, never accepted in staging or production. */
export const DEV_JWT_SECRET = "berth-development-secret-do-not-use-in-prod";

// A fresh start on PGlite measured 290 to 935 MiB of RSS, by how much of the garbage PGlite's
// own start leaves the collector had reclaimed yet (a bare PGlite.create: 883 MiB, 726 after a
// full collection), against 65 MiB on Postgres: the embedded database gets its own headroom.
const MEMORY_LIMIT_MIB = { postgres: 512, pglite: 2048 };

/**
 * Whether pretty logs are coloured: FORCE_COLOR set (not "0" or "false") forces colour,
 * NO_COLOR set turns it off (no-color.org), otherwise only a terminal gets it.
 */
const colorOutput = (e: { NO_COLOR?: string; FORCE_COLOR?: string }, terminal: boolean) => {
  if (e.FORCE_COLOR !== undefined) return e.FORCE_COLOR !== "0" && e.FORCE_COLOR !== "false";
  return e.NO_COLOR === undefined && terminal;
};

/** What a command needs configured in staging/production: the service needs both. */
export type Requirement = "database" | "auth";

/** Thrown with every configuration problem at once, each naming its variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const isMode = (value: string | undefined): value is Mode => (modes as readonly string[]).includes(value ?? "");

// Cross-variable rules, checked on the raw environment so they are reported together with any
// invalid value rather than after it is fixed.
const requirementProblems = (env: Env, mode: Mode, needs: readonly Requirement[]) => {
  const problems: string[] = [];
  const strict = mode === "staging" || mode === "production";
  if (strict && needs.includes("database") && !env.DATABASE_URL && !env.DB_HOST)
    problems.push(
      `DATABASE_URL: required in ${mode}: expected a postgres:// URL (or DB_HOST with DB_PORT, DB_NAME, DB_USER, DB_PASSWORD)`,
    );
  if (strict && needs.includes("auth") && !env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL)
    problems.push(`AUTH_JWT_SECRET: required in ${mode}: expected a secret of at least 32 bytes (or AUTH_JWKS_URL)`);
  if (strict && env.AUTH_JWT_SECRET === DEV_JWT_SECRET)
    problems.push(`AUTH_JWT_SECRET: the development secret is not accepted in ${mode}`);
  if (Boolean(env.UPSTASH_REDIS_REST_URL) !== Boolean(env.UPSTASH_REDIS_REST_TOKEN))
    problems.push("UPSTASH_REDIS_REST_TOKEN: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN go together");
  return [...problems, ...connectionProblems(env), ...databaseUrlProblems(env)];
};

/**
 * Turns the environment into a validated, fully-defaulted configuration, or throws ConfigError
 * listing every problem. `require` narrows what staging/production insist on for commands that
 * need only part of it (`token` needs no database, `migrate` no auth secret). `terminal` says
 * whether the logs go to a terminal (coloured then, unless NO_COLOR or FORCE_COLOR say otherwise).
 */
export const loadConfig = (
  env: Env,
  overrides: { mode?: Mode; version?: string; require?: readonly Requirement[]; terminal?: boolean } = {},
) => {
  const present: Env = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  const mode: Mode = overrides.mode ?? (isMode(present.APP_MODE) ? present.APP_MODE : "development");
  const seen = new Set<string>();
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues).flatMap((issue) => {
      const name = String(issue.path[0]);
      if (seen.has(name)) return [];
      seen.add(name);
      return [`${name}: ${issue.message} (got ${describeValue(name, present[name])})`];
    }),
    ...requirementProblems(present, mode, overrides.require ?? ["database", "auth"]),
  ];
  if (problems.length || !parsed.success) throw new ConfigError(problems);

  const e = parsed.data;
  const strict = mode === "staging" || mode === "production";
  const commit = releaseCommit(e);
  const version = overrides.version ?? "0.0.0";
  const databaseUrl = databaseUrlFrom(e);
  const redisUrl = redisUrlFrom(e);
  const migrationUrl = e.DATABASE_MIGRATION_URL ?? databaseUrl;
  // DATABASE_SSL, else the URL's own sslmode (the loader refuses the two disagreeing), else the mode's default.
  const sslFor = (url: string | undefined) => e.DATABASE_SSL ?? sslModeOf(url) ?? (strict ? "require" : "disable");

  return {
    mode,
    strict,
    version,
    commit,
    port: e.PORT,
    opsPort: e.OPS_PORT,
    // Development serves a published secret, so it stays on this machine unless HOST says otherwise.
    host: e.HOST ?? (strict ? "0.0.0.0" : "127.0.0.1"),
    database: {
      url: databaseUrl,
      variable: databaseVariable(e),
      migrationUrl,
      migrationVariable: e.DATABASE_MIGRATION_URL ? "DATABASE_MIGRATION_URL" : databaseVariable(e),
      ssl: sslFor(databaseUrl),
      migrationSsl: sslFor(migrationUrl),
      poolMax: e.DATABASE_POOL_MAX,
      timeoutMs: e.DATABASE_TIMEOUT_MS,
      pgliteDir: e.PGLITE_DIR,
    },
    cache: {
      backend: e.UPSTASH_REDIS_REST_URL ? "upstash" : redisUrl ? "redis" : "memory",
      redisUrl,
      redisVariable: redisVariable(e),
      upstash:
        e.UPSTASH_REDIS_REST_URL && e.UPSTASH_REDIS_REST_TOKEN
          ? { url: e.UPSTASH_REDIS_REST_URL, token: e.UPSTASH_REDIS_REST_TOKEN }
          : undefined,
      timeoutMs: e.CACHE_TIMEOUT_MS,
      noteTtlMs: e.NOTE_CACHE_TTL_MS,
    },
    auth: {
      secret: e.AUTH_JWT_SECRET ?? (e.AUTH_JWKS_URL || strict ? undefined : DEV_JWT_SECRET),
      secretIsExplicit: Boolean(e.AUTH_JWT_SECRET),
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
    },
    opsToken: e.OPS_TOKEN,
    sentry: {
      dsn: e.SENTRY_DSN,
      environment: e.SENTRY_ENVIRONMENT ?? mode,
      release: e.SENTRY_RELEASE ?? `berth@${version}${commit ? `+${commit}` : ""}`,
      tracesSampleRate: e.SENTRY_TRACES_SAMPLE_RATE ?? (mode === "production" ? 0.1 : 1.0),
      debugRoute: e.SENTRY_DEBUG_ROUTE,
    },
    log: {
      level: e.LOG_LEVEL ?? (mode === "development" ? "debug" : "info"),
      format: e.LOG_FORMAT ?? (mode === "development" ? "pretty" : "json"),
      color: colorOutput(e, overrides.terminal ?? false),
    },
    health: {
      checkTimeoutMs: e.HEALTH_CHECK_TIMEOUT_MS,
      cacheTtlMs: e.HEALTH_CACHE_TTL_MS,
      memoryLimitMib: e.HEALTH_MEMORY_LIMIT_MB ?? MEMORY_LIMIT_MIB[databaseUrl ? "postgres" : "pglite"],
    },
    shutdown: {
      delayMs: e.SHUTDOWN_DELAY_MS ?? (strict ? 3000 : 0),
      timeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    },
    corsOrigins: e.CORS_ORIGINS ?? [],
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY ?? (e.FLY_APP_NAME ? "fly" : "none"),
  } as const;
};

export type Config = ReturnType<typeof loadConfig>;
