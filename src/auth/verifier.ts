import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
  type ProtectedHeaderParameters,
} from "jose";
import { createHs256Verifier, type HmacSha256 } from "./hs256";
import { createRecentTokens } from "./recent-tokens";

/** What the API knows about a caller: the token's `sub`, issuer and expiry. */
export interface AuthUser {
  id: string;
  issuer?: string;
  expiresAt: Date;
}

/**
 * A bearer token was missing or failed verification; answered 401 with WWW-Authenticate.
 * `missing` follows RFC 6750 §3.1: a request without credentials gets no error code.
 */
export class UnauthorizedError extends Error {
  constructor(
    message: string,
    readonly reason: "missing" | "invalid" = "invalid",
  ) {
    super(message);
    this.name = "UnauthorizedError";
  }
}

export interface AuthSettings {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** How long fetched keys are trusted before the next verification refetches them (jose's cacheMaxAge). */
  jwksCacheMaxAgeMs?: number;
  /** After a fetch, an unknown `kid` waits this long before it may trigger another (jose's cooldownDuration). */
  jwksCooldownMs?: number;
}

/** Verifies a bearer token and resolves to its user, or rejects with UnauthorizedError. */
export type TokenVerifier = (token: string) => Promise<AuthUser>;

/** Asymmetric algorithms accepted from a JWKS; HS256 is accepted only with AUTH_JWT_SECRET. */
export const JWKS_ALGORITHMS = ["RS256", "PS256", "ES256", "ES384", "EdDSA"];
/** Leeway for `exp`, `nbf` and `iat` against clocks that drift between issuer and service. */
export const CLOCK_TOLERANCE_S = 60;

// Messages end up in a quoted WWW-Authenticate parameter, so they never contain a double quote.
const reason = (error: unknown) => {
  if (error instanceof errors.JWTExpired) return "token expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `token claim '${error.claim}' is invalid`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "token algorithm not allowed";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "token signature invalid";
  if (error instanceof errors.JWKSNoMatchingKey) return "no key matches the token";
  return "token invalid";
};

const toUser = (payload: JWTPayload): AuthUser => {
  if (typeof payload.sub !== "string" || !payload.sub) throw new UnauthorizedError("token claim 'sub' is invalid");
  return { id: payload.sub, issuer: payload.iss, expiresAt: new Date((payload.exp as number) * 1000) };
};

/**
 * The token's protected header; one that does not decode names no algorithm, and is refused as
 * such. Every token an issuer signs carries the same header segment, so the last one decoded is
 * kept: decoding it again would be a tenth of an uncached verification.
 */
const headerReader = () => {
  let segment: string | undefined;
  let header: ProtectedHeaderParameters = {};
  return (token: string): ProtectedHeaderParameters => {
    const dot = token.indexOf(".");
    const next = dot === -1 ? token : token.slice(0, dot);
    if (next === segment) return header;
    try {
      // The first segment alone, so the answer depends on nothing else in the token.
      header = decodeProtectedHeader({ protected: next });
    } catch {
      header = {};
    }
    segment = next;
    return header;
  };
};

/**
 * Builds the verifier from configuration: HS256 with the shared secret and/or keys from a JWKS,
 * the algorithm a token names picking the key source (the rules: docs/api.md, "Authentication").
 * A runtime with a native HMAC-SHA-256 passes it as `hmacSha256` (`nativeHmacSha256` on Bun and Node).
 *
 * @example
 * const verify = createTokenVerifier({ secret: process.env.AUTH_JWT_SECRET });
 * const user = await verify(token);
 */
export const createTokenVerifier = (
  settings: AuthSettings,
  { hmacSha256 }: { hmacSha256?: HmacSha256 } = {},
): TokenVerifier => {
  const options = {
    issuer: settings.issuer,
    audience: settings.audience,
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ["exp", "sub"],
  };
  const verifyHs256 = settings.secret
    ? createHs256Verifier(new TextEncoder().encode(settings.secret), options, hmacSha256)
    : undefined;
  const jwks = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl), {
        cooldownDuration: settings.jwksCooldownMs ?? 30_000,
        cacheMaxAge: settings.jwksCacheMaxAgeMs ?? 600_000,
      })
    : undefined;
  if (!verifyHs256 && !jwks) throw new Error("authentication needs AUTH_JWT_SECRET or AUTH_JWKS_URL");
  const recent = createRecentTokens<AuthUser>({ toleranceMs: CLOCK_TOLERANCE_S * 1000 });
  const headerOf = headerReader();

  return async (token) => {
    const remembered = recent.get(token);
    if (remembered) return remembered;
    try {
      const header = headerOf(token);
      if (header.alg === "HS256" && verifyHs256) {
        const user = toUser(verifyHs256(token, header));
        recent.add(token, user);
        return user;
      }
      if (jwks && header.alg && JWKS_ALGORITHMS.includes(header.alg)) {
        return toUser((await jwtVerify(token, jwks, { ...options, algorithms: JWKS_ALGORITHMS })).payload);
      }
      throw new UnauthorizedError("token algorithm not allowed");
    } catch (error) {
      if (error instanceof UnauthorizedError) throw error;
      throw new UnauthorizedError(reason(error));
    }
  };
};
