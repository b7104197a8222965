import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS_FOLDER } from "../../src/db/migrations/files";
import { releaseCommand } from "../deploy/platforms";
import { tempDir } from "../support/db";
import { type CliResult, ROOT, type RunningService, runProcess, startService } from "../support/process";
import type { Slot } from "./haproxy";

/**
 * One release of the service as the fleet runs it: what the image would hold, and how to run a
 * command of it or start a machine from it. Backed here by a directory laid out like the image's
 * /app around the Bun bundle the image runs; an image-backed release (podman) has the same shape.
 */
export interface Release {
  name: string;
  /** The migrations this release ships. */
  migrations: string;
  /** Runs one of the release's commands to completion, as the platform's release step would. */
  run: (argv: string[], env: Record<string, string>) => Promise<CliResult & { output: string }>;
  /** Starts a machine of this release in `slot` with the image's CMD; resolves once it is live. */
  start: (slot: Slot, env: Record<string, string>) => Promise<RunningService>;
}

/** The image's CMD, read from the Dockerfile's exec-form `CMD [...]` line. */
const imageCmd = (): string[] => {
  const line = readFileSync(join(ROOT, "Dockerfile"), "utf8").match(/^CMD (\[.*\])$/m);
  if (!line?.[1]) throw new Error("the Dockerfile has no exec-form CMD");
  return JSON.parse(line[1]);
};
const cmd = imageCmd();
/** How the image starts its entry (`bun dist/bun/server/index.js`), for `migrate status` and the like. */
export const entry = cmd.slice(0, cmd.indexOf("serve"));

/** A PATH holding only what the image's PATH offers the service: Bun, bunx and a shell. */
const imageToolchain = () => {
  const bin = tempDir("berth-fleet-bin-");
  symlinkSync(process.execPath, join(bin, "bun"));
  symlinkSync(process.execPath, join(bin, "bunx"));
  symlinkSync("/bin/sh", join(bin, "sh"));
  return bin;
};
/** The platforms' release step, exactly as fly.toml and railway.toml state it. */
export const RELEASE_STEP = ["/bin/sh", "-c", releaseCommand()];

let bundle: Promise<string> | undefined;
/** `bun run build:bun`, once per test process; resolves with the directory it wrote. */
const buildBundle = () => {
  bundle ??= runProcess([process.execPath, "run", "build:bun"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
    timeoutMs: 120_000,
  }).then((result) => {
    if (result.code !== 0) throw new Error(`bun run build:bun exited ${result.code}:\n${result.stderr}`);
    const dist = tempDir("berth-fleet-dist-");
    cpSync(join(ROOT, "dist", "bun"), join(dist, "bun"), { recursive: true });
    return dist;
  });
  return bundle;
};

/**
 * A release made of the bundle and the migrations in `migrations` (drizzle/ by default). The
 * release step loads drizzle.config.ts, which imports the sources, so they are there as in the image.
 */
export const bundleRelease = async (name: string, migrations = MIGRATIONS_FOLDER): Promise<Release> => {
  const dist = await buildBundle();
  const app = join(tempDir(`berth-fleet-${name}-`), "app");
  mkdirSync(app);
  cpSync(dist, join(app, "dist"), { recursive: true });
  cpSync(migrations, join(app, "drizzle"), { recursive: true });
  cpSync(join(ROOT, "drizzle.config.ts"), join(app, "drizzle.config.ts"));
  symlinkSync(join(ROOT, "src"), join(app, "src"));
  symlinkSync(join(ROOT, "node_modules"), join(app, "node_modules"));
  const bin = imageToolchain();
  const resolve = ([command = "", ...rest]: string[]) => [
    command.startsWith("/") ? command : (Bun.which(command, { PATH: bin }) ?? command),
    ...rest,
  ];
  const base = { PATH: bin, HOME: tempDir("berth-fleet-home-"), NODE_ENV: "production", APP_MODE: "production" };
  return {
    name,
    migrations: join(app, "drizzle"),
    run: async (argv, env) => {
      const result = await runProcess(resolve(argv), { cwd: app, env: { ...base, ...env }, timeoutMs: 60_000 });
      return { ...result, output: result.stdout + result.stderr };
    },
    start: (slot, env) =>
      startService(
        { ...base, ...env, PORT: String(slot.port), OPS_PORT: String(slot.opsPort) },
        { argv: resolve(cmd), cwd: app },
      ),
  };
};

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
