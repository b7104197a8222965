import { cpSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS_FOLDER } from "../../src/db/migrations/files";
import { tempDir } from "../support/db";
import { ROOT, runProcess } from "../support/process";

/**
 * drizzle/ plus one migration drizzle-kit generates for a table the schema gains, in a temporary
 * copy: the repository's drizzle.config.ts and schema, with one more schema file beside them.
 */
export const generateAdditiveMigration = async () => {
  const dir = tempDir("berth-fleet-schema-");
  cpSync(MIGRATIONS_FOLDER, join(dir, "drizzle"), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  writeFileSync(
    join(dir, "tags.ts"),
    `import { primaryKey, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
export const noteTags = pgTable(
  "note_tags",
  {
    noteId: uuid("note_id").notNull(),
    label: text("label").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.noteId, t.label] })],
);
`,
  );
  writeFileSync(
    join(dir, "drizzle.config.ts"),
    `import { resolve } from "node:path";
import config from ${JSON.stringify(join(ROOT, "drizzle.config.ts"))};
const schema = [config.schema ?? []].flat().map((path) => resolve(${JSON.stringify(ROOT)}, path));
export default { ...config, schema: [...schema, "./tags.ts"], out: "./drizzle" };
`,
  );
  const kit = await runProcess([process.execPath, "x", "drizzle-kit", "generate", "--name", "note_tags"], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
    timeoutMs: 60_000,
  });
  if (kit.code !== 0) throw new Error(`drizzle-kit generate exited ${kit.code}:\n${kit.stdout}${kit.stderr}`);
  return join(dir, "drizzle");
};
