import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { type AddressInfo, createServer, connect as netConnect, type Server } from "node:net";
import { TLSSocket } from "node:tls";
import { createPostgresDatabase } from "../../src/db/postgres";
import { watchedSocket } from "../../src/db/socket";
import type { Database } from "../../src/db/types";
import { createTestDatabase, type TestDatabase, tempDir } from "../support/db";
import { serviceUrl } from "../support/services";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";
import { eventually, targetOf, through } from "./service";

// The app pool's watched socket (src/db/socket.ts) against the real Postgres: a connection that
// lived through a partition is replaced instead of holding its pool slot forever, in plaintext
// and over TLS (through a small TLS front that speaks Postgres's SSLRequest).
const pgUrl = serviceUrl("TEST_DATABASE_URL");
const TIMEOUT_MS = 800;
const SLOW = { timeout: 60_000 };

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI. */
const selfSigned = () => {
  const dir = tempDir("berth-tls-");
  const made = Bun.spawnSync([
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    `${dir}/key.pem`,
    "-out",
    `${dir}/cert.pem`,
  ]);
  if (made.exitCode !== 0) throw new Error(`openssl failed: ${made.stderr.toString()}`);
  return { key: readFileSync(`${dir}/key.pem`), cert: readFileSync(`${dir}/cert.pem`) };
};

/**
 * Answers Postgres's SSLRequest with 'S' (or 'N' when `refuse`), terminates TLS and forwards the
 * plaintext protocol to `target`.
 */
const startTlsFront = async (target: { host: string; port: number }, { refuse = false } = {}) => {
  const { key, cert } = selfSigned();
  const server: Server = createServer((socket) => {
    socket.on("error", () => socket.destroy());
    socket.once("data", () => {
      socket.write(refuse ? "N" : "S");
      if (refuse) return;
      const secure = new TLSSocket(socket, { isServer: true, key, cert });
      const upstream = netConnect(target.port, target.host);
      secure.on("error", () => upstream.destroy());
      upstream.on("error", () => secure.destroy());
      secure.pipe(upstream).pipe(secure);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/** Why a query failed, in the driver's words (Drizzle wraps them in "Failed query: …"). */
const failure = async (query: Promise<unknown>) => {
  try {
    await query;
    return "it passed";
  } catch (error) {
    return error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
  }
};

const pings = async (db: Database, n: number) =>
  Promise.all(
    Array.from({ length: n }, () =>
      db.ping().then(
        () => "ok",
        (e: Error) => e.message,
      ),
    ),
  );

if (pgUrl) {
  describe("the app pool's watched socket", () => {
    let database: TestDatabase;
    let front: Awaited<ReturnType<typeof startTlsFront>>;
    let proxy: TcpProxy;
    let tlsProxy: TcpProxy;
    const opened: Database[] = [];

    beforeAll(async () => {
      database = (await createTestDatabase("berth_socket")) as TestDatabase;
      proxy = await startTcpProxy({ target: targetOf(pgUrl) });
      front = await startTlsFront(targetOf(pgUrl));
      tlsProxy = await startTcpProxy({ target: targetOf(`postgres://${front.address}`) });
    });
    afterAll(async () => {
      for (const db of opened) await db.close().catch(() => {});
      await proxy.close();
      await tlsProxy.close();
      await front.close();
      await database.drop();
    });

    const open = (address: string, ssl: "disable" | "require" | "verify-full") => {
      const db = createPostgresDatabase({
        url: through(database.url, address),
        ssl,
        poolMax: 5,
        timeoutMs: TIMEOUT_MS,
        socket: watchedSocket({ ssl, silenceMs: TIMEOUT_MS }),
      });
      opened.push(db);
      return db;
    };

    test.each([
      { link: "plaintext", ssl: "disable" },
      { link: "TLS", ssl: "require" },
    ] as const)(
      "$link: every pooled connection stuck in a blackhole is replaced once the network heals",
      async ({ ssl }) => {
        const link = ssl === "disable" ? proxy : tlsProxy;
        await link.setMode("forward");
        const db = open(link.address, ssl);
        expect(await pings(db, 20)).toEqual(Array(20).fill("ok"));
        const dialled = link.stats.connections;

        await link.setMode("blackhole");
        const started = performance.now();
        const during = await pings(db, 20);
        expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1000);
        expect(during.every((r) => r !== "ok")).toBe(true);

        // Every connection that was in the pool owes a reply it will never get.
        await link.setMode("forward");
        await eventually("20 concurrent pings pass again", async () => (await pings(db, 20)).every((r) => r === "ok"));
        expect(link.stats.connections).toBeGreaterThan(dialled);
      },
      SLOW,
    );

    test("verify-full rejects a certificate no authority signed", async () => {
      await tlsProxy.setMode("forward");
      expect(await failure(open(tlsProxy.address, "verify-full").ping())).toMatch(/certificate|self[- ]signed/i);
    });

    test("a server that declines TLS is an error that says so, not a plaintext fallback", async () => {
      const declining = await startTlsFront(targetOf(pgUrl), { refuse: true });
      try {
        expect(await failure(open(declining.address, "require").ping())).toContain("does not accept TLS");
      } finally {
        await declining.close();
      }
    });
  });
}
