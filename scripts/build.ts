import { rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import type { BunPlugin } from "bun";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A module only a particular runtime provides: `bun`, `node:*` (or a bare Node builtin), `cloudflare:*`. */
export interface RuntimeImport {
  specifier: string;
  /** The importing file, relative to the repository root. */
  importer: string;
}

/** A runtime module a bundle may import, and only from the files under `from`. */
export interface AllowedImport {
  specifier: RegExp;
  from: string;
}

interface BundleTarget {
  entry: string;
  outdir: string;
  target: "bun" | "node" | "browser";
  conditions?: string[];
  /** Leave every npm package to be resolved from node_modules at run time. */
  externalPackages?: boolean;
  /** Packages left to node_modules at run time while the rest is bundled. */
  external?: string[];
  /** Each `import()` becomes a chunk of its own, loaded only when that import runs. */
  splitting?: boolean;
  /** The runtime modules this bundle may import; anything else fails the build. */
  allowed: readonly AllowedImport[] | "any";
}

// The Workers build of postgres.js (its `workerd` export) opens sockets with
// `cloudflare:sockets` and uses Node's Buffer, EventEmitter and streams, which workerd provides
// under `nodejs_compat`. Nothing else in the Worker may reach for a runtime module.
const POSTGRES_ON_WORKERS: readonly AllowedImport[] = [
  { specifier: /^(node:(buffer|events|stream)|cloudflare:sockets)$/, from: "node_modules/postgres/cf/" },
];

// Deno runs postgres.js's Node build through its Node compatibility layer; the bundler's own
// prelude for a Node-style target imports `createRequire` (importer "runtime").
const POSTGRES_ON_DENO: readonly AllowedImport[] = [
  { specifier: /^(node:)?(os|fs|net|tls|crypto|stream|perf_hooks)$/, from: "node_modules/postgres/src/" },
  { specifier: /^node:module$/, from: "runtime" },
];

/**
 * Every bundle berth ships: the image's Bun entry and the other runtimes'. Bun's and Node's sit
 * two folders below `dist/` because the migration reader finds `drizzle/` relative to its own
 * module (`src/db/migrations/files.ts` is three levels deep), and a bundle keeps that relative path.
 */
export const bundleTargets = {
  // What the image runs: loading one prebuilt graph instead of transpiling and resolving hundreds
  // of modules is most of a cold start. The lazy imports (Sentry's SDK, PGlite, the
  // healthcheck command) stay chunks of their own. PGlite stays in node_modules: it reads its
  // wasm and data files from beside its own module, which bundling would move.
  bun: {
    entry: "src/index.ts",
    outdir: "dist/bun/server",
    target: "bun",
    splitting: true,
    external: ["@electric-sql/pglite"],
    allowed: "any",
  },
  // The release step's drizzle config, with the service's config loader bundled in: the image
  // runs `bunx drizzle-kit migrate` from it without carrying src/.
  release: {
    entry: "drizzle.config.ts",
    outdir: "dist/release",
    target: "bun",
    allowed: "any",
  },
  node: {
    entry: "src/runtime/node/main.ts",
    outdir: "dist/node/server",
    target: "node",
    externalPackages: true,
    allowed: "any",
  },
  worker: {
    entry: "src/runtime/edge/index.ts",
    outdir: "dist/edge/worker",
    target: "browser",
    conditions: ["workerd", "worker", "browser"],
    allowed: POSTGRES_ON_WORKERS,
  },
  deno: {
    entry: "src/runtime/edge/deno.ts",
    outdir: "dist/edge/deno",
    target: "node",
    conditions: ["deno"],
    allowed: POSTGRES_ON_DENO,
  },
} satisfies Record<string, BundleTarget>;

export type BundleName = keyof typeof bundleTargets;

const builtins = new Set(builtinModules);
const isRuntimeModule = (specifier: string) =>
  /^(bun|bun:.*|node:.*|cloudflare:.*)$/.test(specifier) || builtins.has(specifier.split("/")[0] ?? "");

const relative = (path: string) => (path.startsWith(ROOT) ? path.slice(ROOT.length) : path);

/**
 * Leaves every runtime module external instead of letting the bundler polyfill it for the
 * browser, and records who imported it, so a `node:` or `bun` import anywhere in the graph shows.
 */
export const runtimeImportRecorder = (seen: RuntimeImport[]): BunPlugin => ({
  name: "record-runtime-imports",
  setup(build) {
    build.onResolve({ filter: /^(bun|node:|cloudflare:|[a-z_]+)/ }, (args) => {
      if (!isRuntimeModule(args.path)) return undefined;
      seen.push({ specifier: args.path, importer: relative(args.importer) });
      return { path: args.path, external: true };
    });
  },
});

/** The runtime imports `allowed` does not cover. */
export const disallowedImports = (seen: readonly RuntimeImport[], allowed: BundleTarget["allowed"]) =>
  allowed === "any"
    ? []
    : seen.filter(({ specifier, importer }) =>
        allowed.every((rule) => !rule.specifier.test(specifier) || !importer.startsWith(rule.from)),
      );

/**
 * Bundles one runtime's entry into ESM under `outdir` (the target's own by default, emptied
 * first so no chunk of an earlier build lingers): one file, or the entry and its chunks with
 * `splitting`. Fails when the graph imports a runtime module the
 * target does not allow. Resolves with the entry's file, every runtime import seen and the
 * bundler's metafile.
 */
export const buildBundle = async (name: BundleName, { outdir }: { outdir?: string } = {}) => {
  const target: BundleTarget = bundleTargets[name];
  const seen: RuntimeImport[] = [];
  const into = outdir ?? `${ROOT}${target.outdir}`;
  rmSync(into, { recursive: true, force: true });
  const result = await Bun.build({
    entrypoints: [`${ROOT}${target.entry}`],
    outdir: into,
    target: target.target,
    conditions: target.conditions,
    format: "esm",
    packages: target.externalPackages ? "external" : "bundle",
    external: target.external,
    splitting: target.splitting,
    metafile: true,
    plugins: [runtimeImportRecorder(seen)],
    throw: false,
  });
  if (!result.success) throw new AggregateError(result.logs, `bundling ${name} failed:\n${result.logs.join("\n")}`);
  const refused = disallowedImports(seen, target.allowed);
  if (refused.length) {
    throw new Error(
      `the ${name} bundle imports runtime modules it may not:\n${refused.map((r) => `  ${r.specifier} from ${r.importer}`).join("\n")}`,
    );
  }
  const output = result.outputs.find((o) => o.kind === "entry-point");
  if (!output || !result.metafile) throw new Error(`bundling ${name} produced no entry file`);
  return { file: output.path, runtimeImports: seen, metafile: result.metafile };
};

if (import.meta.main) {
  const names = process.argv.slice(2) as BundleName[];
  for (const name of names.length ? names : (Object.keys(bundleTargets) as BundleName[])) {
    if (!(name in bundleTargets))
      throw new Error(`unknown bundle ${name}; one of ${Object.keys(bundleTargets).join(", ")}`);
    const { file } = await buildBundle(name);
    console.log(`${name}: ${relative(file)}`);
  }
}
