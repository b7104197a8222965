import { cpSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS_FOLDER } from "../../src/db/migrations/files";
import { tempDir } from "../support/db";
import { ROOT, runProcess, startService } from "../support/process";
import { CMD, type Release } from "./releases";

/** A PATH holding only what the image's PATH offers the service: Bun, bunx and a shell. */
const imageToolchain = () => {
  const bin = tempDir("berth-fleet-bin-");
  symlinkSync(process.execPath, join(bin, "bun"));
  symlinkSync(process.execPath, join(bin, "bunx"));
  symlinkSync("/bin/sh", join(bin, "sh"));
  return bin;
};

let bundle: Promise<string> | undefined;
/** `bun run build:bun`, once per test process; resolves with the directory it wrote. */
export const buildBundle = () => {
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
 * A release made of the bundle and the migrations in `migrations` (drizzle/ by default), in a
 * directory laid out like the image's /app, for machines without podman. The release step loads
 * drizzle.config.ts, which imports the sources, so they are there as in the image.
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
    start: async (slot, env) => {
      const service = await startService(
        { ...base, ...env, PORT: String(slot.port), OPS_PORT: String(slot.opsPort) },
        { argv: resolve(CMD), cwd: app },
      );
      return { stop: () => service.stop("SIGTERM"), logs: async () => service.output() };
    },
  };
};
