import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json";
import { ROOT } from "../support/process";
import { setupBunVersions } from "./workflow";

const pinned = pkg.packageManager.replace(/^bun@/, "");

// One Bun version everywhere: package.json, the Docker base image, .ci/run and GitHub Actions.
describe("the pinned Bun", () => {
  test("is an exact version inside the engines range", () => {
    expect(pkg.packageManager).toMatch(/^bun@\d+\.\d+\.\d+$/);
    expect(Bun.semver.satisfies(pinned, pkg.engines.bun)).toBe(true);
  });

  test("is the Docker base image's tag", () => {
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    expect(/^ARG BUN_VERSION=(.*)$/m.exec(dockerfile)?.[1]).toBe(pinned);
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1] ?? "");
    const pinnedBase = /^docker\.io\/oven\/bun:\$\{BUN_VERSION\}-slim$/;
    expect(bases.filter((from) => pinnedBase.test(from)).length).toBeGreaterThan(0);
    // Every other stage builds on the install stage.
    for (const from of bases)
      expect({ from, pinned: pinnedBase.test(from) || from === "install" }).toEqual({ from, pinned: true });
  });

  test("is the version .ci/run installs", () => {
    const line = readFileSync(join(ROOT, ".ci/run"), "utf8")
      .split("\n")
      .find((l) => l.startsWith("BUN_VERSION="));
    expect(line).toBeDefined();
    const run = Bun.spawnSync(["/bin/sh", "-c", `${line}; printf %s "$BUN_VERSION"`], { cwd: ROOT });
    expect(run.stdout.toString()).toBe(pinned);
  });

  test("is the version every workflow job sets up", () => {
    const versions = setupBunVersions();
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) expect(version).toBe(pinned);
  });

  test("is the Bun running this suite", () => {
    expect(Bun.version).toBe(pinned);
  });
});
