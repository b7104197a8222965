export { createHealth } from "./health";
export { healthMetrics } from "./metrics";
export type { HealthRunner } from "./runner";
export type { Checker, CheckerFactory, CheckResult, HealthDeps } from "./types";
