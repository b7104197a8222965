import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json";
import { parseCommand } from "../../src/cli/args";
import { loadConfig } from "../../src/config";
import { bundleTargets } from "../../src/runtime/bundle";
import { ROOT } from "../support/process";
import { parseDockerfile } from "./dockerfile";

const plan = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const { final } = plan;
// Every command of the image starts the Bun bundle, not the sources.
const ENTRY = ["bun", `${bundleTargets.bun.outdir}/index.js`];

describe("Dockerfile", () => {
  test("is multi-stage: the install stage runs a frozen, production-only install", () => {
    expect(plan.stages.length).toBeGreaterThanOrEqual(2);
    const runs = plan.stages.flatMap((s) => s.steps.flatMap((step) => (step.kind === "run" ? [step.command] : [])));
    const install = runs.map((r) => r.join(" ")).find((r) => r.includes("bun install"));
    expect(install).toContain("--frozen-lockfile");
    expect(install).toContain("--production");
  });

  test("builds the Bun bundle in a stage of its own with the package script, and ships only its output", () => {
    expect(pkg.scripts["build:bun"]).toBe("bun src/runtime/bundle.ts bun");
    const build = plan.stages.find((s) =>
      s.steps.some((step) => step.kind === "run" && step.command.join(" ").includes("bun run build:bun")),
    );
    expect(build?.name).toBeDefined();
    expect(build).not.toBe(final);
    const shipped = final.steps.filter((step) => step.kind === "copy" && step.from === build?.name);
    expect(shipped).toEqual([{ kind: "copy", from: build?.name, sources: ["/app/dist"], dest: "./dist" }]);
  });

  test("runs as a user other than root", () => {
    expect(final.user).toBeDefined();
    expect(["root", "0", "0:0"]).not.toContain(final.user ?? "root");
  });

  test("exposes the API and ops ports the service listens on by default", () => {
    const defaults = loadConfig({});
    expect(final.expose.sort()).toEqual([defaults.port, defaults.opsPort].sort());
  });

  test("checks its health with the service's own healthcheck command on the liveness path", () => {
    const command = final.healthcheck?.command ?? [];
    expect(command.slice(0, 2)).toEqual(ENTRY);
    expect(parseCommand(command.slice(2))).toEqual({
      name: "healthcheck",
      url: undefined,
      path: undefined,
      retries: 0,
      intervalSeconds: 2,
      expectHealthy: false,
    });
    expect(Object.keys(final.healthcheck?.flags ?? {})).toEqual(
      expect.arrayContaining(["interval", "timeout", "start-period", "retries"]),
    );
  });

  test("serves in production mode, applying migrations under the lock first", () => {
    expect(final.cmd).toEqual([...ENTRY, "serve", "--mode", "production", "--apply-migrations"]);
    expect(parseCommand(final.cmd?.slice(2) ?? [])).toEqual({
      name: "serve",
      mode: "production",
      applyMigrations: true,
      role: "monolith",
    });
  });

  test("makes every command in the image follow the production rules", () => {
    const env = Object.assign({}, ...final.steps.flatMap((s) => (s.kind === "env" ? [s.vars] : [])));
    expect(env).toMatchObject({ APP_MODE: "production", NODE_ENV: "production" });
  });
});
