import type { Env, ParsedEnv } from "./schema";

const SPLIT_DATABASE = ["DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"] as const;
const SPLIT_REDIS = ["REDIS_PORT", "REDIS_PASSWORD"] as const;

// The URL setters silently keep the old host when given one they cannot carry, so the host is
// checked by reading it back; IPv6 literals (Fly's private network) need brackets in a URL.
const setHost = (url: URL, host: string) => {
  const ipv6 = host.includes(":");
  const wanted = ipv6 && !host.startsWith("[") ? `[${host}]` : host;
  const before = url.hostname;
  url.hostname = wanted;
  // An IPv6 literal comes back normalised; any other host must come back as given.
  return ipv6 ? url.hostname !== before : url.hostname.toLowerCase() === wanted.toLowerCase();
};

/** Problems with the split connection variables (DB_*, REDIS_*), checked on the raw environment. */
export const connectionProblems = (env: Env): string[] => {
  const problems: string[] = [];
  for (const [hostVar, others] of [
    ["DB_HOST", SPLIT_DATABASE],
    ["REDIS_HOST", SPLIT_REDIS],
  ] as const) {
    const host = env[hostVar];
    const orphans = others.filter((name) => env[name] !== undefined);
    if (host === undefined && orphans.length) {
      problems.push(`${hostVar}: required when ${orphans.join(", ")} ${orphans.length > 1 ? "are" : "is"} set`);
    }
    if (host !== undefined && !setHost(new URL("postgres://localhost"), host)) {
      problems.push(`${hostVar}: expected a host name or IP address (got ${JSON.stringify(host)})`);
    }
  }
  return problems;
};

const SSL_MODES = ["disable", "require", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

const parsedUrl = (value: string | undefined) => {
  try {
    return value ? new URL(value) : undefined;
  } catch {
    return undefined;
  }
};

/** The `sslmode` a postgres URL carries, once checked by `databaseUrlProblems`. */
export const sslModeOf = (url: string | undefined) =>
  (parsedUrl(url)?.searchParams.get("sslmode") ?? undefined) as SslMode | undefined;

/**
 * Problems with DATABASE_URL and DATABASE_MIGRATION_URL beyond their scheme: a URL without a host
 * would make postgres.js dial localhost as the OS user, and an `sslmode` it cannot honour, or one
 * that contradicts DATABASE_SSL, would be silently overridden.
 */
export const databaseUrlProblems = (env: Env): string[] => {
  const problems: string[] = [];
  for (const name of ["DATABASE_URL", "DATABASE_MIGRATION_URL"] as const) {
    const url = parsedUrl(env[name]);
    if (!url) continue;
    if (!url.hostname && !url.searchParams.get("host"))
      problems.push(`${name}: expected a host, as in postgres://user:password@host:5432/berth (got a URL without one)`);
    const mode = url.searchParams.get("sslmode");
    if (mode === null) continue;
    if (!(SSL_MODES as readonly string[]).includes(mode))
      problems.push(`${name}: sslmode=${mode} is not supported: expected sslmode=${SSL_MODES.join(", ")}`);
    else if (env.DATABASE_SSL && env.DATABASE_SSL !== mode)
      problems.push(
        `DATABASE_SSL: DATABASE_SSL=${env.DATABASE_SSL} conflicts with sslmode=${mode} in ${name}; keep one`,
      );
  }
  return problems;
};

/** The variable(s) the database URL came from, for messages about connecting to it. */
export const databaseVariable = (e: ParsedEnv) => (e.DATABASE_URL ? "DATABASE_URL" : "DB_HOST/DB_PORT/DB_NAME/DB_USER");

/** The variable(s) the Redis URL came from. */
export const redisVariable = (e: ParsedEnv) => (e.REDIS_URL ? "REDIS_URL" : "REDIS_HOST/REDIS_PORT");

/** DATABASE_URL, else one built from DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD. */
export const databaseUrlFrom = (e: ParsedEnv): string | undefined => {
  if (e.DATABASE_URL) return e.DATABASE_URL;
  if (!e.DB_HOST) return undefined;
  const url = new URL("postgres://localhost");
  setHost(url, e.DB_HOST);
  url.port = String(e.DB_PORT ?? 5432);
  url.pathname = `/${e.DB_NAME ?? "postgres"}`;
  // Encoded here so every character survives; postgres.js decodes user and password.
  url.username = encodeURIComponent(e.DB_USER ?? "postgres");
  if (e.DB_PASSWORD) url.password = encodeURIComponent(e.DB_PASSWORD);
  return url.toString();
};

/** REDIS_URL, else one built from REDIS_HOST, REDIS_PORT, REDIS_PASSWORD. */
export const redisUrlFrom = (e: ParsedEnv): string | undefined => {
  if (e.REDIS_URL) return e.REDIS_URL;
  if (!e.REDIS_HOST) return undefined;
  const url = new URL("redis://localhost");
  setHost(url, e.REDIS_HOST);
  url.port = String(e.REDIS_PORT ?? 6379);
  if (e.REDIS_PASSWORD) url.password = encodeURIComponent(e.REDIS_PASSWORD);
  return url.toString();
};
