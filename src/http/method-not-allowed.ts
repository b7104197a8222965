import type { Context } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import { Problem, problemResponse } from "./problem";

interface RouteEntry {
  method: string;
  path: string;
}

/** Which methods each path answers, from the app's own route table (middleware excluded). */
const allowedMethods = (routes: readonly RouteEntry[]) => {
  const router = new TrieRouter<string>();
  const methods = new Set<string>();
  for (const { method, path } of routes) {
    if (method === "ALL") continue;
    router.add(method, path, method);
    methods.add(method);
  }
  return (path: string) => {
    const allowed = [...methods].filter((m) => router.match(m, path)[0].length > 0);
    if (allowed.includes("GET")) allowed.push("HEAD");
    return allowed.sort();
  };
};

/**
 * The not-found handler: 405 with `Allow` when the path exists under other methods, else 404.
 * The route table is read on the first miss, when every route is registered.
 *
 * @example app.notFound(notFoundOrMethodNotAllowed(() => app.routes))
 */
export const notFoundOrMethodNotAllowed = (routes: () => readonly RouteEntry[]) => {
  let allowedFor: ((path: string) => string[]) | undefined;
  return (c: Context) => {
    allowedFor ??= allowedMethods(routes());
    const allowed = allowedFor(c.req.path);
    if (allowed.length && !allowed.includes(c.req.method)) {
      return problemResponse(
        c,
        new Problem(405, `${c.req.path} does not answer ${c.req.method}; it answers ${allowed.join(", ")}.`, {
          headers: { Allow: allowed.join(", ") },
        }),
      );
    }
    return problemResponse(c, new Problem(404, `No route for ${c.req.method} ${c.req.path}.`));
  };
};
