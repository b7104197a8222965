import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Listener } from "../../lifecycle/shutdown";

type Fetch = Parameters<typeof serve>[0]["fetch"];

// While draining, a keep-alive connection that just finished its response sits idle until the
// client closes it; sweeping idle connections lets `close()` complete once the last request ends.
const IDLE_SWEEP_MS = 50;

/**
 * Serves `fetch` with @hono/node-server on host:port; resolves once listening, with the shutdown
 * `Listener` (in-flight count, stop and forced stop) and the bound port.
 */
export const listenWithNode = (name: string, fetch: Fetch, { host, port }: { host: string; port: number }) =>
  new Promise<{ listener: Listener; port: number }>((resolve, reject) => {
    let inFlight = 0;
    const server = serve({ fetch, hostname: host, port }, (info) => resolve({ listener, port: info.port })) as Server;
    server.once("error", reject);
    server.on("request", (_request, response) => {
      inFlight += 1;
      response.once("close", () => {
        inFlight -= 1;
      });
    });
    let closed: Promise<void> | undefined;
    const listener: Listener = {
      name,
      inFlight: () => inFlight,
      stop(force) {
        closed ??= new Promise<void>((done) => {
          const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
          server.close(() => {
            clearInterval(sweep);
            done();
          });
          server.closeIdleConnections();
        });
        if (force) server.closeAllConnections();
        return closed;
      },
    };
  });
