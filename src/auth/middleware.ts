import type { MiddlewareHandler } from "hono";
import { type AuthUser, type TokenVerifier, UnauthorizedError } from "./verifier";

export type AuthEnv = { Variables: { user: AuthUser; authFailure: UnauthorizedError } };

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)$/i;

/**
 * Verifies the bearer token when a request carries one: sets `c.var.user` (and tells `onUser`,
 * so monitoring can tag the request with the user id and nothing else), or keeps the reason it
 * failed for `requireUser`. It never answers by itself, so the rate limiter that runs next can
 * key by the verified user and fall back to the client address for everyone else.
 *
 * @example app.use(authenticate({ verify })); app.use("/v1/*", requireUser());
 */
export const authenticate = ({
  verify,
  onUser,
}: {
  verify: TokenVerifier;
  onUser?: (user: AuthUser) => void;
}): MiddlewareHandler<AuthEnv> =>
  async function authenticate(c, next) {
    const header = c.req.header("authorization");
    if (header !== undefined) {
      try {
        const token = BEARER.exec(header.trim())?.[1];
        if (!token) throw new UnauthorizedError("malformed authorization header");
        const user = await verify(token);
        c.set("user", user);
        onUser?.(user);
      } catch (error) {
        // A refusal waits for requireUser; anything else is a fault of the verifier.
        if (!(error instanceof UnauthorizedError)) throw error;
        c.set("authFailure", error);
      }
    }
    await next();
  };

/** Answers 401 (with `WWW-Authenticate: Bearer`) unless `authenticate` verified a user. */
export const requireUser = (): MiddlewareHandler<AuthEnv> =>
  function requireUser(c, next) {
    if (!c.get("user")) throw c.get("authFailure") ?? new UnauthorizedError("missing bearer token", "missing");
    return next();
  };
