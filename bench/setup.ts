import postgres from "postgres";
import { ROOT, spawnServer } from "./spawn";

export const BENCH_SECRET = "bench-secret-0123456789-abcdefghijklmnop";
export const BENCH_USER = "bench-user";

export interface BenchDatabase {
  url: string;
  sql: postgres.Sql;
  noteId: string;
  drop: () => Promise<void>;
}

/**
 * A fresh database for one bench run on the Postgres at BENCH_DATABASE_URL (default: the local
 * one), migrated by the service's own `migrate` command, with one note for the bench user.
 */
export const createBenchDatabase = async (): Promise<BenchDatabase> => {
  const admin =
    process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `berth_bench_${process.pid}_${Date.now().toString(36)}`;
  const root = postgres(admin, { max: 1, onnotice: () => {} });
  await root.unsafe(`create database "${name}"`);
  await root.end();
  const target = new URL(admin);
  target.pathname = `/${name}`;
  const url = target.toString();
  const migrate = Bun.spawnSync([process.execPath, `${ROOT}/src/index.ts`, "migrate"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: url, LOG_LEVEL: "warn" },
  });
  if (migrate.exitCode !== 0) throw new Error(`migrate failed: ${migrate.stderr.toString()}`);
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  const [note] = await sql<{ id: string }[]>`
    insert into notes (owner_id, title, body) values (${BENCH_USER}, 'bench', 'a small note body') returning id`;
  return {
    url,
    sql,
    noteId: note?.id ?? "",
    drop: async () => {
      await sql.end();
      const again = postgres(admin, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists "${name}" with (force)`);
      await again.end();
    },
  };
};

/** The environment the real service runs with in the bench: production mode, JSON logs. */
export const serviceEnv = (db: BenchDatabase, extra: Record<string, string> = {}) => ({
  APP_MODE: "production",
  DATABASE_URL: db.url,
  DATABASE_SSL: "disable",
  AUTH_JWT_SECRET: BENCH_SECRET,
  OPS_PORT: "0",
  SHUTDOWN_DELAY_MS: "0",
  LOG_LEVEL: "info",
  // The limiter stays in the path (one cache increment per request) but never trips under load.
  RATE_LIMIT_PER_MINUTE: "1000000000",
  ...extra,
});

/** Starts the real service by its own entry point in production mode, ready on /readyz. */
export const startService = (db: BenchDatabase, extra: Record<string, string> = {}) =>
  spawnServer([process.execPath, `${ROOT}/src/index.ts`, "serve"], serviceEnv(db, extra), { readyPath: "/readyz" });

/** A bearer token for the bench user, minted by the service's own `token` command. */
export const benchToken = () => {
  const run = Bun.spawnSync(
    [process.execPath, `${ROOT}/src/index.ts`, "token", "--mode", "production", "--sub", BENCH_USER, "--ttl", "2h"],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        AUTH_JWT_SECRET: BENCH_SECRET,
        DATABASE_URL: "postgres://unused@127.0.0.1/unused",
      },
    },
  );
  if (run.exitCode !== 0) throw new Error(`token command failed: ${run.stderr.toString()}`);
  return run.stdout.toString().trim();
};
