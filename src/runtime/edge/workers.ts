import { createEdgeHandler } from "./handler";
import type { Bindings } from "./service";

const handle = createEdgeHandler({ connectionPerQuery: true });

/**
 * The Cloudflare Workers module (docs/runtimes.md): configured from the Worker's env bindings,
 * Upstash for the cache, postgres.js over `cloudflare:sockets`; needs `nodejs_compat`.
 */
export default {
  fetch: (request: Request, env: Bindings) =>
    handle(request, env, {
      // Set by Cloudflare's edge on every request; a client cannot forge it.
      clientAddress: () => request.headers.get("cf-connecting-ip") ?? undefined,
    }),
};
