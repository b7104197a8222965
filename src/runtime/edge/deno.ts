import { createEdgeHandler } from "./handler";

/** The part of Deno's global the adapter uses; declared here so nothing else sees Deno's types. */
declare const Deno: { env: { toObject(): Record<string, string> } };

/** What `deno serve` passes beside the request. */
interface ServeInfo {
  remoteAddr?: { hostname?: string };
}

const handle = createEdgeHandler({ connectionPerQuery: false });
const env = Deno.env.toObject();

/**
 * The Deno module for `deno serve`: configured from the environment (read once, at load), one
 * postgres.js pool for the process, Upstash or the in-memory cache.
 */
export default {
  fetch: (request: Request, info?: ServeInfo) =>
    handle(request, env, { clientAddress: () => info?.remoteAddr?.hostname }),
};
