import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readMigrationFiles } from "drizzle-orm/migrator";

/** Where `drizzle-kit generate` writes, relative to this file; the same in the repo and the image. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../../drizzle", import.meta.url));

export interface MigrationFile {
  tag: string;
  /** The journal's `when`, which drizzle stores as the ledger's `created_at`. */
  when: number;
  hash: string;
  statements: string[];
}

/** Reads the journal and SQL files exactly as drizzle's migrator does, keeping each tag. */
export const readMigrations = (folder = MIGRATIONS_FOLDER): MigrationFile[] => {
  const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, "utf8")) as {
    entries: { tag: string; when: number }[];
  };
  const files = readMigrationFiles({ migrationsFolder: folder });
  return journal.entries.map((entry, i) => {
    const file = files[i];
    if (!file) throw new Error(`migration ${entry.tag} is in the journal but could not be read`);
    return { tag: entry.tag, when: entry.when, hash: file.hash, statements: file.sql };
  });
};
