import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";

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

/**
 * Verifies a bearer token and resolves to its user, or rejects with UnauthorizedError; a token
 * verified in the last minute answers at once, with the user itself.
 */
export type TokenVerifier = (token: string) => AuthUser | Promise<AuthUser>;

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

/**
 * Builds the verifier from configuration: HS256 with the shared secret, asymmetric keys from a
 * JWKS (fetched, cached and refetched on an unknown `kid`, so key rotation needs no restart), or
 * both, each only with its own algorithms: the algorithm a token names picks the key source, so
 * `none` and an HS256 token signed with a public key never verify. `exp` and `sub` are required;
 * 60 s clock tolerance.
 */
export const createTokenVerifier = (settings: AuthSettings): TokenVerifier => {
  const secret = settings.secret ? new TextEncoder().encode(settings.secret) : undefined;
  // Imported once: handing jose the raw bytes would import the key again on every request.
  const hmacKey = secret
    ? crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["verify"])
    : undefined;
  const recent = verifiedTokens();
  const jwks = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl), {
        cooldownDuration: settings.jwksCooldownMs ?? 30_000,
        cacheMaxAge: settings.jwksCacheMaxAgeMs ?? 600_000,
      })
    : undefined;
  if (!secret && !jwks) throw new Error("authentication needs AUTH_JWT_SECRET or AUTH_JWKS_URL");
  const options = {
    issuer: settings.issuer,
    audience: settings.audience,
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ["exp", "sub"],
  };

  const verifyNow = async (token: string) => {
    let payload: JWTPayload;
    try {
      const alg = headerAlg(token);
      if (alg === "HS256" && hmacKey) {
        ({ payload } = await jwtVerify(token, await hmacKey, { ...options, algorithms: ["HS256"] }));
        const user = toUser(payload);
        recent.add(token, user);
        return user;
      } else if (jwks && alg && JWKS_ALGORITHMS.includes(alg)) {
        ({ payload } = await jwtVerify(token, jwks, { ...options, algorithms: JWKS_ALGORITHMS }));
      } else {
        throw new UnauthorizedError("token algorithm not allowed");
      }
    } catch (error) {
      if (error instanceof UnauthorizedError) throw error;
      throw new UnauthorizedError(reason(error));
    }
    return toUser(payload);
  };
  // A remembered token skips the promise too: most requests come from clients seen a moment ago.
  return (token) => recent.get(token) ?? verifyNow(token);
};

const toUser = (payload: JWTPayload): AuthUser => {
  if (typeof payload.sub !== "string" || !payload.sub) throw new UnauthorizedError("token claim 'sub' is invalid");
  return { id: payload.sub, issuer: payload.iss, expiresAt: new Date((payload.exp as number) * 1000) };
};

const RECENT_MAX = 10_000;
const RECENT_TTL_MS = 60_000;

/**
 * HS256 tokens verified in the last minute, so a client's repeated requests skip the HMAC. Only
 * for the shared secret, which cannot rotate under a running process (JWKS keys can); an entry
 * never outlives the token's `exp` plus the clock tolerance.
 */
const verifiedTokens = () => {
  const entries = new Map<string, { user: AuthUser; until: number }>();
  return {
    get(token: string): AuthUser | undefined {
      const entry = entries.get(token);
      if (!entry) return undefined;
      if (entry.until > Date.now()) return entry.user;
      entries.delete(token);
      return undefined;
    },
    add(token: string, user: AuthUser) {
      if (entries.size >= RECENT_MAX) entries.delete(entries.keys().next().value as string);
      const until = Math.min(Date.now() + RECENT_TTL_MS, user.expiresAt.getTime() + CLOCK_TOLERANCE_S * 1000);
      entries.set(token, { user, until });
    },
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
