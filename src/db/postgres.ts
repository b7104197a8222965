import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { createDatabase } from "./database";
import * as schema from "./schema";
import type { Database, Orm } from "./types";

export interface PostgresOptions {
  url: string;
  ssl: "disable" | "require" | "verify-full";
  poolMax: number;
  timeoutMs: number;
  /**
   * postgres.js `socket` option that negotiates TLS itself (`watchedSocket` in ./socket.ts, kept
   * out of this module so edge runtimes can use it); postgres.js then talks plaintext over it.
   */
  socket?: (target: { host: string[]; port: number[] }) => Promise<unknown>;
}

// postgres.js waits 3^n / 100 s (up to 20 s) before redialling after n failed connections in a
// row. After an outage that long wait delays recovery and makes requests sit out their whole
// deadline instead of failing fast, so the wait is capped at one second.
const backoff = (failures: number) => (0.5 + Math.random() / 2) * Math.min(3 ** failures / 100, 1);

/** Options for postgres.js shared by the app pool and the migration connection. */
export const postgresClientOptions = (o: Pick<PostgresOptions, "ssl" | "timeoutMs">) =>
  ({
    ssl: o.ssl === "disable" ? false : o.ssl,
    connect_timeout: Math.max(1, Math.ceil(o.timeoutMs / 1000)),
    onnotice: () => {},
    // postgres.js otherwise spends a round trip on every new connection listing the server's array
    // types, for parsing array values by oid. berth's schema has no array column, and Drizzle
    // parses its array columns from the text form itself.
    fetch_types: false,
    connection: { application_name: "berth" },
  }) as const;

/** The app's pooled Postgres connection through postgres.js. */
export const createPostgresDatabase = (o: PostgresOptions): Database => {
  const options = {
    ...postgresClientOptions(o),
    ...(o.socket ? { ssl: false, socket: o.socket } : {}),
    max: o.poolMax,
    idle_timeout: 30,
    backoff,
  };
  const client = postgres(o.url, options);
  return createDatabase({
    kind: "postgres",
    orm: drizzle(client, { schema }),
    timeoutMs: o.timeoutMs,
    close: () => client.end({ timeout: 5 }),
  });
};

/**
 * One dedicated, non-pooled connection for migrations, so the advisory lock and the migration
 * share a session.
 */
export const createMigrationOrm = (o: Pick<PostgresOptions, "url" | "ssl" | "timeoutMs" | "socket">) => {
  const client = postgres(o.url, {
    ...postgresClientOptions(o),
    ...(o.socket ? { ssl: false, socket: o.socket } : {}),
    max: 1,
    connection: { application_name: "berth-migrate" },
  });
  return { orm: drizzle(client, { schema }) as Orm, close: () => client.end({ timeout: 5 }) };
};
