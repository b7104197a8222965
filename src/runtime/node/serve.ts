import { type Config, ConfigError } from "../../config";
import { processMetrics } from "../../monitoring/metrics/process";
import { createRegistry } from "../../monitoring/metrics/registry";
import { bootService } from "../boot";
import { serveService } from "../startup";
import { listenWithNode } from "./listener";

/**
 * Serves the API on PORT and the ops app (health, metrics) on OPS_PORT (0 disables it) with
 * @hono/node-server. SIGTERM or SIGINT runs the same graceful shutdown as under Bun and exits 0;
 * a second signal exits at once. The cache is Upstash or memory: Node has no built-in Redis
 * client, so REDIS_URL is refused at startup. Sentry reports through `@sentry/node`.
 */
export const serveWithNode = async (config: Config, { applyMigrations }: { applyMigrations: boolean }) => {
  if (config.cache.backend === "redis") {
    throw new ConfigError([
      "REDIS_URL: Node has no built-in Redis client; set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN, or leave both unset for the in-memory cache",
    ]);
  }
  // Sentry first, so it is initialised before anything it should see; loaded only when used.
  const reporter = config.sentry.dsn ? (await import("./sentry")).createNodeSentryReporter(config.sentry) : undefined;
  const metrics = createRegistry();
  processMetrics(metrics);
  const service = await bootService(config, {
    applyMigrations,
    readRssBytes: () => process.memoryUsage.rss(),
    monitoring: { reporter, metrics },
  });
  await serveService(service, (name, fetch, port) => listenWithNode(name, fetch, { host: config.host, port }));
};
