import type { CheckerFactory } from "../types";

const MIB = 1024 * 1024;

/** `memory` (not critical): resident set size in MiB; `warn` above HEALTH_MEMORY_LIMIT_MB (in MiB). */
export const memoryChecker: CheckerFactory = ({ readRssBytes, config }) => ({
  name: "memory",
  critical: false,
  component: { type: "system", measurement: "utilization" },
  async check() {
    if (!readRssBytes) return { status: "pass", message: "not measured on this runtime" };
    const mib = Math.round((readRssBytes() / MIB) * 10) / 10;
    const limit = config.health.memoryLimitMib;
    return mib > limit
      ? {
          status: "warn",
          observedValue: mib,
          observedUnit: "MiB",
          message: `${mib} MiB is above the ${limit} MiB limit`,
        }
      : { status: "pass", observedValue: mib, observedUnit: "MiB", message: `${mib} MiB` };
  },
});
