import { describe, expect, test } from "bun:test";
import { type Env, loadConfig } from "../config";
import { createLogger } from "../logger";
import { listenFailure, logStartup } from "./startup";

const SECRET = "an-explicit-secret-of-at-least-32-bytes";

/** The lines logStartup writes for a configuration, as JSON records. */
const startupLines = (
  env: Env,
  ports: { port: number; opsPort: number | undefined } = { port: 8080, opsPort: 8081 },
) => {
  const lines: string[] = [];
  const config = loadConfig({ LOG_FORMAT: "json", ...env }, { version: "1.2.3" });
  const logger = createLogger({ level: "debug", format: "json", write: (line) => lines.push(line) });
  logStartup({ config, logger, db: { kind: "pglite" }, cache: { backend: "memory" } }, ports);
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
};

describe("the startup lines", () => {
  test("name where the API and ops servers listen, host and port, and the backends", () => {
    const [listening] = startupLines({ PGLITE_DIR: "memory://" }, { port: 18080, opsPort: 18081 });
    expect(listening).toMatchObject({
      level: "info",
      msg: "berth 1.2.3 listening on http://127.0.0.1:18080",
      api: "127.0.0.1:18080",
      ops: "127.0.0.1:18081",
      mode: "development",
      database: "pglite (memory://)",
      cache: "memory",
    });
    expect(startupLines({}, { port: 8080, opsPort: undefined })[0]).toMatchObject({ ops: "off" });
  });

  test.each([
    ["0.0.0.0", "http://localhost:8080", "0.0.0.0:8080"],
    ["::", "http://localhost:8080", "[::]:8080"],
    ["::1", "http://[::1]:8080", "[::1]:8080"],
  ])("HOST=%s: a URL to open, and the address bound", (host, url, api) => {
    expect(startupLines({ HOST: host, AUTH_JWT_SECRET: SECRET })[0]).toMatchObject({
      msg: `berth 1.2.3 listening on ${url}`,
      api,
    });
  });

  test("development on loopback with the published secret: how to get a token, and that it is for local use", () => {
    const lines = startupLines({});
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ["info", "berth 1.2.3 listening on http://127.0.0.1:8080"],
      ["info", "get a token: bun run src/index.ts token --sub alice"],
      ["info", "AUTH_JWT_SECRET is the development default, published in this repository: for local use only"],
    ]);
  });

  test("the published secret on a HOST other machines reach is a warning naming HOST", () => {
    const warning = startupLines({ HOST: "0.0.0.0" }).at(-1);
    expect(warning?.level).toBe("warn");
    expect(String(warning?.msg)).toContain("AUTH_JWT_SECRET is the development default");
    expect(String(warning?.msg)).toContain("HOST=0.0.0.0 lets other machines reach it");
  });

  test("an explicit secret gets the token hint only; staging and production neither", () => {
    expect(startupLines({ AUTH_JWT_SECRET: SECRET }).map((l) => l.msg)).toEqual([
      "berth 1.2.3 listening on http://127.0.0.1:8080",
      "get a token: bun run src/index.ts token --sub alice",
    ]);
    const production = { APP_MODE: "production", DATABASE_URL: "postgres://db/app", AUTH_JWT_SECRET: SECRET };
    expect(startupLines(production).map((l) => l.msg)).toEqual(["berth 1.2.3 listening on http://localhost:8080"]);
  });
});

describe("listenFailure", () => {
  const failure = (code: string) => Object.assign(new Error("Failed to start server"), { code, syscall: "listen" });

  test.each([
    ["PORT", 8080, "PORT 8080 is already in use (EADDRINUSE on 127.0.0.1:8080)", "set PORT to a free port"],
    ["OPS_PORT", 8081, "OPS_PORT 8081 is already in use (EADDRINUSE on 127.0.0.1:8081)", "set OPS_PORT to a free port"],
  ] as const)("%s taken: names the variable, with what to do", (variable, port, start, hint) => {
    const error = listenFailure(variable, "127.0.0.1", port, failure("EADDRINUSE")) as Error;
    expect(error.message).toStartWith(start);
    expect(error.message).toContain(hint);
    expect(error.message).toContain(`lsof -i :${port}`);
  });

  test("a privileged port and a HOST this machine does not have name their variable too", () => {
    expect((listenFailure("PORT", "0.0.0.0", 80, failure("EACCES")) as Error).message).toStartWith(
      "PORT 80 needs privileges to listen on (EACCES on 0.0.0.0:80): set PORT to a port above 1023",
    );
    expect((listenFailure("OPS_PORT", "10.9.8.7", 8081, failure("EADDRNOTAVAIL")) as Error).message).toStartWith(
      "HOST 10.9.8.7 is not an address of this machine (EADDRNOTAVAIL for OPS_PORT 8081)",
    );
  });

  test("any other error passes through unchanged", () => {
    const other = new Error("something else");
    expect(listenFailure("PORT", "127.0.0.1", 8080, other)).toBe(other);
  });
});
