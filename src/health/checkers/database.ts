import type { CheckerFactory } from "../types";

/** `database` (critical): one `SELECT 1` round trip through the app's pool, with its latency. */
export const databaseChecker: CheckerFactory = ({ db }) => ({
  name: "database",
  critical: true,
  component: { type: "datastore", measurement: "responseTime" },
  async check(signal) {
    const latencyMs = await db.ping(signal);
    return { status: "pass", latencyMs, message: "Connected" };
  },
});
