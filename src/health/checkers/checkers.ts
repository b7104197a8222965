import type { CheckerFactory } from "../types";
import { cacheChecker } from "./cache";
import { databaseChecker } from "./database";
import { memoryChecker } from "./memory";

/**
 * Every checker `/health` runs, in report order. Adding one is a file in this folder and a line
 * here; the runner gives it a timeout, parallelism and caching.
 */
export const checkers: readonly CheckerFactory[] = [
  databaseChecker, // critical: SELECT 1 round trip
  cacheChecker, // put + get of a unique key
  memoryChecker, // RSS against HEALTH_MEMORY_LIMIT_MB
];
