import { describe, expect, test } from "bun:test";
import { decodeProtectedHeader, jwtVerify } from "jose";
import pkg from "../../package.json";
import { DEV_JWT_SECRET } from "../../src/config";
import { runCliProcess } from "../support/process";

const SECRET = "a-production-secret-of-at-least-32-bytes!";
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const verify = async (token: string, secret: string, options: { issuer?: string; audience?: string } = {}) =>
  (await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"], ...options })).payload;

describe("the CLI as a process", () => {
  test(
    "--help prints the usage on stdout, exit 0",
    async () => {
      for (const args of [["--help"], ["-h"], ["migrate", "--help"]]) {
        const r = await runCliProcess(args);
        expect(r.code).toBe(0);
        expect(r.stderr).toBe("");
        expect(r.stdout).toContain("Usage:");
        for (const word of [
          "serve",
          "--apply-migrations",
          "--role",
          "migrate status",
          "healthcheck",
          "token",
          "--version",
        ])
          expect(r.stdout).toContain(word);
      }
    },
    { timeout: 60_000 },
  );

  test(
    "--version prints the package version, exit 0",
    async () => {
      for (const args of [["--version"], ["-v"]]) {
        const r = await runCliProcess(args);
        expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
          code: 0,
          stdout: `${pkg.version}\n`,
          stderr: "",
        });
      }
    },
    { timeout: 60_000 },
  );

  test(
    "unknown commands, flags and bad values: the error and the usage on stderr, exit 1",
    async () => {
      const cases: [string[], string][] = [
        [["--bogus"], "Unknown option '--bogus'"],
        [["serve", "--port", "80"], "Unknown option '--port'"],
        [["serve", "--mode", "prod"], '--mode must be one of development, test, staging, production, got "prod"'],
        [["serve", "--role", "worker"], '--role must be monolith or maintenance, got "worker"'],
        [["serve", "--mode"], "argument missing"],
        [["serve", "--apply-migrations=no"], "does not take an argument"],
        [["migrate", "up"], 'unknown migrate subcommand "up"'],
        [["migrate", "--apply-migrations"], "Unknown option '--apply-migrations'"],
        [["deploy"], 'unknown command "deploy"'],
        [["token"], "token needs --sub <id>"],
        [["token", "--sub", "a", "--ttl", "forever"], 'invalid duration "forever"'],
        [["token", "--sub", "a", "--claim", "sub=b"], 'cannot set "sub"'],
        [["healthcheck", "--retries", "x"], "--retries must be a non-negative integer"],
      ];
      const results = await Promise.all(cases.map(([args]) => runCliProcess(args)));
      results.forEach((r, i) => {
        const [args, message] = cases[i] as [string[], string];
        expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 1, stdout: "" });
        expect(r.stderr).toStartWith("error: ");
        expect(r.stderr).toContain(message);
        expect(r.stderr).toContain("Usage:");
      });
    },
    { timeout: 60_000 },
  );

  test(
    "configuration problems: every one named at once, no secret echoed, exit 1",
    async () => {
      const secrets = {
        DATABASE_URL: "mysql://admin:hunter2-db@db.internal/berth",
        AUTH_JWT_SECRET: "hunter2-short",
        OPS_TOKEN: "hunter2-ops",
      };
      const r = await runCliProcess(["serve", "--mode", "production"], {
        ...secrets,
        PORT: "eighty",
        DATABASE_SSL: "on",
      });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      for (const name of ["PORT", "DATABASE_URL", "DATABASE_SSL", "AUTH_JWT_SECRET", "OPS_TOKEN"])
        expect(r.stderr).toContain(`  - ${name}: `);
      expect(r.stderr).not.toContain("hunter2");
    },
    { timeout: 60_000 },
  );

  test.each(["staging", "production"])(
    "serve --mode %s refuses without a database URL or an auth secret",
    async (mode) => {
      const r = await runCliProcess(["serve", "--mode", mode]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`DATABASE_URL: required in ${mode}`);
      expect(r.stderr).toContain(`AUTH_JWT_SECRET: required in ${mode}`);
      const viaEnv = await runCliProcess([], { APP_MODE: mode, AUTH_JWT_SECRET: SECRET });
      expect(viaEnv.code).toBe(1);
      expect(viaEnv.stderr).toContain(`DATABASE_URL: required in ${mode}`);
      expect(viaEnv.stderr).not.toContain("AUTH_JWT_SECRET");
    },
    { timeout: 60_000 },
  );

  test.each([
    ["a usage error", ["deploy"], {}],
    ["a configuration error", ["serve"], { PORT: "eighty" }],
    ["a refused command", ["token", "--sub", "a"], { AUTH_JWKS_URL: "https://idp.example/jwks.json" }],
    ["an unreachable database", ["migrate", "status"], { DATABASE_URL: "postgres://u@127.0.0.1:1/x" }],
  ] as const)(
    '%s: one casing, stderr starts with "error: " and says it once',
    async (_, args, env) => {
      const r = await runCliProcess([...args], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toStartWith("error: ");
      expect(r.stderr.match(/error:/gi)).toHaveLength(1);
    },
    60_000,
  );

  describe("token", () => {
    test(
      "prints only a signed JWT on stdout, with the development secret in development",
      async () => {
        const r = await runCliProcess(["token", "--sub", "alice"]);
        expect(r.code).toBe(0);
        expect(r.stderr).toBe("");
        expect(r.stdout.endsWith("\n")).toBe(true);
        const token = r.stdout.trimEnd();
        expect(token).toMatch(JWT);
        expect(decodeProtectedHeader(token).alg).toBe("HS256");
        const claims = await verify(token, DEV_JWT_SECRET);
        expect(claims.sub).toBe("alice");
        expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
      },
      { timeout: 60_000 },
    );

    test(
      "--ttl, --claim, and the configured issuer and audience",
      async () => {
        const r = await runCliProcess(
          ["token", "--sub", "bob", "--ttl", "15m", "--claim", "role=admin", "--claim", "team=ops"],
          { AUTH_ISSUER: "https://berth.test", AUTH_AUDIENCE: "berth-api" },
        );
        expect(r.code).toBe(0);
        const claims = await verify(r.stdout.trim(), DEV_JWT_SECRET, {
          issuer: "https://berth.test",
          audience: "berth-api",
        });
        expect(claims).toMatchObject({ sub: "bob", role: "admin", team: "ops" });
        expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(900);
      },
      { timeout: 60_000 },
    );

    test.each([
      ["1s", 1, true],
      ["59s", 59, true],
      ["60s", 60, false],
      ["1h", 3600, false],
    ] as const)(
      "--ttl %s: the token alone on stdout; a note on stderr when the verifier's 60 s tolerance outlasts it",
      async (ttl, seconds, noted) => {
        const r = await runCliProcess(["token", "--sub", "alice", "--ttl", ttl]);
        expect(r.code).toBe(0);
        expect(r.stdout.trimEnd()).toMatch(JWT);
        const claims = await verify(r.stdout.trimEnd(), DEV_JWT_SECRET);
        expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(seconds);
        expect(r.stderr).toBe(
          noted
            ? `note: the API accepts a token up to 60 s past its expiry (clock tolerance), so this one works for about ${seconds + 60} s, not ${ttl}\n`
            : "",
        );
      },
      60_000,
    );

    test.each(["staging", "production"])(
      "refuses in %s unless AUTH_JWT_SECRET is set explicitly",
      async (mode) => {
        const none = await runCliProcess(["token", "--sub", "a", "--mode", mode]);
        expect({ code: none.code, stdout: none.stdout }).toEqual({ code: 1, stdout: "" });
        expect(none.stderr).toContain(`AUTH_JWT_SECRET: required in ${mode}`);
        expect(none.stderr).not.toContain("DATABASE_URL");

        const jwksOnly = await runCliProcess(["token", "--sub", "a"], {
          APP_MODE: mode,
          AUTH_JWKS_URL: "https://idp.example/.well-known/jwks.json",
        });
        expect({ code: jwksOnly.code, stdout: jwksOnly.stdout }).toEqual({ code: 1, stdout: "" });
        expect(jwksOnly.stderr).toContain(`refusing in ${mode} without an explicit AUTH_JWT_SECRET`);

        const devSecret = await runCliProcess(["token", "--sub", "a", "--mode", mode], {
          AUTH_JWT_SECRET: DEV_JWT_SECRET,
        });
        expect(devSecret.code).toBe(1);
        expect(devSecret.stderr).toContain("the development secret is not accepted");
        expect(devSecret.stderr).not.toContain(DEV_JWT_SECRET);

        // No database is needed to mint a token.
        const explicit = await runCliProcess(["token", "--sub", "carol", "--mode", mode], {
          AUTH_JWT_SECRET: SECRET,
        });
        expect(explicit.code).toBe(0);
        expect(explicit.stderr).toBe("");
        expect((await verify(explicit.stdout.trim(), SECRET)).sub).toBe("carol");
      },
      { timeout: 60_000 },
    );
  });
});
