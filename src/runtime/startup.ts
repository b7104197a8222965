import { DEV_JWT_SECRET } from "../config";
import { causeChain, errorCode } from "../errors/network";
import { gracefulShutdown, type Listener } from "../lifecycle/shutdown";
import type { Service } from "./boot";
import { exitOnStopSignals } from "./signals";

const WILDCARDS = new Set(["0.0.0.0", "::"]);

const isLoopback = (host: string) => host === "localhost" || host === "::1" || /^127\./.test(host);

/** `host:port` as a URL writes it: an IPv6 address in brackets. */
const hostPort = (host: string, port: number) => `${host.includes(":") ? `[${host}]` : host}:${port}`;

/** The variable that chose a server's port. */
export type PortVariable = "PORT" | "OPS_PORT";

/**
 * A server could not listen, in words naming the variable to change: the port taken (by another
 * berth, or a second `bun run dev`), a privileged port, or a HOST this machine does not have.
 * Other errors are returned as they are.
 *
 * @example throw listenFailure("OPS_PORT", config.host, config.opsPort, error);
 */
export const listenFailure = (variable: PortVariable, host: string, port: number, error: unknown) => {
  const code = causeChain(error).map(errorCode).find(Boolean);
  const at = hostPort(host, port);
  const message = {
    EADDRINUSE: `${variable} ${port} is already in use (EADDRINUSE on ${at}): stop the process listening there (\`lsof -i :${port}\` names it) or set ${variable} to a free port`,
    EACCES: `${variable} ${port} needs privileges to listen on (EACCES on ${at}): set ${variable} to a port above 1023`,
    EADDRNOTAVAIL: `HOST ${host} is not an address of this machine (EADDRNOTAVAIL for ${variable} ${port}): leave HOST unset or set it to one of this machine's addresses`,
  }[code ?? ""];
  return message ? new Error(message, { cause: error }) : error;
};

/**
 * Listens on the port `variable` chose, or closes what the boot opened (the servers already
 * listening, then the shutdown steps: cache, database last) and throws the `listenFailure`: a
 * port in use must not leave a PGlite directory locked or a connection pool open.
 *
 * @example const api = await listenOrClose(service, [], "PORT", () => Bun.serve({ port: config.port, fetch }));
 */
export const listenOrClose = async <T>(
  service: Service,
  started: readonly Listener[],
  variable: PortVariable,
  listen: () => T | Promise<T>,
): Promise<T> => {
  try {
    return await listen();
  } catch (error) {
    const { config, lifecycle, logger } = service;
    await gracefulShutdown({ lifecycle, listeners: started, delayMs: 0, timeoutMs: config.shutdown.timeoutMs, logger });
    throw listenFailure(variable, config.host, variable === "PORT" ? config.port : config.opsPort, error);
  }
};

/**
 * The startup lines: where the API and ops servers listen and which backends were chosen; outside
 * staging/production, how to get a token, and that the development secret is for local use only.
 */
export const logStartup = (
  {
    config,
    logger,
    db,
    cache,
  }: Pick<Service, "config" | "logger"> & { db: Pick<Service["db"], "kind">; cache: Pick<Service["cache"], "backend"> },
  { port, opsPort }: { port: number; opsPort: number | undefined },
) => {
  const browsable = WILDCARDS.has(config.host) ? "localhost" : config.host;
  logger.info(`berth ${config.version} listening on http://${hostPort(browsable, port)}`, {
    api: hostPort(config.host, port),
    ops: opsPort === undefined ? "off" : hostPort(config.host, opsPort),
    mode: config.mode,
    database: db.kind === "pglite" ? `pglite (${config.database.pgliteDir})` : "postgres",
    cache: cache.backend,
    sentry: config.sentry.dsn ? `on (${config.sentry.environment}, traces ${config.sentry.tracesSampleRate})` : "off",
  });
  if (config.strict || !config.auth.secret) return;
  logger.info("get a token: bun run src/index.ts token --sub alice");
  if (config.auth.secret !== DEV_JWT_SECRET) return;
  // Anyone who can reach the port can mint tokens with a secret published in the repository.
  if (isLoopback(config.host)) {
    logger.info("AUTH_JWT_SECRET is the development default, published in this repository: for local use only");
  } else {
    logger.warn(
      `AUTH_JWT_SECRET is the development default, published in this repository, and HOST=${config.host} lets other machines reach it: anyone who can connect can mint tokens; set your own AUTH_JWT_SECRET or leave HOST unset`,
    );
  }
};

/** A server a runtime started: its shutdown `Listener` and the port it bound. */
export interface Listening {
  listener: Listener;
  port: number;
}

/**
 * What the Bun and Node adapters do once booted: the API on PORT and the ops app on OPS_PORT (0
 * turns it off), each through `listenOrClose`; then the startup lines, and the stop signals
 * handed to the graceful shutdown over both servers. Resolves with the API's server.
 *
 * @example await serveService(service, (name, fetch, port) => listenWithNode(name, fetch, { host, port }));
 */
export const serveService = async <S extends Listening>(
  service: Service,
  listen: (name: "api" | "ops", fetch: Service["app"]["fetch"], port: number) => S | Promise<S>,
) => {
  const { config } = service;
  const api = await listenOrClose(service, [], "PORT", () => listen("api", service.app.fetch, config.port));
  const ops = config.opsPort
    ? await listenOrClose(service, [api.listener], "OPS_PORT", () => listen("ops", service.ops.fetch, config.opsPort))
    : undefined;
  logStartup(service, { port: api.port, opsPort: ops?.port });
  exitOnStopSignals(service, ops ? [api.listener, ops.listener] : [api.listener]);
  return api;
};
