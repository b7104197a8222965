import type { MiddlewareHandler } from "hono";
import { type AuthUser, type TokenVerifier, UnauthorizedError } from "./verifier";

export type AuthEnv = { Variables: { user: AuthUser } };

/**
 * Requires `Authorization: Bearer <jwt>`, verifies it and sets `c.var.user`; `onUser` lets
 * monitoring tag the request with the user id and nothing else.
 *
 * @example app.use("/v1/*", bearerAuth({ verify }))
 */
export const bearerAuth = ({
  verify,
  onUser,
}: {
  verify: TokenVerifier;
  onUser?: (user: AuthUser) => void;
}): MiddlewareHandler<AuthEnv> =>
  async function bearerAuth(c, next) {
    const header = c.req.header("authorization");
    const match = header ? /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header.trim()) : null;
    if (!header) throw new UnauthorizedError("missing bearer token");
    if (!match?.[1]) throw new UnauthorizedError("malformed authorization header");
    const user = await verify(match[1]);
    c.set("user", user);
    onUser?.(user);
    await next();
  };
