import { mintToken, parseDuration } from "../auth/token";
import type { Config } from "../config";
import { UsageError } from "./args";

/** `token`: one signed JWT on stdout. Refuses the development secret outside development/test. */
export const tokenCommand = async (
  config: Config,
  o: { sub: string; ttl: string; claims: Record<string, string> },
): Promise<string> => {
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
  return mintToken({
    secret: config.auth.secret,
    sub: o.sub,
    ttlSeconds,
    claims: o.claims,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
  });
};
