import { describe, expect, test } from "bun:test";
import { parseCommand, UsageError } from "./args";

const usageError = (argv: string[]) => {
  try {
    parseCommand(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`expected a UsageError for ${argv.join(" ")}`);
};

describe("parseCommand", () => {
  test("no arguments is serve on the defaults", () => {
    expect(parseCommand([])).toEqual({ name: "serve", mode: undefined, applyMigrations: false, role: "monolith" });
  });

  test("serve flags, before or after the command, with = or a separate value", () => {
    const expected = { name: "serve", mode: "production", applyMigrations: true, role: "maintenance" } as const;
    expect(parseCommand(["serve", "--mode", "production", "--apply-migrations", "--role", "maintenance"])).toEqual(
      expected,
    );
    expect(parseCommand(["--mode=production", "--apply-migrations", "--role=maintenance"])).toEqual(expected);
    expect(parseCommand(["serve", "--role", "monolith"])).toMatchObject({ role: "monolith" });
  });

  test("migrate and migrate status", () => {
    expect(parseCommand(["migrate"])).toEqual({ name: "migrate", mode: undefined });
    expect(parseCommand(["migrate", "status"])).toEqual({ name: "migrate-status", mode: undefined });
    expect(parseCommand(["migrate", "status", "--mode", "staging"])).toEqual({
      name: "migrate-status",
      mode: "staging",
    });
  });

  test("token with its options", () => {
    expect(
      parseCommand(["token", "--sub", "alice", "--ttl", "15m", "--claim", "role=admin", "--claim", "a=b=c"]),
    ).toEqual({ name: "token", mode: undefined, sub: "alice", ttl: "15m", claims: { role: "admin", a: "b=c" } });
  });

  test("healthcheck with its options", () => {
    expect(
      parseCommand([
        "healthcheck",
        "--url",
        "http://127.0.0.1:9000",
        "--path",
        "/readyz",
        "--retries",
        "3",
        "--interval",
        "0.5",
        "--expect-healthy",
      ]),
    ).toEqual({
      name: "healthcheck",
      url: "http://127.0.0.1:9000",
      path: "/readyz",
      retries: 3,
      intervalSeconds: 0.5,
      expectHealthy: true,
    });
  });

  test("--help and --version, anywhere a command allows", () => {
    for (const argv of [["--help"], ["-h"], ["help"], ["serve", "--help"], ["migrate", "status", "-h"]]) {
      expect(parseCommand(argv)).toEqual({ name: "help" });
    }
    expect(parseCommand(["--version"])).toEqual({ name: "version" });
    expect(parseCommand(["-v"])).toEqual({ name: "version" });
  });

  test("unknown commands, flags and positionals are errors, never ignored", () => {
    expect(usageError(["deploy"])).toBe('unknown command "deploy"');
    expect(usageError(["--verbose"])).toContain("--verbose");
    expect(usageError(["serve", "--port", "80"])).toContain("--port");
    expect(usageError(["serve", "extra"])).toBe('unexpected argument "extra" for serve');
    expect(usageError(["migrate", "up"])).toBe('unknown migrate subcommand "up"');
    expect(usageError(["migrate", "status", "now"])).toBe('unexpected argument "now" for migrate');
    expect(usageError(["migrate", "--apply-migrations"])).toContain("--apply-migrations");
    expect(usageError(["token", "--sub", "a", "--admin"])).toContain("--admin");
  });

  test("bad values are errors naming the flag", () => {
    expect(usageError(["serve", "--mode", "prod"])).toBe(
      '--mode must be one of development, test, staging, production, got "prod"',
    );
    expect(usageError(["serve", "--role", "worker"])).toBe('--role must be monolith or maintenance, got "worker"');
    expect(usageError(["serve", "--mode"])).toContain("--mode");
    expect(usageError(["serve", "--apply-migrations=yes"])).toContain("--apply-migrations");
    expect(usageError(["token"])).toBe("token needs --sub <id>");
    expect(usageError(["token", "--sub", "a", "--claim", "novalue"])).toContain("key=value");
    expect(usageError(["token", "--sub", "a", "--claim", "exp=1"])).toContain('cannot set "exp"');
    expect(usageError(["healthcheck", "--retries", "-1"])).toContain("--retries");
    expect(usageError(["healthcheck", "--retries", "two"])).toContain("--retries must be a non-negative integer");
    expect(usageError(["healthcheck", "--url", "nope"])).toContain("--url must be a URL");
    expect(usageError(["healthcheck", "--path", "health"])).toContain('--path must start with "/"');
  });
});
