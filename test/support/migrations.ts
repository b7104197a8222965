import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../src/db/database";
import { applyMigrations } from "../../src/db/migrations/apply";
import { MIGRATIONS_FOLDER, type MigrationFile, readMigrations } from "../../src/db/migrations/files";
import { createPgliteDatabase } from "../../src/db/pglite";
import { createMigrationOrm } from "../../src/db/postgres";
import type { Orm } from "../../src/db/types";
import { createTestDatabase, freshPglite, tempDir } from "./db";
import { childEnv, ROOT } from "./process";
import { serviceUrl } from "./services";

export interface ExtraMigration {
  tag: string;
  statements: string[];
  /** The journal's `when`; one second after the previous entry unless given. */
  when?: number;
}

/** A copy of drizzle/ in a temporary directory, with extra migrations appended to its journal. */
export const migrationsFolder = (extra: ExtraMigration[] = []) => {
  const dir = tempDir("berth-migrations-");
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as {
    entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[];
  };
  let previous = journal.entries.at(-1)?.when ?? Date.now();
  for (const m of extra) {
    const when = m.when ?? previous + 1000;
    previous = Math.max(previous, when);
    journal.entries.push({ idx: journal.entries.length, version: "7", when, tag: m.tag, breakpoints: true });
    writeFileSync(join(dir, `${m.tag}.sql`), m.statements.join("\n--> statement-breakpoint\n"));
  }
  writeFileSync(journalPath, JSON.stringify(journal, null, 2));
  return { dir, files: readMigrations(dir) };
};

/** The migrations this build ships (drizzle/), as berth reads them. */
export const shippedMigrations = (): MigrationFile[] => readMigrations();

/** A session on a database that migrations can run on; closing it ends the session only. */
export interface MigrationSession {
  orm: Orm;
  close: () => Promise<void>;
}

/** A fresh database reachable from this process and from child processes through `env`. */
export interface SharedDatabase {
  env: Record<string, string>;
  /** Opens a session from this process (for PGlite: only while no child process has it open). */
  connect: () => Promise<MigrationSession>;
  drop: () => Promise<void>;
}

export interface MigrationBackend {
  name: "pglite" | "postgres";
  /** A fresh database and a single-session connection to it; closing drops it. */
  open: (o?: { migrated?: boolean }) => Promise<MigrationSession>;
  /** A fresh database for child processes (PGlite on disk, Postgres by URL). */
  shared: (o?: { migrated?: boolean }) => Promise<SharedDatabase>;
}

const postgresSession = (url: string): MigrationSession =>
  createMigrationOrm({ url, ssl: "disable", timeoutMs: 10_000 });

const postgresBackend: MigrationBackend = {
  name: "postgres",
  async open({ migrated = true } = {}) {
    const shared = await postgresBackend.shared({ migrated });
    const session = await shared.connect();
    return {
      orm: session.orm,
      close: async () => {
        await session.close();
        await shared.drop();
      },
    };
  },
  async shared({ migrated = true } = {}) {
    const target = await createTestDatabase("berth_mig");
    if (!target) throw new Error("TEST_DATABASE_URL vanished");
    if (migrated) {
      const session = postgresSession(target.url);
      await applyMigrations(session.orm).finally(session.close);
    }
    return { env: { DATABASE_URL: target.url }, connect: async () => postgresSession(target.url), drop: target.drop };
  },
};

const pgliteBackend: MigrationBackend = {
  name: "pglite",
  async open({ migrated = true } = {}) {
    const db = await freshPglite({ migrated, timeoutMs: 10_000 });
    return { orm: db.orm, close: () => db.close() };
  },
  async shared({ migrated = true } = {}) {
    const dir = `${tempDir("berth-pglite-")}/data`;
    await (await freshPglite({ migrated, dir })).close();
    return {
      env: { PGLITE_DIR: dir },
      connect: async () => {
        const db = await createPgliteDatabase({ dir, timeoutMs: 10_000 });
        return { orm: db.orm, close: () => db.close() };
      },
      drop: async () => {},
    };
  },
};

/** PGlite always; the real Postgres too when TEST_DATABASE_URL is set (always in CI). */
export const migrationBackends = (): MigrationBackend[] =>
  serviceUrl("TEST_DATABASE_URL") ? [pgliteBackend, postgresBackend] : [pgliteBackend];

/** The ledger's rows as (created_at, hash), oldest first; empty when there is no ledger. */
export const ledgerRows = async (orm: Orm) => {
  const [exists] = rowsOf<{ ledger: string | null }>(
    await orm.execute(sql`select to_regclass('drizzle.__drizzle_migrations')::text as ledger`),
  );
  if (!exists?.ledger) return [];
  return rowsOf<{ created_at: string | number; hash: string }>(
    await orm.execute(sql`select created_at, hash from drizzle.__drizzle_migrations order by created_at, id`),
  ).map((r) => ({ createdAt: Number(r.created_at), hash: r.hash }));
};

/** Whether a table exists in the public schema. */
export const tableExists = async (orm: Orm, name: string) => {
  const [row] = rowsOf<{ found: string | null }>(
    await orm.execute(sql`select to_regclass(${`public.${name}`})::text as found`),
  );
  return Boolean(row?.found);
};

/** Runs `bunx drizzle-kit <args>` in the repository with only the given environment. */
export const runDrizzleKit = async (args: string[], env: Record<string, string>, { bunRuntime = false } = {}) => {
  const proc = Bun.spawn([process.execPath, "x", ...(bunRuntime ? ["--bun"] : []), "drizzle-kit", ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
    timeout: 60_000,
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
};
