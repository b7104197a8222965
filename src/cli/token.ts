import { mintToken, parseDuration } from "../auth/token";
import { CLOCK_TOLERANCE_S } from "../auth/verifier";
import type { Config } from "../config";
import { UsageError } from "./args";
import type { CliIo } from "./io";

/**
 * `token`: one signed JWT on stdout, and on stderr a note when the verifier's clock tolerance
 * outlasts the ttl. Refuses the development secret outside development/test.
 */
export const tokenCommand = async (
  config: Config,
  o: { sub: string; ttl: string; claims: Record<string, string> },
  io: CliIo,
): Promise<number> => {
  let ttlSeconds: number;
  try {
    ttlSeconds = parseDuration(o.ttl);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (config.strict && !config.auth.secretIsExplicit)
    throw new Error(`token: refusing in ${config.mode} without an explicit AUTH_JWT_SECRET`);
  if (!config.auth.secret)
    throw new Error("token: no HS256 secret configured (AUTH_JWKS_URL tokens come from your identity provider)");
  const token = await mintToken({
    secret: config.auth.secret,
    sub: o.sub,
    ttlSeconds,
    claims: o.claims,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
  });
  io.out(token);
  if (ttlSeconds < CLOCK_TOLERANCE_S) {
    io.err(
      `note: the API accepts a token up to ${CLOCK_TOLERANCE_S} s past its expiry (clock tolerance), so this one works for about ${ttlSeconds + CLOCK_TOLERANCE_S} s, not ${o.ttl}`,
    );
  }
  return 0;
};
