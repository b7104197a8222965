import type { Context, MiddlewareHandler, Next } from "hono";

const withContentLength = async (c: Context, next: Next) => {
  await next();
  if (!c.res.body || c.res.headers.has("Content-Length")) return;
  const bytes = await c.res.arrayBuffer();
  c.res = new Response(bytes, c.res);
  c.res.headers.set("Content-Length", String(bytes.byteLength));
};

/**
 * Gives a HEAD response the `Content-Length` its GET would carry (RFC 9110 §9.3.2: equal or
 * absent), which Bun would otherwise send as 0 (docs/architecture.md, "HEAD responses").
 *
 * @example app.use(headContentLength())
 */
export const headContentLength = (): MiddlewareHandler =>
  function headContentLength(c, next) {
    // Any other method passes straight on, without an async step of its own.
    return c.req.method === "HEAD" ? withContentLength(c, next) : next();
  };
