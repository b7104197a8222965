import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ConfigError, DEV_JWT_SECRET, type Env, loadConfig } from ".";
import { envSchema } from "./schema";

const SECRET = "s3cret-value-that-is-long-enough-0123456789";

const problemsOf = (env: Env, overrides?: Parameters<typeof loadConfig>[1]) => {
  try {
    loadConfig(env, overrides);
  } catch (error) {
    if (error instanceof ConfigError) return { problems: error.problems, message: error.message };
    throw error;
  }
  throw new Error("expected a ConfigError");
};

describe("loadConfig", () => {
  test.each([
    ["development", {}, "127.0.0.1"],
    ["development", { HOST: "0.0.0.0" }, "0.0.0.0"],
    ["test", {}, "127.0.0.1"],
    ["staging", { DATABASE_URL: "postgres://db/berth", AUTH_JWT_SECRET: SECRET }, "0.0.0.0"],
    ["production", { DATABASE_URL: "postgres://db/berth", AUTH_JWT_SECRET: SECRET }, "0.0.0.0"],
    ["production", { DATABASE_URL: "postgres://db/berth", AUTH_JWT_SECRET: SECRET, HOST: "::" }, "::"],
  ] as const)("%s with %j listens on %s", (mode, env, host) => {
    expect(loadConfig({ APP_MODE: mode, ...env }).host).toBe(host);
  });

  test.each([
    ["postgres://", "DATABASE_URL: expected a host"],
    ["postgresql:///berth", "DATABASE_URL: expected a host"],
    ["postgres://db/berth?sslmode=prefer", "DATABASE_URL: sslmode=prefer is not supported"],
  ])("DATABASE_URL=%s is refused: %s", (url, problem) => {
    const { problems } = problemsOf({ DATABASE_URL: url });
    expect(problems.some((p) => p.startsWith(problem))).toBe(true);
    expect(problems.join("\n")).not.toContain("pw");
  });

  test("a unix socket given as ?host= is a host", () => {
    expect(loadConfig({ DATABASE_URL: "postgres:///berth?host=/var/run/postgresql" }).database.url).toContain("host=");
  });

  test("the URL's sslmode is honoured for its own connection, and DATABASE_SSL contradicting it names both", () => {
    const strict = { APP_MODE: "production", AUTH_JWT_SECRET: SECRET };
    const c = loadConfig({
      ...strict,
      DATABASE_URL: "postgres://db/berth?sslmode=disable",
      DATABASE_MIGRATION_URL: "postgres://db/berth?sslmode=verify-full",
    });
    expect(c.database.ssl).toBe("disable");
    expect(c.database.migrationSsl).toBe("verify-full");
    expect(loadConfig({ DATABASE_URL: "postgres://db/berth?sslmode=require" }).database.ssl).toBe("require");
    expect(loadConfig({ ...strict, DATABASE_URL: "postgres://db/berth" }).database.ssl).toBe("require");
    expect(
      loadConfig({ DATABASE_URL: "postgres://db/berth?sslmode=require", DATABASE_SSL: "require" }).database.ssl,
    ).toBe("require");
    const { problems } = problemsOf({
      ...strict,
      DATABASE_URL: "postgres://db/berth?sslmode=disable",
      DATABASE_SSL: "require",
    });
    expect(problems).toEqual([
      "DATABASE_SSL: DATABASE_SSL=require conflicts with sslmode=disable in DATABASE_URL; keep one",
    ]);
  });

  test("connection settings remember which variables they came from", () => {
    const split = loadConfig({ DB_HOST: "db", REDIS_HOST: "cache" });
    expect([split.database.variable, split.database.migrationVariable, split.cache.redisVariable]).toEqual([
      "DB_HOST/DB_PORT/DB_NAME/DB_USER",
      "DB_HOST/DB_PORT/DB_NAME/DB_USER",
      "REDIS_HOST/REDIS_PORT",
    ]);
    const urls = loadConfig({
      DATABASE_URL: "postgres://db/a",
      DATABASE_MIGRATION_URL: "postgres://db/a",
      REDIS_URL: "redis://cache",
    });
    expect([urls.database.variable, urls.database.migrationVariable, urls.cache.redisVariable]).toEqual([
      "DATABASE_URL",
      "DATABASE_MIGRATION_URL",
      "REDIS_URL",
    ]);
  });

  test("development needs nothing and picks the embedded defaults", () => {
    const c = loadConfig({});
    expect(c.mode).toBe("development");
    expect(c.port).toBe(8080);
    expect(c.opsPort).toBe(8081);
    expect(c.host).toBe("127.0.0.1");
    expect(c.database.url).toBeUndefined();
    expect(c.database.pgliteDir).toBe(".data/pglite");
    expect(c.cache.backend).toBe("memory");
    expect(c.auth.secret).toBe(DEV_JWT_SECRET);
    expect(c.auth.secretIsExplicit).toBe(false);
  });

  test("every problem is reported at once, by variable, with what was expected", () => {
    const { problems } = problemsOf({
      APP_MODE: "production",
      PORT: "http",
      OPS_PORT: "70000",
      DATABASE_SSL: "sometimes",
      DATABASE_POOL_MAX: "0",
      SENTRY_TRACES_SAMPLE_RATE: "1.5",
      LOG_LEVEL: "loud",
      TRUST_PROXY: "all",
      SENTRY_DEBUG_ROUTE: "yes",
      REDIS_PASSWORD: "orphan",
    });
    const byName = Object.fromEntries(problems.map((p) => [p.slice(0, p.indexOf(":")), p]));
    expect(Object.keys(byName).sort()).toEqual(
      [
        "PORT",
        "OPS_PORT",
        "DATABASE_SSL",
        "DATABASE_POOL_MAX",
        "SENTRY_TRACES_SAMPLE_RATE",
        "LOG_LEVEL",
        "TRUST_PROXY",
        "SENTRY_DEBUG_ROUTE",
        "DATABASE_URL",
        "AUTH_JWT_SECRET",
        "REDIS_HOST",
      ].sort(),
    );
    expect(problems).toHaveLength(11);
    expect(byName.PORT).toBe('PORT: expected an integer from 0 to 65535 (got "http")');
    expect(byName.OPS_PORT).toContain("expected an integer from 0 to 65535");
    expect(byName.DATABASE_SSL).toBe('DATABASE_SSL: expected one of disable, require, verify-full (got "sometimes")');
    expect(byName.DATABASE_POOL_MAX).toContain("expected an integer from 1 to 1000");
    expect(byName.SENTRY_TRACES_SAMPLE_RATE).toContain("expected a number from 0 to 1");
    expect(byName.LOG_LEVEL).toContain("expected one of debug, info, warn, error, silent");
    expect(byName.DATABASE_URL).toContain("required in production");
    expect(byName.AUTH_JWT_SECRET).toContain("required in production");
    expect(byName.REDIS_HOST).toBe("REDIS_HOST: required when REDIS_PASSWORD is set");
  });

  test("secret values never appear in an error, whatever is wrong with them", () => {
    const secrets = {
      DATABASE_URL: "mysql://admin:hunter2-db-password@db.internal/berth",
      DATABASE_MIGRATION_URL: "not a url hunter2-migration",
      REDIS_URL: "http://:hunter2-redis@cache:6379",
      AUTH_JWT_SECRET: "hunter2-too-short",
      OPS_TOKEN: "hunter2-short-ops",
      SENTRY_DSN: "hunter2-not-a-dsn",
      UPSTASH_REDIS_REST_URL: "ftp://hunter2-upstash",
    };
    const { problems, message } = problemsOf({ ...secrets, APP_MODE: "staging" });
    expect(problems.length).toBeGreaterThanOrEqual(Object.keys(secrets).length);
    for (const [name, value] of Object.entries(secrets)) {
      expect(problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
      expect(message).not.toContain(value);
    }
    expect(message).not.toContain("hunter2");
    expect(message).toContain(`a value of ${secrets.AUTH_JWT_SECRET.length} characters, not shown`);
  });

  test("a password with the wrong shape elsewhere is not echoed either", () => {
    const { message } = problemsOf({ DB_PASSWORD: "hunter2:@/#?pw", DB_PORT: "x" });
    expect(message).toContain("DB_HOST: required when DB_PORT, DB_PASSWORD are set");
    expect(message).not.toContain("hunter2");
  });

  for (const mode of ["staging", "production"] as const) {
    test(`${mode} refuses without a database URL or an auth secret`, () => {
      const both = problemsOf({ APP_MODE: mode }).problems;
      expect(both.map((p) => p.split(":")[0])).toEqual(["DATABASE_URL", "AUTH_JWT_SECRET"]);
      expect(problemsOf({ AUTH_JWT_SECRET: SECRET }, { mode }).problems.map((p) => p.split(":")[0])).toEqual([
        "DATABASE_URL",
      ]);
      expect(
        problemsOf({ DATABASE_URL: "postgres://db/berth" }, { mode }).problems.map((p) => p.split(":")[0]),
      ).toEqual(["AUTH_JWT_SECRET"]);
      expect(
        problemsOf({ DATABASE_URL: "postgres://db/berth", AUTH_JWT_SECRET: DEV_JWT_SECRET }, { mode }).problems,
      ).toEqual([`AUTH_JWT_SECRET: the development secret is not accepted in ${mode}`]);
      const ok = loadConfig({ DATABASE_URL: "postgres://db/berth", AUTH_JWT_SECRET: SECRET }, { mode });
      expect(ok.strict).toBe(true);
      expect(ok.auth.secret).toBe(SECRET);
      const jwks = loadConfig({ DB_HOST: "db", AUTH_JWKS_URL: "https://idp.example/jwks.json" }, { mode });
      expect(jwks.auth.secret).toBeUndefined();
    });
  }

  test("commands can narrow what staging/production insist on", () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET }, { mode: "production", require: ["auth"] }).database.url).toBe(
      undefined,
    );
    expect(loadConfig({ DATABASE_URL: "postgres://db/x" }, { mode: "production", require: ["database"] }).mode).toBe(
      "production",
    );
    expect(problemsOf({}, { mode: "production", require: ["database"] }).problems).toHaveLength(1);
  });

  test("--mode wins over APP_MODE", () => {
    expect(loadConfig({ APP_MODE: "production" }, { mode: "test" }).mode).toBe("test");
    expect(problemsOf({ APP_MODE: "prod" }).problems).toEqual([
      'APP_MODE: expected one of development, test, staging, production (got "prod")',
    ]);
  });

  test("DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD build the URL, any password included", () => {
    const password = `p@ss:w/rd#?%&=+ "'ü\\[]`;
    const c = loadConfig({
      DB_HOST: "db.internal",
      DB_PORT: "6543",
      DB_NAME: "berth_prod",
      DB_USER: "app@user:1",
      DB_PASSWORD: password,
    });
    const url = new URL(c.database.url ?? "");
    expect(url.protocol).toBe("postgres:");
    expect(url.hostname).toBe("db.internal");
    expect(url.port).toBe("6543");
    expect(url.pathname).toBe("/berth_prod");
    expect(decodeURIComponent(url.username)).toBe("app@user:1");
    expect(decodeURIComponent(url.password)).toBe(password);
    expect(c.database.migrationUrl).toBe(c.database.url);
  });

  test("DB_* defaults, IPv6 hosts, and DATABASE_URL taking precedence", () => {
    expect(loadConfig({ DB_HOST: "db" }).database.url).toBe("postgres://postgres@db:5432/postgres");
    expect(loadConfig({ DB_HOST: "fdaa:0:1::3" }).database.url).toBe("postgres://postgres@[fdaa:0:1::3]:5432/postgres");
    expect(loadConfig({ DB_HOST: "db", DATABASE_URL: "postgres://other/x" }).database.url).toBe("postgres://other/x");
    expect(
      loadConfig({ DATABASE_URL: "postgres://app/x", DATABASE_MIGRATION_URL: "postgres://direct/x" }).database
        .migrationUrl,
    ).toBe("postgres://direct/x");
    expect(problemsOf({ DB_HOST: "bad host" }).problems).toEqual([
      'DB_HOST: expected a host name or IP address (got "bad host")',
    ]);
    expect(problemsOf({ DB_HOST: "db", DB_NAME: "my db" }).problems[0]).toStartWith("DB_NAME: expected letters");
  });

  test("REDIS_HOST, REDIS_PORT, REDIS_PASSWORD build the URL, any password included", () => {
    const password = "r3d!s p@ss/w:rd#%";
    const c = loadConfig({ REDIS_HOST: "cache.internal", REDIS_PORT: "6380", REDIS_PASSWORD: password });
    expect(c.cache.backend).toBe("redis");
    const url = new URL(c.cache.redisUrl ?? "");
    expect(url.protocol).toBe("redis:");
    expect(url.hostname).toBe("cache.internal");
    expect(url.port).toBe("6380");
    expect(decodeURIComponent(url.password)).toBe(password);
    expect(loadConfig({ REDIS_HOST: "cache" }).cache.redisUrl).toBe("redis://cache:6379");
    expect(loadConfig({ REDIS_HOST: "cache", REDIS_URL: "rediss://x:6380" }).cache.redisUrl).toBe("rediss://x:6380");
  });

  test("Upstash needs both its URL and token, and wins over Redis", () => {
    expect(problemsOf({ UPSTASH_REDIS_REST_URL: "https://u.upstash.io" }).problems[0]).toStartWith(
      "UPSTASH_REDIS_REST_TOKEN:",
    );
    const c = loadConfig({
      REDIS_URL: "redis://r:6379",
      UPSTASH_REDIS_REST_URL: "https://u.upstash.io",
      UPSTASH_REDIS_REST_TOKEN: "tok",
    });
    expect(c.cache.backend).toBe("upstash");
  });

  test("mode defaults: SSL, logs, shutdown delay, traces rate", () => {
    const expected = {
      development: { ssl: "disable", level: "debug", format: "pretty", delay: 0, rate: 1 },
      test: { ssl: "disable", level: "info", format: "json", delay: 0, rate: 1 },
      staging: { ssl: "require", level: "info", format: "json", delay: 3000, rate: 1 },
      production: { ssl: "require", level: "info", format: "json", delay: 3000, rate: 0.1 },
    } as const;
    for (const [mode, want] of Object.entries(expected)) {
      const c = loadConfig({ DATABASE_URL: "postgres://db/x", AUTH_JWT_SECRET: SECRET }, { mode: mode as never });
      expect({
        ssl: c.database.ssl,
        level: c.log.level,
        format: c.log.format,
        delay: c.shutdown.delayMs,
        rate: c.sentry.tracesSampleRate,
      }).toEqual(want);
      expect(c.sentry.environment).toBe(mode);
    }
    const explicit = loadConfig(
      {
        DATABASE_URL: "postgres://db/x",
        AUTH_JWT_SECRET: SECRET,
        DATABASE_SSL: "verify-full",
        LOG_LEVEL: "warn",
        LOG_FORMAT: "pretty",
        SHUTDOWN_DELAY_MS: "0",
        SENTRY_TRACES_SAMPLE_RATE: "0.25",
      },
      { mode: "production" },
    );
    expect(explicit.database.ssl).toBe("verify-full");
    expect(explicit.log).toEqual({ level: "warn", format: "pretty", color: false });
    expect(explicit.shutdown.delayMs).toBe(0);
    expect(explicit.sentry.tracesSampleRate).toBe(0.25);
  });

  test.each([
    ["PGlite", {}, 2048],
    ["PGlite, HEALTH_MEMORY_LIMIT_MB set", { HEALTH_MEMORY_LIMIT_MB: "300" }, 300],
    ["Postgres", { DATABASE_URL: "postgres://db/x" }, 512],
    ["Postgres from DB_HOST", { DB_HOST: "db" }, 512],
    ["Postgres, HEALTH_MEMORY_LIMIT_MB set", { DATABASE_URL: "postgres://db/x", HEALTH_MEMORY_LIMIT_MB: "1024" }, 1024],
  ] as const)("the memory check's limit on %s is %d MiB", (_, env, mib) => {
    expect(loadConfig(env).health.memoryLimitMib).toBe(mib);
  });

  test.each([
    ["a terminal", true, {}, true],
    ["a pipe", false, {}, false],
    ["a terminal with NO_COLOR", true, { NO_COLOR: "1" }, false],
    ["a terminal with NO_COLOR empty (unset)", true, { NO_COLOR: "" }, true],
    ["a pipe with FORCE_COLOR", false, { FORCE_COLOR: "1" }, true],
    ["a pipe with FORCE_COLOR=true", false, { FORCE_COLOR: "true" }, true],
    ["a terminal with FORCE_COLOR=0", true, { FORCE_COLOR: "0" }, false],
    ["a terminal with FORCE_COLOR=false", true, { FORCE_COLOR: "false" }, false],
    ["a pipe with FORCE_COLOR and NO_COLOR", false, { FORCE_COLOR: "1", NO_COLOR: "1" }, true],
  ] as const)("logs to %s are coloured: %p", (_, terminal, env, color) => {
    expect(loadConfig(env, { terminal }).log.color).toBe(color);
  });

  test("empty values count as unset", () => {
    const c = loadConfig({ PORT: "", DATABASE_URL: "", LOG_LEVEL: "" });
    expect(c.port).toBe(8080);
    expect(c.database.url).toBeUndefined();
  });

  test("TRUST_PROXY is fly on Fly, none elsewhere; CORS_ORIGINS is a list", () => {
    expect(loadConfig({}).trustProxy).toBe("none");
    expect(loadConfig({ FLY_APP_NAME: "berth" }).trustProxy).toBe("fly");
    expect(loadConfig({ CORS_ORIGINS: " https://a.example, https://b.example ," }).corsOrigins).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
  });

  describe("release identity", () => {
    const sha = "3f2c1ab9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3";
    const release = (env: Env) => {
      const c = loadConfig(env, { version: "1.2.3" });
      return { commit: c.commit, release: c.sentry.release };
    };

    test("no commit known: the version alone", () => {
      expect(release({})).toEqual({ commit: undefined, release: "berth@1.2.3" });
    });

    test("from each of GIT_SHA, FLY_IMAGE_REF, RAILWAY_GIT_COMMIT_SHA, SOURCE_COMMIT", () => {
      for (const name of ["GIT_SHA", "RAILWAY_GIT_COMMIT_SHA", "SOURCE_COMMIT"]) {
        expect(release({ [name]: sha })).toEqual({ commit: "3f2c1ab9d8e7", release: "berth@1.2.3+3f2c1ab9d8e7" });
      }
      expect(release({ FLY_IMAGE_REF: `registry.fly.io/berth:${sha}` }).commit).toBe("3f2c1ab9d8e7");
      expect(release({ FLY_IMAGE_REF: "registry.fly.io/berth:deployment-01J9RK9EYO9PGNBYAKGXSHV0PH" }).commit).toBe(
        "deployment-01J9RK9EYO9PGNBYAKGXSHV0PH",
      );
      expect(release({ FLY_IMAGE_REF: `registry.fly.io:443/berth@sha256:${sha}${sha.slice(0, 24)}` }).commit).toBe(
        "3f2c1ab9d8e7",
      );
      expect(release({ SOURCE_COMMIT: "abc1234" }).commit).toBe("abc1234");
    });

    test("GIT_SHA first, then FLY_IMAGE_REF, RAILWAY_GIT_COMMIT_SHA, SOURCE_COMMIT", () => {
      const all = {
        GIT_SHA: "aaaaaaa",
        FLY_IMAGE_REF: "registry.fly.io/berth:bbbbbbb",
        RAILWAY_GIT_COMMIT_SHA: "ccccccc",
        SOURCE_COMMIT: "ddddddd",
      };
      expect(release(all).commit).toBe("aaaaaaa");
      expect(release({ ...all, GIT_SHA: undefined }).commit).toBe("bbbbbbb");
      expect(release({ ...all, GIT_SHA: undefined, FLY_IMAGE_REF: undefined }).commit).toBe("ccccccc");
      expect(release({ SOURCE_COMMIT: "ddddddd" }).commit).toBe("ddddddd");
    });

    test("SENTRY_RELEASE overrides the derived release", () => {
      expect(release({ GIT_SHA: sha, SENTRY_RELEASE: "custom@9" }).release).toBe("custom@9");
    });
  });

  describe(".env.example", () => {
    const documented = Object.fromEntries(
      [
        ...readFileSync(new URL("../../.env.example", import.meta.url), "utf8").matchAll(
          /^# ([A-Z][A-Z0-9_]*)=(.*)$/gm,
        ),
      ].map(([, name, value]) => [name as string, value as string]),
    );

    test("lists every variable the loader reads", () => {
      expect(Object.keys(documented).sort()).toEqual(Object.keys(envSchema.shape).sort());
    });

    test("every default it shows is the default the loader applies", () => {
      // Example values (URLs) and the split connection variables are illustrations, not defaults.
      const illustrations = /^(DATABASE_URL|REDIS_URL|DB_|REDIS_PORT)/;
      const defaults = loadConfig({});
      for (const [name, value] of Object.entries(documented)) {
        if (!value || illustrations.test(name)) continue;
        expect({ name, config: loadConfig({ [name]: value }) }).toEqual({ name, config: defaults });
      }
    });
  });
});
