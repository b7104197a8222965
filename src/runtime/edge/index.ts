import { createEdgeHandler } from "./handler";
import type { Bindings } from "./service";

const handle = createEdgeHandler({ connectionPerQuery: true });

/**
 * The Cloudflare Workers module: configured from the Worker's env bindings (vars and secrets
 * named as in the README's configuration table), Upstash for the cache, postgres.js over `cloudflare:sockets` for the
 * database. Needs the `nodejs_compat` compatibility flag.
 */
export default {
  fetch: (request: Request, env: Bindings) =>
    handle(request, env, {
      // Set by Cloudflare's edge on every request; a client cannot forge it.
      clientAddress: () => request.headers.get("cf-connecting-ip") ?? undefined,
    }),
};
