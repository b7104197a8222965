/**
 * Rewrites package.json in the current directory to the packages the image loads from
 * node_modules and nothing else: drizzle-kit, drizzle-orm and the postgres driver for the release
 * step, and uPlot, whose files the ops dashboard serves as they are, at the ranges package.json
 * gives them and with their patches. `bun install --omit=dev` after it prunes a full install to
 * exactly these, at the versions bun.lock pins. The image's build runs it; the repository's own
 * package.json is never rewritten.
 *
 *   bun scripts/release-manifest.ts
 */
import { readFileSync, writeFileSync } from "node:fs";

/**
 * What `bunx drizzle-kit migrate` loads (the CLI, the migrator it drives and the driver it finds),
 * and the chart library the dashboard reads from its package at run time.
 */
export const RELEASE_DEPENDENCIES = ["drizzle-kit", "drizzle-orm", "postgres", "uplot"] as const;

interface Manifest {
  name: string;
  version: string;
  type?: string;
  dependencies: Record<string, string>;
  patchedDependencies?: Record<string, string>;
}

/** The release step's manifest, from the service's. */
export const releaseManifest = (pkg: Manifest): Manifest => {
  const pick = <T>(record: Record<string, T> | undefined, keep: (key: string) => boolean) =>
    Object.fromEntries(Object.entries(record ?? {}).filter(([key]) => keep(key)));
  const named = (key: string) => RELEASE_DEPENDENCIES.some((dep) => key === dep || key.startsWith(`${dep}@`));
  const dependencies = pick(pkg.dependencies, named);
  const missing = RELEASE_DEPENDENCIES.filter((dep) => !(dep in dependencies));
  if (missing.length) throw new Error(`package.json does not depend on ${missing.join(", ")}`);
  return {
    name: pkg.name,
    version: pkg.version,
    type: pkg.type,
    dependencies,
    patchedDependencies: pick(pkg.patchedDependencies, named),
  };
};

if (import.meta.main) {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as Manifest;
  writeFileSync("package.json", `${JSON.stringify(releaseManifest(pkg), null, 2)}\n`);
}
