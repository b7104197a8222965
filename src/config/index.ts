import { z } from "zod";

/** The four modes; staging and production share the strict rules. */
export const modes = ["development", "test", "staging", "production"] as const;
export type Mode = (typeof modes)[number];

/** Used only in development and test, never accepted in staging or production. */
export const DEV_JWT_SECRET = "berth-development-secret-do-not-use-in-prod";

const bool = z
  .enum(["true", "false", "1", "0"], { message: 'expected "true" or "false"' })
  .transform((v) => v === "true" || v === "1");

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ message: "expected an integer" })
    .int({ message: "expected an integer" })
    .min(min, { message: `expected an integer >= ${min}` })
    .max(max, { message: `expected an integer <= ${max}` });

const port = int(0, 65535);
const ratio = z.coerce.number({ message: "expected a number" }).min(0).max(1);

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a ${protocols.map((p) => `${p}//`).join(" or ")} URL` },
  );

const secret = (minBytes: number) =>
  z.string().refine((v) => new TextEncoder().encode(v).length >= minBytes, {
    message: `expected at least ${minBytes} bytes`,
  });

const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

/** The raw environment schema: one entry per documented variable. */
const envSchema = z.object({
  APP_MODE: z.enum(modes, { message: `expected one of ${modes.join(", ")}` }).optional(),
  PORT: port.default(8080),
  OPS_PORT: port.default(8081),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  DB_HOST: z.string().min(1).optional(),
  DB_PORT: port.optional(),
  DB_NAME: z.string().min(1).optional(),
  DB_USER: z.string().min(1).optional(),
  DB_PASSWORD: z.string().optional(),
  DATABASE_SSL: z.enum(["disable", "require", "verify-full"]).optional(),
  DATABASE_POOL_MAX: int(1, 1000).default(10),
  DATABASE_MIGRATION_URL: url(["postgres:", "postgresql:"]).optional(),
  DATABASE_TIMEOUT_MS: int(1).default(3000),
  PGLITE_DIR: z.string().min(1).default(".data/pglite"),
  REDIS_URL: url(["redis:", "rediss:"]).optional(),
  REDIS_HOST: z.string().min(1).optional(),
  REDIS_PORT: port.optional(),
  REDIS_PASSWORD: z.string().optional(),
  UPSTASH_REDIS_REST_URL: url(["https:", "http:"]).optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  CACHE_TIMEOUT_MS: int(1).default(250),
  NOTE_CACHE_TTL_MS: int(0).default(60_000),
  AUTH_JWT_SECRET: secret(32).optional(),
  AUTH_JWKS_URL: url(["https:", "http:"]).optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  OPS_TOKEN: secret(32).optional(),
  SENTRY_DSN: url(["https:", "http:"]).optional(),
  SENTRY_ENVIRONMENT: z.string().min(1).optional(),
  SENTRY_RELEASE: z.string().min(1).optional(),
  SENTRY_TRACES_SAMPLE_RATE: ratio.optional(),
  SENTRY_DEBUG_ROUTE: bool.default(false),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).optional(),
  LOG_FORMAT: z.enum(["pretty", "json"]).optional(),
  HEALTH_CHECK_TIMEOUT_MS: int(1).default(2000),
  HEALTH_CACHE_TTL_MS: int(0).default(1000),
  HEALTH_MEMORY_LIMIT_MB: int(1).default(512),
  SHUTDOWN_DELAY_MS: int(0).optional(),
  SHUTDOWN_TIMEOUT_MS: int(0).default(25000),
  CORS_ORIGINS: list.optional(),
  BODY_LIMIT_BYTES: int(1).default(1_048_576),
  RATE_LIMIT_PER_MINUTE: int(0).default(600),
  TRUST_PROXY: z.enum(["none", "fly", "first-hop"]).optional(),
  GIT_SHA: z.string().optional(),
  FLY_IMAGE_REF: z.string().optional(),
  RAILWAY_GIT_COMMIT_SHA: z.string().optional(),
  SOURCE_COMMIT: z.string().optional(),
  FLY_APP_NAME: z.string().optional(),
});

export type Env = Record<string, string | undefined>;

/** Thrown with every configuration problem at once, each naming its variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const buildDatabaseUrl = (e: z.infer<typeof envSchema>): string | undefined => {
  if (e.DATABASE_URL) return e.DATABASE_URL;
  if (!e.DB_HOST) return undefined;
  const u = new URL("postgres://localhost");
  u.hostname = e.DB_HOST;
  u.port = String(e.DB_PORT ?? 5432);
  u.pathname = `/${encodeURIComponent(e.DB_NAME ?? "postgres")}`;
  u.username = encodeURIComponent(e.DB_USER ?? "postgres");
  if (e.DB_PASSWORD) u.password = encodeURIComponent(e.DB_PASSWORD);
  return u.toString();
};

const buildRedisUrl = (e: z.infer<typeof envSchema>): string | undefined => {
  if (e.REDIS_URL) return e.REDIS_URL;
  if (!e.REDIS_HOST) return undefined;
  const u = new URL("redis://localhost");
  u.hostname = e.REDIS_HOST;
  u.port = String(e.REDIS_PORT ?? 6379);
  if (e.REDIS_PASSWORD) u.password = encodeURIComponent(e.REDIS_PASSWORD);
  return u.toString();
};

/** Turns the environment into a validated, fully-defaulted configuration, or throws ConfigError. */
export const loadConfig = (env: Env, overrides: { mode?: Mode; version?: string } = {}) => {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message} (got ${describe(i.path[0], present)})`),
    );
  }
  const e = parsed.data;
  const mode: Mode = overrides.mode ?? e.APP_MODE ?? "development";
  const strict = mode === "staging" || mode === "production";
  const problems: string[] = [];

  const databaseUrl = buildDatabaseUrl(e);
  if (strict && !databaseUrl) problems.push(`DATABASE_URL: required in ${mode} (or DB_HOST and friends)`);
  if (strict && !e.AUTH_JWT_SECRET && !e.AUTH_JWKS_URL)
    problems.push(`AUTH_JWT_SECRET: required in ${mode} (or AUTH_JWKS_URL)`);
  if (Boolean(e.UPSTASH_REDIS_REST_URL) !== Boolean(e.UPSTASH_REDIS_REST_TOKEN))
    problems.push("UPSTASH_REDIS_REST_TOKEN: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN go together");
  if (problems.length) throw new ConfigError(problems);

  const commit = e.GIT_SHA ?? e.FLY_IMAGE_REF?.split(":").pop() ?? e.RAILWAY_GIT_COMMIT_SHA ?? e.SOURCE_COMMIT;
  const version = overrides.version ?? "0.0.0";
  const redisUrl = buildRedisUrl(e);

  return {
    mode,
    strict,
    version,
    commit: commit ? commit.slice(0, 12) : undefined,
    port: e.PORT,
    opsPort: e.OPS_PORT,
    host: e.HOST,
    database: {
      url: databaseUrl,
      migrationUrl: e.DATABASE_MIGRATION_URL ?? databaseUrl,
      ssl: e.DATABASE_SSL ?? (strict ? "require" : "disable"),
      poolMax: e.DATABASE_POOL_MAX,
      timeoutMs: e.DATABASE_TIMEOUT_MS,
      pgliteDir: e.PGLITE_DIR,
    },
    cache: {
      backend: e.UPSTASH_REDIS_REST_URL ? "upstash" : redisUrl ? "redis" : "memory",
      redisUrl,
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
      release: e.SENTRY_RELEASE ?? `berth@${version}${commit ? `+${commit.slice(0, 12)}` : ""}`,
      tracesSampleRate: e.SENTRY_TRACES_SAMPLE_RATE ?? (mode === "production" ? 0.1 : 1.0),
      debugRoute: e.SENTRY_DEBUG_ROUTE,
    },
    log: {
      level: e.LOG_LEVEL ?? (mode === "development" ? "debug" : "info"),
      format: e.LOG_FORMAT ?? (mode === "development" ? "pretty" : "json"),
    },
    health: {
      checkTimeoutMs: e.HEALTH_CHECK_TIMEOUT_MS,
      cacheTtlMs: e.HEALTH_CACHE_TTL_MS,
      memoryLimitMb: e.HEALTH_MEMORY_LIMIT_MB,
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

const SECRET_NAMES = /PASSWORD|SECRET|TOKEN|DSN|_URL$/;

/** What a bad value looked like, without ever echoing a secret. */
const describe = (key: PropertyKey | undefined, env: Env) => {
  const name = String(key);
  const value = env[name];
  if (value === undefined) return "nothing";
  if (SECRET_NAMES.test(name)) return `a value of ${value.length} characters, not shown`;
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
};
