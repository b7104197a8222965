import type { MiddlewareHandler } from "hono";

/**
 * Gives a HEAD response the `Content-Length` its GET would carry (RFC 9110 §9.3.2: equal or
 * absent), which Bun would otherwise send as 0 (docs/architecture.md, "HEAD responses").
 *
 * @example app.use(headContentLength())
 */
export const headContentLength = (): MiddlewareHandler =>
  async function headContentLength(c, next) {
    await next();
    if (c.req.method !== "HEAD" || !c.res.body || c.res.headers.has("Content-Length")) return;
    const bytes = await c.res.arrayBuffer();
    c.res = new Response(bytes, c.res);
    c.res.headers.set("Content-Length", String(bytes.byteLength));
  };
