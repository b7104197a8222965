import { defineConfig } from "drizzle-kit";
import { loadConfig } from "./src/config";

// The service's own config loader, so drizzle-kit reaches the database the service would:
// DATABASE_MIGRATION_URL, else DATABASE_URL (or DB_HOST and friends), else the PGlite directory.
const { database } = loadConfig(process.env);

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
  migrations: { table: "__drizzle_migrations", schema: "drizzle" },
  strict: true,
  verbose: true,
  ...(database.migrationUrl
    ? {
        dbCredentials: {
          url: database.migrationUrl,
          ssl: database.ssl === "disable" ? false : database.ssl,
        },
      }
    : { driver: "pglite", dbCredentials: { url: database.pgliteDir } }),
});
