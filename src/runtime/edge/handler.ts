import { Hono } from "hono";
import { Problem, renderError } from "../../http";
import { requestFrame } from "../../monitoring/request-frame";
import { createPerQueryDatabase } from "./per-query-database";
import { type Bindings, createEdgeApp, createEdgeDatabase, createEdgeService, type EdgeService } from "./service";

/** What the runtime knows about one request beyond the request itself. */
export interface EdgeRequestContext {
  /** The client's address as the runtime reports it, for per-client rate limits. */
  clientAddress?: () => string | undefined;
}

/** Serves one request with the service built from `bindings`. */
export type EdgeFetch = (request: Request, bindings: Bindings, context?: EdgeRequestContext) => Promise<Response>;

export interface EdgeHandlerOptions {
  /**
   * Open a database connection for each query and close it after; the app and its health runner
   * are still built once per isolate. Workers require it: a socket opened while serving one
   * request cannot be used by another ("Cannot perform I/O on behalf of a different request").
   * Deno keeps one pool for the isolate.
   */
  connectionPerQuery: boolean;
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
 * const handle = createEdgeHandler({ connectionPerQuery: true });
 * export default { fetch: (request, env) => handle(request, env) };
 */
export const createEdgeHandler = ({ connectionPerQuery }: EdgeHandlerOptions): EdgeFetch => {
  let service: EdgeService | undefined;
  let app: ReturnType<typeof createEdgeApp> | undefined;
  let unavailable: ReturnType<typeof unavailableApp> | undefined;
  return async (request, bindings, { clientAddress } = {}) => {
    // The app reads the peer the way it does under Bun (`server.requestIP`), duck-typed.
    const peer = {
      requestIP: () => {
        const address = clientAddress?.();
        return address ? { address } : null;
      },
    };
    if (unavailable) return unavailable.fetch(request);
    try {
      service ??= createEdgeService(bindings);
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      unavailable = unavailableApp();
      return unavailable.fetch(request);
    }
    const built = service;
    app ??= createEdgeApp(
      built,
      connectionPerQuery ? createPerQueryDatabase(() => createEdgeDatabase(built)) : createEdgeDatabase(built),
    );
    return app.fetch(request, peer);
  };
};
