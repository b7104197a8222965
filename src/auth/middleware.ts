import type { MiddlewareHandler } from "hono";
import { type AuthUser, type TokenVerifier, UnauthorizedError } from "./verifier";

export type AuthEnv = { Variables: { user: AuthUser; authFailure: UnauthorizedError } };

const SCHEME = /^Bearer(?:[ ]+|$)/i;
// A JWS in compact form: three base64url segments. Anything else is malformed before any key is read.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The token a header carries, or why it carries none. RFC 6750 §3.1: a request without bearer
 * credentials (no header, another scheme such as Basic, an empty token) gets a challenge without
 * an error code; only a bearer token that fails is `invalid_token`.
 */
const bearerToken = (header: string): string | UnauthorizedError => {
  const trimmed = header.trim();
  const scheme = SCHEME.exec(trimmed);
  if (!scheme) return new UnauthorizedError("unsupported authorization scheme; expected Bearer", "missing");
  const token = trimmed.slice(scheme[0].length);
  if (!token) return new UnauthorizedError("missing bearer token", "missing");
  if (!COMPACT_JWS.test(token)) return new UnauthorizedError("malformed token");
  return token;
};

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
        const token = bearerToken(header);
        if (token instanceof UnauthorizedError) throw token;
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
