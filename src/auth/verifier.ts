import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";

/** What the API knows about a caller: the token's `sub`, issuer and expiry. */
export interface AuthUser {
  id: string;
  issuer?: string;
  expiresAt: Date;
}

/** A bearer token was missing or failed verification; answered 401 with WWW-Authenticate. */
export class UnauthorizedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnauthorizedError";
  }
}

export interface AuthSettings {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

/** Verifies a bearer token and resolves to its user, or rejects with UnauthorizedError. */
export type TokenVerifier = (token: string) => Promise<AuthUser>;

/** Asymmetric algorithms accepted from a JWKS; HS256 is accepted only with AUTH_JWT_SECRET. */
export const JWKS_ALGORITHMS = ["RS256", "PS256", "ES256", "ES384", "EdDSA"];
const CLOCK_TOLERANCE_S = 60;

const reason = (error: unknown) => {
  if (error instanceof errors.JWTExpired) return "token expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `token claim "${error.claim}" is invalid`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "token algorithm not allowed";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "token signature invalid";
  if (error instanceof errors.JWKSNoMatchingKey) return "no key matches the token";
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError) return "token invalid";
  return "token invalid";
};

/**
 * Builds the verifier from configuration: HS256 with the shared secret, asymmetric keys from a
 * JWKS (fetched, cached and refetched on an unknown `kid`, so key rotation needs no restart), or
 * both, each only with its own algorithms. `exp` and `sub` are required; 60 s clock tolerance.
 */
export const createTokenVerifier = (settings: AuthSettings): TokenVerifier => {
  const secret = settings.secret ? new TextEncoder().encode(settings.secret) : undefined;
  const jwks = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 })
    : undefined;
  if (!secret && !jwks) throw new Error("authentication needs AUTH_JWT_SECRET or AUTH_JWKS_URL");
  const options = {
    issuer: settings.issuer,
    audience: settings.audience,
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ["exp", "sub"],
  };

  return async (token) => {
    let payload: JWTPayload;
    try {
      const alg = headerAlg(token);
      if (alg === "HS256" && secret) {
        ({ payload } = await jwtVerify(token, secret, { ...options, algorithms: ["HS256"] }));
      } else if (jwks && alg && JWKS_ALGORITHMS.includes(alg)) {
        ({ payload } = await jwtVerify(token, jwks, { ...options, algorithms: JWKS_ALGORITHMS }));
      } else {
        throw new UnauthorizedError("token algorithm not allowed");
      }
    } catch (error) {
      if (error instanceof UnauthorizedError) throw error;
      throw new UnauthorizedError(reason(error));
    }
    if (typeof payload.sub !== "string" || !payload.sub) throw new UnauthorizedError('token claim "sub" is invalid');
    return { id: payload.sub, issuer: payload.iss, expiresAt: new Date((payload.exp as number) * 1000) };
  };
};

const headerAlg = (token: string): string | undefined => {
  const [header] = token.split(".");
  if (!header) return undefined;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(base64UrlDecode(header))) as { alg?: unknown };
    return typeof parsed.alg === "string" ? parsed.alg : undefined;
  } catch {
    return undefined;
  }
};

const base64UrlDecode = (s: string) =>
  Uint8Array.from(
    atob(
      s
        .replace(/-/g, "+")
        .replace(/_/g, "/")
        .padEnd(Math.ceil(s.length / 4) * 4, "="),
    ),
    (ch) => ch.charCodeAt(0),
  );
