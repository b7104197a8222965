import { relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Real services for the suites. Each URL comes from the environment; when CI=true a missing or
 * unreachable service fails the suite instead of skipping it.
 */
const inCi = process.env.CI === "true";

// The preload clears DATABASE_*/REDIS_* so the service under test never inherits them; TEST_* stay.
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;

type ServiceVariable = "TEST_DATABASE_URL" | "TEST_REDIS_URL";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// The test files that asked for a service this run does not have, by variable.
const notRun = new Map<ServiceVariable, Set<string>>();

/** The URL of a real service, or undefined outside CI when it is not configured. */
export const serviceUrl = (name: ServiceVariable) => {
  const url = name === "TEST_DATABASE_URL" ? TEST_DATABASE_URL : TEST_REDIS_URL;
  if (!url && inCi) throw new Error(`${name} must be set when CI=true: the suite needs the real service`);
  if (!url) {
    const files = notRun.get(name) ?? new Set();
    // Under `bun test`, Bun.main is the test file running now.
    files.add(relative(ROOT, Bun.main));
    notRun.set(name, files);
  }
  return url;
};

/**
 * One line naming the test files whose real-service tests did not run, by missing variable, and
 * how to run them; undefined when every one ran.
 */
export const notRunSummary = () => {
  if (!notRun.size) return undefined;
  const missing = [...notRun].sort().map(([name, files]) => `${name} unset: ${[...files].sort().join(", ")}`);
  return `real-service tests not run (${missing.join("; ")}); to run them: TEST_DATABASE_URL=postgres://… TEST_REDIS_URL=redis://… bun test (docs/testing.md)`;
};
