import { z } from "zod";

/** The four modes; staging and production share the strict rules. */
export const modes = ["development", "test", "staging", "production"] as const;
export type Mode = (typeof modes)[number];

/** The process environment, or a Worker's string bindings. */
export type Env = Record<string, string | undefined>;

const bool = z
  .enum(["true", "false", "1", "0"], { message: 'expected "true" or "false"' })
  .transform((v) => v === "true" || v === "1");

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => {
  const expected = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\s*-?\d+\s*$/, { message: `expected ${expected}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `expected ${expected}` })
        .max(max, { message: `expected ${expected}` }),
    );
};

const port = int(0, 65535);
const ratio = z
  .string()
  .regex(/^\s*\d*\.?\d+\s*$/, { message: "expected a number from 0 to 1" })
  .transform(Number)
  .pipe(z.number().max(1, { message: "expected a number from 0 to 1" }));

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { message: `expected one of ${values.join(", ")}` });

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

// postgres.js does not percent-decode the database name of a URL, so DB_NAME keeps to characters
// a URL path carries as they are.
const databaseName = z.string().regex(/^[A-Za-z0-9_.$-]+$/, {
  message: "expected letters, digits, _, ., $ or - (other characters do not survive the connection URL)",
});

/** The raw environment schema: one entry per documented variable (empty values count as unset). */
export const envSchema = z.object({
  APP_MODE: oneOf(modes).optional(),
  PORT: port.default(8080),
  OPS_PORT: port.default(8081),
  HOST: z.string().optional(),
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  DB_HOST: z.string().optional(),
  DB_PORT: port.optional(),
  DB_NAME: databaseName.optional(),
  DB_USER: z.string().optional(),
  DB_PASSWORD: z.string().optional(),
  DATABASE_SSL: oneOf(["disable", "require", "verify-full"]).optional(),
  DATABASE_POOL_MAX: int(1, 1000).default(10),
  DATABASE_MIGRATION_URL: url(["postgres:", "postgresql:"]).optional(),
  DATABASE_TIMEOUT_MS: int(1).default(3000),
  PGLITE_DIR: z.string().default(".data/pglite"),
  REDIS_URL: url(["redis:", "rediss:"]).optional(),
  REDIS_HOST: z.string().optional(),
  REDIS_PORT: port.optional(),
  REDIS_PASSWORD: z.string().optional(),
  UPSTASH_REDIS_REST_URL: url(["https:", "http:"]).optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  CACHE_TIMEOUT_MS: int(1).default(250),
  NOTE_CACHE_TTL_MS: int(0).default(60_000),
  AUTH_JWT_SECRET: secret(32).optional(),
  AUTH_JWKS_URL: url(["https:", "http:"]).optional(),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  OPS_TOKEN: secret(32).optional(),
  SENTRY_DSN: url(["https:", "http:"]).optional(),
  SENTRY_ENVIRONMENT: z.string().optional(),
  SENTRY_RELEASE: z.string().optional(),
  SENTRY_TRACES_SAMPLE_RATE: ratio.optional(),
  SENTRY_DEBUG_ROUTE: bool.default(false),
  LOG_LEVEL: oneOf(["debug", "info", "warn", "error", "silent"]).optional(),
  LOG_FORMAT: oneOf(["pretty", "json"]).optional(),
  NO_COLOR: z.string().optional(),
  FORCE_COLOR: z.string().optional(),
  HEALTH_CHECK_TIMEOUT_MS: int(1).default(2000),
  HEALTH_CACHE_TTL_MS: int(0).default(1000),
  HEALTH_MEMORY_LIMIT_MB: int(1).optional(),
  SHUTDOWN_DELAY_MS: int(0).optional(),
  SHUTDOWN_TIMEOUT_MS: int(0).default(25000),
  CORS_ORIGINS: list.optional(),
  BODY_LIMIT_BYTES: int(1).default(1_048_576),
  RATE_LIMIT_PER_MINUTE: int(0).default(600),
  TRUST_PROXY: oneOf(["none", "fly", "first-hop"]).optional(),
  GIT_SHA: z.string().optional(),
  FLY_IMAGE_REF: z.string().optional(),
  RAILWAY_GIT_COMMIT_SHA: z.string().optional(),
  SOURCE_COMMIT: z.string().optional(),
  FLY_APP_NAME: z.string().optional(),
});

export type ParsedEnv = z.infer<typeof envSchema>;

// Values of these variables are never echoed in an error: they hold or may embed credentials.
const SECRET_NAMES = /PASSWORD|SECRET|TOKEN|DSN|_URL$/;

/** What a bad value looked like, without ever echoing a secret. */
export const describeValue = (name: string, value: string | undefined) => {
  if (value === undefined) return "nothing";
  if (SECRET_NAMES.test(name)) return `a value of ${value.length} characters, not shown`;
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
};
