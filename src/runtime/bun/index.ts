import { redisCache } from "../../cache/redis";
import type { Config } from "../../config";
import { bootService, logStartup } from "../boot";

/** Serves the app with Bun.serve until SIGTERM or SIGINT, then closes cache and database. */
export const serveWithBun = async (config: Config, { applyMigrations }: { applyMigrations: boolean }) => {
  const service = await bootService(config, { applyMigrations, redis: redisCache });
  const server = Bun.serve({ hostname: config.host, port: config.port, fetch: service.app.fetch });
  logStartup(
    service,
    `http://${config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host}:${server.port}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    service.logger.info("shutting down", { signal });
    await server.stop();
    await service.cache.close();
    await service.db.close();
    service.logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  return server;
};
