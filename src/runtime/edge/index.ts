import { createEdgeHandler } from "./handler";
import type { Bindings } from "./service";

/** The part of a Worker's execution context the adapter uses. */
interface ExecutionContext {
  waitUntil(work: Promise<unknown>): void;
}

const handle = createEdgeHandler({ connectionPerRequest: true });

/**
 * The Cloudflare Workers module: configured from the Worker's env bindings (vars and secrets
 * named as in SPEC §2), Upstash for the cache, postgres.js over `cloudflare:sockets` for the
 * database. Needs the `nodejs_compat` compatibility flag.
 */
export default {
  fetch: (request: Request, env: Bindings, ctx: ExecutionContext) =>
    handle(request, env, {
      waitUntil: (work) => ctx.waitUntil(work),
      // Set by Cloudflare's edge on every request; a client cannot forge it.
      clientAddress: () => request.headers.get("cf-connecting-ip") ?? undefined,
    }),
};
