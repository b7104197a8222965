import { describe, expect, test } from "bun:test";
import { createLogger } from "../logger";
import { createServerErrors } from "./server-errors";

const SECRET = "a-database-password-0123456789";

const watched = (capacity = 3, level: "error" | "silent" = "error") => {
  const lines: string[] = [];
  const errors = createServerErrors({ capacity, secrets: [SECRET] });
  const logger = errors.watch(createLogger({ level, format: "json", write: (line) => lines.push(line) }));
  return { errors, logger, lines };
};

const request = (status: number, more: Record<string, unknown> = {}) => ({
  method: "GET",
  route: "/v1/notes/:id",
  status,
  requestId: `req-${status}`,
  userId: "alice",
  ...more,
});

describe("the dashboard's last 5xx", () => {
  test("notes 5xx request lines, newest first, and passes every call on unchanged", () => {
    const { errors, logger, lines } = watched();
    logger.error("request", request(500, { error: "Error: boom" }));
    logger.error("request", request(503));
    expect(errors.list().map((e) => e.status)).toEqual([503, 500]);
    expect(errors.list()[1]).toMatchObject({
      method: "GET",
      route: "/v1/notes/:id",
      requestId: "req-500",
      userId: "alice",
      message: "Error: boom",
    });
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ msg: "request", status: 500, requestId: "req-500" });
  });

  test.each([
    ["a 4xx request line", "request", request(404)],
    ["a 2xx request line", "request", request(200)],
    ["an error line that is not a request", "database down", request(500)],
    ["a request line without a numeric status", "request", request(500, { status: "500" })],
  ])("ignores %s", (_, msg, fields) => {
    const { errors, logger } = watched();
    logger.error(msg, fields);
    expect(errors.list()).toEqual([]);
  });

  test("keeps only named fields: no body, header or token, and of the user only the id", () => {
    const { errors, logger } = watched();
    logger.error(
      "request",
      request(500, {
        body: '{"title":"private"}',
        headers: { authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln" },
        userEmail: "alice@example.com",
        error: `PostgresError: password authentication failed for postgres://app:${SECRET}@db/berth`,
      }),
    );
    const [noted] = errors.list();
    expect(Object.keys(noted ?? {}).sort()).toEqual(
      ["message", "method", "requestId", "route", "status", "time", "userId"].sort(),
    );
    const shown = JSON.stringify(noted);
    for (const leak of ["private", "eyJ", "alice@example.com", SECRET]) expect(shown).not.toContain(leak);
  });

  test("a message is one line of at most 160 characters", () => {
    const { errors, logger } = watched();
    logger.error("request", request(500, { error: `Error: first line\n    at handler (x.ts:1)\n${"x".repeat(500)}` }));
    const message = errors.list()[0]?.message ?? "";
    expect(message).not.toContain("\n");
    expect(message.startsWith("Error: first line at handler")).toBe(true);
    expect(message).toHaveLength(160);
  });

  test("holds at most its capacity, dropping the oldest", () => {
    const { errors, logger } = watched(2);
    for (const status of [500, 501, 502, 503]) logger.error("request", request(status));
    expect(errors.list().map((e) => e.status)).toEqual([503, 502]);
  });

  test("notes a 5xx even when LOG_LEVEL drops the line", () => {
    const { errors, logger, lines } = watched(3, "silent");
    logger.error("request", request(500));
    expect(lines).toEqual([]);
    expect(errors.list()).toHaveLength(1);
  });
});
