import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import {
  buildBundle,
  bundleTargets,
  disallowedImports,
  type RuntimeImport,
  runtimeImportRecorder,
} from "../../scripts/build";
import { tempDir } from "../support/db";
import { ROOT } from "../support/process";

/**
 * `src/app` and everything it imports stay free of Bun-, Node- and
 * process-specific modules, so the edge can serve the same app. The app's whole module graph is
 * bundled for the browser with every runtime import recorded (not polyfilled), and our own files
 * in that graph are read for runtime globals.
 */

const bundleGraph = async (entry: string) => {
  const seen: RuntimeImport[] = [];
  const result = await Bun.build({
    entrypoints: [`${ROOT}${entry}`],
    target: "browser",
    format: "esm",
    metafile: true,
    plugins: [runtimeImportRecorder(seen)],
    throw: false,
  });
  if (!result.success) throw new AggregateError(result.logs, result.logs.join("\n"));
  const inputs = Object.keys(result.metafile?.inputs ?? {});
  return { seen, ownFiles: inputs.filter((path) => path.startsWith("src/")) };
};

// `process.env`, `Bun.serve`, `Deno.env`, `globalThis.process`... in code, not in comments or types.
const RUNTIME_GLOBAL = /(?<![\w$.])(?:globalThis\.)?(process|Bun|Deno)\s*[.[]/;
const transpiler = new Bun.Transpiler({ loader: "ts" });
const runtimeGlobalsIn = (path: string) => {
  const code = transpiler.transformSync(readFileSync(`${ROOT}${path}`, "utf8"));
  return code
    .split("\n")
    .filter((line) => RUNTIME_GLOBAL.test(line))
    .map((line) => `${path}: ${line.trim()}`);
};

describe("src/app stays runtime-free", () => {
  test("its module graph imports no bun, bun:*, node:*, Node builtin or cloudflare:* module", async () => {
    const { seen, ownFiles } = await bundleGraph("src/app/index.ts");
    expect(ownFiles).toContain("src/app/index.ts");
    expect(ownFiles.length).toBeGreaterThan(10);
    expect(seen).toEqual([]);
  });

  test("the ops app's graph too", async () => {
    const { seen } = await bundleGraph("src/app/ops.ts");
    expect(seen).toEqual([]);
  });

  test("our files in that graph use no process, Bun or Deno global", async () => {
    const { ownFiles } = await bundleGraph("src/app/index.ts");
    expect(ownFiles.flatMap(runtimeGlobalsIn)).toEqual([]);
  });

  test("the guard sees what it guards against: imports of bun, node:*, bare builtins and globals", async () => {
    const dir = tempDir("berth-guard-");
    const entry = `${dir}/leaky.ts`;
    await Bun.write(
      entry,
      [
        'import { RedisClient } from "bun";',
        'import { readFileSync } from "node:fs";',
        'import { EventEmitter } from "events";',
        "export const leaks = [RedisClient, readFileSync, EventEmitter, process.env.X, Bun.version];",
      ].join("\n"),
    );
    const seen: RuntimeImport[] = [];
    const result = await Bun.build({ entrypoints: [entry], target: "browser", plugins: [runtimeImportRecorder(seen)] });
    expect(result.success).toBe(true);
    expect(seen.map((s) => s.specifier).sort()).toEqual(["bun", "events", "node:fs"]);
    const code = transpiler.transformSync(readFileSync(entry, "utf8"));
    expect(code.split("\n").filter((line) => RUNTIME_GLOBAL.test(line))).toHaveLength(1);
  });
});

describe("edge bundles import runtime modules only from their allow-list", () => {
  test("the Worker: only postgres.js's Workers build, for cloudflare:sockets and nodejs_compat modules", async () => {
    const { runtimeImports } = await buildBundle("worker", { outdir: tempDir("berth-worker-") });
    expect(runtimeImports.length).toBeGreaterThan(0);
    expect(disallowedImports(runtimeImports, bundleTargets.worker.allowed)).toEqual([]);
    expect(runtimeImports.every((r) => r.importer.startsWith("node_modules/postgres/cf/"))).toBe(true);
  });

  test("our files in the Worker's graph, the edge adapter aside, use no process, Bun or Deno global", async () => {
    const { ownFiles } = await bundleGraph(bundleTargets.worker.entry);
    const shared = ownFiles.filter((path) => !path.startsWith("src/runtime/edge/"));
    expect(shared).toContain("src/db/postgres.ts");
    expect(shared.flatMap(runtimeGlobalsIn)).toEqual([]);
  });

  test("Deno: only postgres.js's Node build and the bundler's own prelude", async () => {
    const { runtimeImports } = await buildBundle("deno", { outdir: tempDir("berth-deno-") });
    expect(disallowedImports(runtimeImports, bundleTargets.deno.allowed)).toEqual([]);
  });

  test("an import outside the allow-list fails the build, naming the importer", () => {
    const stray: RuntimeImport[] = [
      { specifier: "node:fs", importer: "src/db/migrations/files.ts" },
      { specifier: "node:buffer", importer: "node_modules/postgres/cf/src/bytes.js" },
    ];
    expect(disallowedImports(stray, bundleTargets.worker.allowed)).toEqual([stray[0] as RuntimeImport]);
  });
});
