/**
 * Real services for the suites. Each URL comes from the environment; when CI=true a missing or
 * unreachable service fails the suite instead of skipping it.
 */
const inCi = process.env.CI === "true";

// The preload clears DATABASE_*/REDIS_* so the service under test never inherits them; TEST_* stay.
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;

/** The URL of a real service, or undefined outside CI when it is not configured. */
export const serviceUrl = (name: "TEST_DATABASE_URL" | "TEST_REDIS_URL") => {
  const url = name === "TEST_DATABASE_URL" ? TEST_DATABASE_URL : TEST_REDIS_URL;
  if (!url && inCi) throw new Error(`${name} must be set when CI=true: the suite needs the real service`);
  return url;
};
