import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/** The one label every request that matched no route shares, so scanners cannot grow cardinality. */
export const UNMATCHED_ROUTE = "unmatched";

/**
 * The route pattern a request matched (`/v1/notes/:id`), known from the first middleware on
 * because Hono routes before it dispatches. Middleware is registered for every method (`ALL`);
 * the last method-specific match is the endpoint.
 */
export const routeLabel = (c: Context): string => {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route && route.method !== "ALL") return route.path;
  }
  return UNMATCHED_ROUTE;
};

/** What is known of a request once its response is finalized, for its log line and its metrics. */
export interface RequestSummary {
  /** Route pattern (`/v1/notes/:id`) or the shared unmatched label. */
  route: string;
  durationMs: number;
}
