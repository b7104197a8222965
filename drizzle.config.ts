import { defineConfig } from "drizzle-kit";
import { loadConfig } from "./src/config";
import { nameFailedMigrations } from "./src/db/migrations/drizzle-kit";
import { lockDataDir } from "./src/db/pglite-lock";

// The service's own config loader, so drizzle-kit reaches the database the service would:
// DATABASE_MIGRATION_URL, else DATABASE_URL (or DB_HOST and friends), else the PGlite directory.
// Only the database is required here: a release step needs no auth secret.
const { database } = loadConfig(process.env, { require: ["database"] });

// drizzle-kit drops `ssl` when given a URL, so the mode travels in the URL as postgres.js reads it.
const withSslMode = (url: string) => {
  const parsed = new URL(url);
  if (database.ssl !== "disable" && !parsed.searchParams.has("sslmode"))
    parsed.searchParams.set("sslmode", database.ssl);
  return parsed.toString();
};

// Commands that open the database hold the PGlite directory's lock, like the service does, so
// `drizzle-kit migrate` next to a running dev server fails at once instead of corrupting it.
// The lock goes when drizzle-kit exits.
const opensDatabase = process.argv.some((arg) => ["migrate", "push", "pull", "introspect", "studio"].includes(arg));
if (!database.migrationUrl && opensDatabase) lockDataDir(database.pgliteDir);

// drizzle-kit names the failed statement, not its migration; the release step's log should.
const out = "./drizzle";
if (process.argv.includes("migrate")) nameFailedMigrations(out);

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out,
  migrations: { table: "__drizzle_migrations", schema: "drizzle" },
  strict: true,
  verbose: true,
  ...(database.migrationUrl
    ? { dbCredentials: { url: withSslMode(database.migrationUrl) } }
    : { driver: "pglite", dbCredentials: { url: database.pgliteDir } }),
});
