import { describe, expect, test } from "bun:test";
import { loadConfig } from "../config";
import { createLogger, type LoggerOptions, maskSecrets, serviceLogger } from "./logger";

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl";

const capture = (options: Omit<LoggerOptions, "write">) => {
  const lines: string[] = [];
  return { lines, logger: createLogger({ ...options, write: (line) => lines.push(line) }) };
};

describe("logger", () => {
  test("json: one parseable line per call with time, level, msg and fields", () => {
    const { lines, logger } = capture({ level: "info", format: "json", fields: { service: "berth" } });
    logger.info("request", { requestId: "r1", status: 200, when: new Date(0) });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? "");
    expect(line).toMatchObject({ level: "info", msg: "request", service: "berth", requestId: "r1", status: 200 });
    expect(line.when).toBe("1970-01-01T00:00:00.000Z");
    expect(Date.parse(line.time)).toBeGreaterThan(0);
  });

  test("the level is honoured, and silent writes nothing", () => {
    const warn = capture({ level: "warn", format: "json" });
    warn.logger.debug("d");
    warn.logger.info("i");
    warn.logger.warn("w");
    warn.logger.error("e");
    expect(warn.lines.map((l) => JSON.parse(l).level)).toEqual(["warn", "error"]);
    const silent = capture({ level: "silent", format: "json" });
    silent.logger.error("e");
    expect(silent.lines).toEqual([]);
  });

  test("pretty: a human line with key=value pairs, and an error's stack on lines of its own", () => {
    const { lines, logger } = capture({ level: "debug", format: "pretty" });
    logger.info("listening", { port: 8080, mode: "development" });
    logger.error("unhandled error", { error: new Error("boom") });
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} .*INFO .* listening port=8080 mode=development$/);
    expect(lines[1]).toContain("unhandled error");
    expect(lines[1]).toContain("\nError: boom\n    at ");
  });

  test("pretty: colours the level name only when asked; json never", () => {
    const plain = capture({ level: "info", format: "pretty" });
    plain.logger.warn("w");
    expect(plain.lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}w$/);
    const coloured = capture({ level: "info", format: "pretty", color: true });
    coloured.logger.warn("w");
    expect(coloured.lines[0]?.slice(13)).toBe("\x1b[33mWARN \x1b[0m w");
    const json = capture({ level: "info", format: "json", color: true });
    json.logger.warn("w");
    expect(json.lines[0]).not.toContain("\x1b");
  });

  test("credentials are masked in messages, fields, nested values and errors", () => {
    const { lines, logger } = capture({ level: "info", format: "json" });
    logger.info("connecting to postgres://app:hunter2@db:5432/app and redis://:s3cret@cache:6379", {
      authorization: `Bearer ${JWT}`,
      nested: { url: "https://api.test/cb?token=abc123&page=2", token: "opaque-value" },
      error: new Error(`auth failed for ${JWT}`, { cause: new Error("rediss://user:pw@host") }),
    });
    const text = lines.join("\n");
    for (const secret of ["hunter2", "s3cret", JWT, "abc123", "opaque-value", "user:pw@"]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("postgres://app:***@db:5432/app");
    expect(text).toContain("page=2");
  });

  test("serviceLogger masks every credential the configuration holds, even outside a URL", () => {
    const config = loadConfig(
      {
        APP_MODE: "test",
        DB_HOST: "db.internal",
        DB_PASSWORD: "p@ss/word with spaces",
        REDIS_URL: "redis://:redis-password-1@cache:6379",
        UPSTASH_REDIS_REST_URL: "https://x.upstash.io",
        UPSTASH_REDIS_REST_TOKEN: "AXupstashTokenValue0123",
        OPS_TOKEN: "ops-token-0123456789-0123456789-0123",
        LOG_FORMAT: "json",
      },
      { version: "1.0.0" },
    );
    const lines: string[] = [];
    const logger = serviceLogger(config, (line) => lines.push(line));
    logger.info(`config ${config.database.url} ${config.cache.redisUrl}`);
    logger.info("driver said: password p@ss/word with spaces rejected; upstash AXupstashTokenValue0123");
    logger.info("ops", { header: "ops-token-0123456789-0123456789-0123" });
    const text = lines.join("\n");
    for (const secret of ["p@ss/word", "p%40ss", "redis-password-1", "AXupstashTokenValue0123", "ops-token-0123"]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("db.internal");
  });

  test("maskSecrets leaves ordinary text alone", () => {
    const text = "GET /v1/notes/3f2c?limit=20 took 4 ms for user alice";
    expect(maskSecrets(text)).toBe(text);
  });
});
