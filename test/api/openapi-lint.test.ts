import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Database } from "../../src/db/types";
import { freshPglite } from "../fixtures/databases";
import { ROOT, runProcess } from "../support/process";
import { tempDir } from "../support/temp";
import { buildTestApp } from "./app";

const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);
const env = {
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? "",
  NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/ca-certificates.crt",
  REDOCLY_TELEMETRY: "off",
  REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
  NO_COLOR: "1",
};

// Two independent OpenAPI linters read the served document; the warnings they still report are
// explained in docs/api-contract.md.
describe("the OpenAPI document under third-party linters", () => {
  let db: Database;
  let dir: string;
  beforeAll(async () => {
    db = await freshPglite();
    const { app } = buildTestApp({ db });
    dir = tempDir("berth-openapi-lint-");
    await Bun.write(join(dir, "openapi.json"), await (await app.request("/openapi.json")).text());
    await Bun.write(join(dir, ".spectral.yaml"), 'extends: ["spectral:oas"]\n');
  }, 30_000);
  afterAll(() => db.close());

  test("Redocly's recommended ruleset: no errors; only probes lack a 4xx response", async () => {
    const result = await runProcess([process.execPath, bin("redocly"), "lint", "openapi.json", "--format=json"], {
      cwd: dir,
      env,
      timeoutMs: 120_000,
    });
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf("{"))) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; location: { pointer: string }[] }[];
    };
    expect(report.totals.errors).toBe(0);
    const warned = report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}`).sort();
    expect(warned).toEqual(
      ["/health", "/livez", "/readyz", "/startupz"]
        .map((path) => `operation-4xx-response #/paths/${path.replaceAll("/", "~1")}/get/responses`)
        .sort(),
    );
  }, 150_000);

  test("Spectral's spectral:oas ruleset: no errors and no warnings", async () => {
    const result = await runProcess(
      [process.execPath, bin("spectral"), "lint", "openapi.json", "-r", ".spectral.yaml", "-f", "json", "-q"],
      { cwd: dir, env, timeoutMs: 120_000 },
    );
    expect(JSON.parse(result.stdout || "[]")).toEqual([]);
    expect(result.code).toBe(0);
  }, 150_000);
});
