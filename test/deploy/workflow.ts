import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/process";

export const WORKFLOW_PATH = ".github/workflows/deploy.yml";

export interface WorkflowStep {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
}

export interface WorkflowJob {
  needs?: string | string[];
  if?: string;
  services?: Record<string, { image: string; env?: Record<string, string>; ports?: string[] }>;
  env?: Record<string, string>;
  environment?: { name: string; url?: string };
  permissions?: Record<string, string>;
  steps: WorkflowStep[];
}

/** The deploy workflow's text. */
export const workflowText = () => readFileSync(join(ROOT, WORKFLOW_PATH), "utf8");

/** The deploy workflow, parsed. */
export const workflow = () => Bun.YAML.parse(workflowText()) as { jobs: Record<string, WorkflowJob> };

/** The Bun version each setup-bun step installs. */
export const setupBunVersions = () =>
  Object.values(workflow().jobs).flatMap((job) =>
    job.steps.filter((s) => s.uses?.startsWith("oven-sh/setup-bun@")).map((s) => String(s.with?.["bun-version"])),
  );
