import { afterAll, describe, expect, test } from "bun:test";
import { createServer, type Socket } from "node:net";
import { freePort, runCliProcess } from "../support/process";
import { serviceUrl } from "../support/services";

// Every way a first connection fails reads as one line: the variable, the masked target, a hint.
const PASSWORD = "hunter2-not-a-real-password";
const urlOn = (port: number, database = "berth") => `postgres://app:${PASSWORD}@127.0.0.1:${port}/${database}`;
const masked = (port: number, database = "berth") => `postgres://app:***@127.0.0.1:${port}/${database}`;

describe("connection failures at startup and in migrate", () => {
  test.each([["migrate"], ["migrate status"], ["serve"]])(
    "%s against a closed port names DATABASE_URL, the target and that the connection was refused",
    async (command) => {
      const port = await freePort();
      const result = await runCliProcess([...command.split(" ")], {
        DATABASE_URL: urlOn(port),
        PORT: "0",
        OPS_PORT: "0",
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `error: DATABASE_URL: cannot connect to ${masked(port)}: connection refused: nothing listens there; start the server or correct the host and port`,
      );
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    },
    30_000,
  );

  test("a server that accepts and never answers is a timeout, named against DATABASE_MIGRATION_URL", async () => {
    const held = new Set<Socket>();
    const silent = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    afterAll(() => {
      for (const socket of held) socket.destroy();
      silent.close();
    });
    const port = (silent.address() as { port: number }).port;
    const result = await runCliProcess(["migrate"], {
      DATABASE_URL: urlOn(await freePort()),
      DATABASE_MIGRATION_URL: urlOn(port),
      DATABASE_TIMEOUT_MS: "500",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith(`error: DATABASE_MIGRATION_URL: cannot connect to ${masked(port)}: `);
    expect(result.stderr).toContain("timed out");
  }, 30_000);

  test("a URL without a host is a configuration error before any connection", async () => {
    const result = await runCliProcess(["migrate"], { DATABASE_URL: "postgres://" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "DATABASE_URL: expected a host, as in postgres://user:password@host:5432/berth (got a URL without one)",
    );
  }, 30_000);
});

const databaseUrl = serviceUrl("TEST_DATABASE_URL");
if (databaseUrl) {
  describe("connection failures against the real Postgres", () => {
    const server = new URL(databaseUrl);
    const at = (database: string, query = "") => {
      const url = new URL(databaseUrl);
      url.pathname = `/${database}`;
      url.search = query;
      return url.toString();
    };

    test("a missing database says so and gives the createdb command", async () => {
      const name = `berth_missing_${crypto.randomUUID().slice(0, 8).replace(/-/g, "")}`;
      const result = await runCliProcess(["migrate"], { DATABASE_URL: at(name) });
      expect(result.code).toBe(1);
      const user = server.username ? ` -U ${server.username}` : "";
      expect(result.stderr).toContain(`database "${name}" does not exist: create it with \``);
      expect(result.stderr).toContain(`createdb -h ${server.hostname} -p ${server.port || 5432}${user} ${name}\``);
    }, 30_000);

    test.each([["migrate"], ["serve"]])(
      "%s with sslmode=require against a server without TLS names DATABASE_SSL and the URL's sslmode",
      async (command) => {
        const result = await runCliProcess([command], {
          DATABASE_URL: at(server.pathname.slice(1), "?sslmode=require"),
          PORT: "0",
          OPS_PORT: "0",
        });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(
          "the server does not accept TLS: set DATABASE_SSL or sslmode in DATABASE_URL (now require) to disable if plaintext is intended",
        );
      },
      30_000,
    );
  });
}
