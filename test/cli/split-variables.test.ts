import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import postgres from "postgres";
import { loadConfig } from "../../src/config";
import { authHeaders } from "../api/app";
import { createTestDatabase } from "../support/db";
import { freePort, runCliProcess, startService } from "../support/process";
import { serviceUrl } from "../support/services";

// The split connection variables (DB_*, REDIS_*) reach the real services, passwords with URL-breaking characters included.
const PASSWORD = `p@ss:w/rd#?%&=+ "'ü[]`;

const databaseUrl = serviceUrl("TEST_DATABASE_URL");
if (databaseUrl) {
  describe("DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD on the real Postgres", () => {
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const role = `berth split@user:${crypto.randomUUID().slice(0, 8)}`;
    let target: Awaited<ReturnType<typeof createTestDatabase>>;
    afterAll(async () => {
      await target?.drop();
      await admin.unsafe(`drop role if exists "${role}"`);
      await admin.end();
    });

    test("postgres.js reads back exactly the user and password given", () => {
      const { database } = loadConfig({
        DB_HOST: "db.internal",
        DB_NAME: "berth",
        DB_USER: role,
        DB_PASSWORD: PASSWORD,
      });
      const client = postgres(database.url ?? "", { max: 1 });
      expect(client.options.user).toBe(role);
      // postgres.js types `pass` as null though it holds the parsed password.
      expect(client.options.pass as unknown).toBe(PASSWORD);
      expect(client.options.database).toBe("berth");
      expect(client.options.host).toEqual(["db.internal"]);
    });

    test(
      "`migrate` and a served request work through them",
      async () => {
        target = await createTestDatabase("berth_split");
        const url = new URL(target?.url ?? "");
        const name = url.pathname.slice(1);
        await admin.unsafe(`create role "${role}" login password '${PASSWORD.replace(/'/g, "''")}'`);
        await admin.unsafe(`alter database "${name}" owner to "${role}"`);
        const env = {
          DB_HOST: url.hostname,
          DB_PORT: url.port || "5432",
          DB_NAME: name,
          DB_USER: role,
          DB_PASSWORD: PASSWORD,
        };
        const migrate = await runCliProcess(["migrate"], env);
        expect(migrate.stderr).toBe("");
        expect(migrate.code).toBe(0);
        expect(migrate.stdout).toContain("verdict: up to date");
        const service = await startService(env, { readyPath: "/openapi.json" });
        const created = await fetch(`${service.url}/v1/notes`, {
          method: "POST",
          headers: await authHeaders("split"),
          body: JSON.stringify({ title: "via DB_*" }),
        });
        expect(created.status).toBe(201);
        expect(await service.stop()).toBe(0);
        // Everything was created as that role, so that is who connected.
        const db = postgres(target?.url ?? "", { max: 1, onnotice: () => {} });
        try {
          const [owner] =
            await db`select tableowner from pg_tables where schemaname = 'public' and tablename = 'notes'`;
          expect(owner?.tableowner).toBe(role);
        } finally {
          await db.end();
        }
      },
      { timeout: 60_000 },
    );
  });
}

if (serviceUrl("TEST_REDIS_URL")) {
  describe("REDIS_HOST, REDIS_PORT, REDIS_PASSWORD on a real Redis that requires the password", () => {
    let server: ReturnType<typeof Bun.spawn> | undefined;
    let env: Record<string, string> = {};
    beforeAll(async () => {
      const port = await freePort();
      // The password goes in through a config on stdin ("-"), quoted as redis.conf quotes.
      server = Bun.spawn(
        ["redis-server", "-", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        { stdin: new TextEncoder().encode(`requirepass "${PASSWORD.replace(/["\\]/g, "\\$&")}"\n`), stdout: "ignore" },
      );
      env = { REDIS_HOST: "127.0.0.1", REDIS_PORT: String(port), REDIS_PASSWORD: PASSWORD };
    });
    afterAll(async () => {
      server?.kill();
      await server?.exited;
    });

    const connect = async (url: string) => {
      const client = new RedisClient(url, { connectionTimeout: 2000, autoReconnect: false });
      for (let attempt = 0; ; attempt++) {
        try {
          await client.connect();
          return client;
        } catch (error) {
          if (attempt >= 50) throw error;
          await Bun.sleep(100);
        }
      }
    };

    test(
      "the built URL authenticates, and only with that password",
      async () => {
        const { cache } = loadConfig(env);
        expect(cache.backend).toBe("redis");
        const client = await connect(cache.redisUrl ?? "");
        expect(await client.send("PING", [])).toBe("PONG");
        client.close();
        const wrong = new RedisClient(loadConfig({ ...env, REDIS_PASSWORD: "wrong" }).cache.redisUrl ?? "", {
          connectionTimeout: 2000,
          autoReconnect: false,
        });
        expect(await wrong.send("PING", []).catch((e: Error) => e.message)).toMatch(/WRONGPASS|invalid password|AUTH/i);
        wrong.close();
      },
      { timeout: 60_000 },
    );

    test(
      "the service caches notes in it",
      async () => {
        const service = await startService(env, { readyPath: "/openapi.json" });
        const startup = service
          .output()
          .split("\n")
          .find((l) => l.includes("listening on"));
        expect(JSON.parse(startup ?? "{}").cache).toBe("redis");
        const headers = await authHeaders("redis-split");
        const note = (await (
          await fetch(`${service.url}/v1/notes`, { method: "POST", headers, body: JSON.stringify({ title: "cached" }) })
        ).json()) as { id: string };
        expect((await fetch(`${service.url}/v1/notes/${note.id}`, { headers })).status).toBe(200);
        const client = await connect(loadConfig(env).cache.redisUrl ?? "");
        try {
          expect(Number(await client.send("DBSIZE", []))).toBeGreaterThan(0);
        } finally {
          client.close();
          await service.stop();
        }
      },
      { timeout: 60_000 },
    );
  });
}
