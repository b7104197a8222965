import type { Server } from "bun";
import { redisCache } from "../../cache/redis";
import type { Config } from "../../config";
import type { Listener } from "../../lifecycle/shutdown";
import { processMetrics } from "../../monitoring/metrics/process";
import { createRegistry } from "../../monitoring/metrics/registry";
import { bootService } from "../boot";
import { serveService } from "../startup";
import { bunMemoryUsage } from "./memory";

type Fetch = (request: Request, server: Server<undefined>) => Response | Promise<Response>;

// Bun gives a request without a Host header (HTTP/1.0, such as HAProxy's default `option
// httpchk`) a relative URL, which no route matches; such a request is addressed to this server.
const routable =
  (fetch: Fetch): Fetch =>
  (request, server) =>
    fetch(request.url.startsWith("/") ? new Request(new URL(request.url, server.url).href, request) : request, server);

const listener = (name: string, server: Server<undefined>): Listener => ({
  name,
  inFlight: () => server.pendingRequests,
  stop: (force) => server.stop(force),
});

/**
 * Serves the API on PORT and the ops app on OPS_PORT (0 disables it) with Bun.serve. SIGTERM or
 * SIGINT starts the graceful shutdown (docs/architecture.md) and exits 0 when it is done; a second signal
 * exits at once.
 */
export const serveWithBun = async (config: Config, { applyMigrations }: { applyMigrations: boolean }) => {
  // Sentry first, so it is initialised before anything it should see; off without SENTRY_DSN.
  // Loaded only then: importing the SDK alone costs a few hundred ms of every cold start.
  const reporter = config.sentry.dsn ? (await import("./sentry")).createBunSentryReporter(config.sentry) : undefined;
  const metrics = createRegistry();
  processMetrics(metrics, bunMemoryUsage);
  const service = await bootService(config, {
    applyMigrations,
    redis: redisCache,
    readRssBytes: () => process.memoryUsage.rss(),
    readMemory: bunMemoryUsage,
    monitoring: { reporter, metrics },
  });
  const { server } = await serveService(service, (name, fetch, port) => {
    const server = Bun.serve({ hostname: config.host, port, fetch: routable(fetch) });
    return { server, listener: listener(name, server), port: server.port ?? port };
  });
  return server;
};
