import { Hono } from "hono";
import { Problem, renderError } from "../../http";
import { requestFrame } from "../../monitoring/request-frame";
import { type Bindings, type EdgeService, edgeApp, edgeDatabase, edgeService } from "./service";

/** What the runtime knows about one request beyond the request itself. */
export interface EdgeRequestContext {
  /** Keeps the isolate alive for work after the response (Workers' `ctx.waitUntil`). */
  waitUntil?: (work: Promise<unknown>) => void;
  /** The client's address as the runtime reports it, for per-client rate limits. */
  clientAddress?: () => string | undefined;
}

/** Serves one request with the service built from `bindings`. */
export type EdgeFetch = (request: Request, bindings: Bindings, context?: EdgeRequestContext) => Promise<Response>;

export interface EdgeHandlerOptions {
  /**
   * Open the database per request and close it after the response. Workers require it: a socket
   * opened while serving one request cannot be used by another ("Cannot perform I/O on behalf of
   * a different request"). Deno keeps one pool for the isolate.
   */
  connectionPerRequest: boolean;
}

// A configuration the edge cannot run is answered, not thrown: every request gets a 503
// problem+json naming no variable (the log names them), instead of the runtime's bare 500 page.
const unavailableApp = () =>
  new Hono()
    .use(requestFrame())
    .all("*", () => {
      throw new Problem(503, "The service is not configured to run here; its log names the problem.");
    })
    .onError(renderError({ exposeInternals: false, onUnexpected: () => {} }));

/**
 * The edge adapter: builds the service from the first request's env bindings and serves the
 * same app as the Bun and Node adapters. Nothing here migrates: the release step did.
 *
 * @example
 * const handle = createEdgeHandler({ connectionPerRequest: true });
 * export default { fetch: (request, env, ctx) => handle(request, env, { waitUntil: (p) => ctx.waitUntil(p) }) };
 */
export const createEdgeHandler = ({ connectionPerRequest }: EdgeHandlerOptions): EdgeFetch => {
  let service: EdgeService | undefined;
  let shared: ReturnType<typeof edgeApp> | undefined;
  let unavailable: ReturnType<typeof unavailableApp> | undefined;
  return async (request, bindings, { waitUntil = () => {}, clientAddress } = {}) => {
    // The app reads the peer the way it does under Bun (`server.requestIP`), duck-typed.
    const peer = {
      requestIP: () => {
        const address = clientAddress?.();
        return address ? { address } : null;
      },
    };
    if (unavailable) return unavailable.fetch(request);
    try {
      service ??= edgeService(bindings);
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      unavailable = unavailableApp();
      return unavailable.fetch(request);
    }
    if (!connectionPerRequest) {
      shared ??= edgeApp(service, edgeDatabase(service));
      return shared.fetch(request, peer);
    }
    const db = edgeDatabase(service);
    try {
      return await edgeApp(service, db).fetch(request, peer);
    } finally {
      waitUntil(db.close());
    }
  };
};
