import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from "jose";
import { createTokenVerifier, UnauthorizedError } from "../../src/auth/verifier";
import type { Database } from "../../src/db/types";
import { buildTestApp } from "../api/app";
import { freshPglite } from "../fixtures/databases";

/** A JWKS endpoint on 127.0.0.1 whose key set a test can change, counting the fetches. */
const jwksServer = () => {
  let keys: JWK[] = [];
  let fetches = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => {
      fetches++;
      return Response.json({ keys });
    },
  });
  afterAll(() => server.stop(true));
  return {
    url: `http://127.0.0.1:${server.port}/.well-known/jwks.json`,
    setKeys: (next: JWK[]) => {
      keys = next;
    },
    fetches: () => fetches,
  };
};

const rsaKey = async (kid: string) => {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, jwk, pem: await exportSPKI(publicKey) };
};
type Key = Awaited<ReturnType<typeof rsaKey>>;

const now = () => Math.floor(Date.now() / 1000);
const rs256 = (key: Key, sub = "alice", claims: Record<string, unknown> = {}) =>
  new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .setSubject(sub)
    .setExpirationTime(now() + 600)
    .sign(key.privateKey);

/** The key-confusion attack: HS256 with the server's public key material as the HMAC secret. */
const hs256With = (secret: string, kid: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: "HS256", kid, typ: "JWT" })
    .setSubject("mallory")
    .setExpirationTime(now() + 600)
    .sign(new TextEncoder().encode(secret));

const failure = (verified: unknown) =>
  Promise.resolve(verified).then(
    () => "accepted",
    (e: unknown) => (e instanceof UnauthorizedError ? e.message : `unexpected ${String(e)}`),
  );

describe("JWKS verification against a local identity provider", () => {
  const idp = jwksServer();
  let db: Database;
  beforeAll(async () => {
    db = await freshPglite();
  }, 30_000);
  afterAll(() => db.close());

  test("accepts RS256 tokens from the JWKS and refuses HS256 signed with its public key", async () => {
    const key = await rsaKey("k1");
    idp.setKeys([key.jwk]);
    const jwksOnly = createTokenVerifier({ jwksUrl: idp.url });
    const both = createTokenVerifier({ jwksUrl: idp.url, secret: "x".repeat(40) });
    for (const verify of [jwksOnly, both]) {
      expect((await verify(await rs256(key))).id).toBe("alice");
      for (const material of [key.pem, JSON.stringify(key.jwk), key.jwk.n as string]) {
        const message = await failure(verify(await hs256With(material, key.kid)));
        expect(["token algorithm not allowed", "token signature invalid"]).toContain(message);
      }
    }
    expect(await failure(jwksOnly(await hs256With(key.pem, key.kid)))).toBe("token algorithm not allowed");
  });

  test("a JWKS-only verifier refuses alg none and a token from an unknown key", async () => {
    const key = await rsaKey("known");
    const stranger = await rsaKey("known");
    idp.setKeys([key.jwk]);
    const verify = createTokenVerifier({ jwksUrl: idp.url });
    const [, payload] = (await rs256(key)).split(".");
    const none = `${Buffer.from(JSON.stringify({ alg: "none", kid: "known" })).toString("base64url")}.${payload}.`;
    expect(await failure(verify(none))).toBe("token algorithm not allowed");
    expect(await failure(verify(await rs256(stranger)))).toBe("token signature invalid");
  });

  test("expired, missing exp, wrong issuer and audience are refused for JWKS tokens too", async () => {
    const key = await rsaKey("claims");
    idp.setKeys([key.jwk]);
    const verify = createTokenVerifier({ jwksUrl: idp.url, issuer: "https://idp.test/", audience: "berth" });
    const signed = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: key.kid }).sign(key.privateKey);
    const good = { sub: "alice", iss: "https://idp.test/", aud: "berth", exp: now() + 600 };
    expect((await verify(await signed(good))).id).toBe("alice");
    expect(await failure(verify(await signed({ ...good, exp: now() - 120 })))).toBe("token expired");
    expect(await failure(verify(await signed({ ...good, exp: undefined })))).toBe("token claim 'exp' is invalid");
    expect(await failure(verify(await signed({ ...good, iss: "https://other.test/" })))).toBe(
      "token claim 'iss' is invalid",
    );
    expect(await failure(verify(await signed({ ...good, aud: "other" })))).toBe("token claim 'aud' is invalid");
  });

  test("key rotation: a new kid is accepted without a restart, a removed key is refused after the cache refresh", async () => {
    const oldKey = await rsaKey("2026-old");
    const newKey = await rsaKey("2026-new");
    idp.setKeys([oldKey.jwk]);
    const verify = createTokenVerifier({ jwksUrl: idp.url, jwksCooldownMs: 200, jwksCacheMaxAgeMs: 1_000 });
    expect((await verify(await rs256(oldKey))).id).toBe("alice");
    const afterFirstFetch = idp.fetches();

    // The provider publishes the new key next to the old one and starts signing with it.
    idp.setKeys([oldKey.jwk, newKey.jwk]);
    await Bun.sleep(250);
    expect((await verify(await rs256(newKey, "bob"))).id).toBe("bob");
    expect(idp.fetches()).toBe(afterFirstFetch + 1);

    // Unknown kids inside the cooldown never turn into a fetch storm against the provider.
    const forged = await Promise.all(Array.from({ length: 8 }, (_, i) => rsaKey(`forged-${i}`)));
    for (const key of forged) expect(await failure(verify(await rs256(key)))).toBe("no key matches the token");
    expect(idp.fetches()).toBeLessThanOrEqual(afterFirstFetch + 2);

    // The old key is withdrawn: still trusted until the cached set goes stale, refused after.
    idp.setKeys([newKey.jwk]);
    await Bun.sleep(1_100);
    expect(await failure(verify(await rs256(oldKey)))).toBe("no key matches the token");
    expect((await verify(await rs256(newKey, "bob"))).id).toBe("bob");
  }, 30_000);

  test("over HTTP: 401 problem+json with WWW-Authenticate: Bearer for every refused token", async () => {
    const key = await rsaKey("http");
    idp.setKeys([key.jwk]);
    const { app } = buildTestApp({ db, env: { AUTH_JWKS_URL: idp.url } });
    const me = (authorization?: string) =>
      app.request("/v1/me", { headers: authorization ? { Authorization: authorization } : {} });

    const ok = await me(`Bearer ${await rs256(key)}`);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { userId: string }).userId).toBe("alice");

    const refused = [
      undefined,
      "Basic YWxpY2U6c2VjcmV0",
      "Bearer",
      "Bearer not-a-jwt",
      `Bearer ${await hs256With(key.pem, key.kid)}`,
      `Bearer ${(await rs256(key)).slice(0, -4)}AAAA`,
    ];
    for (const authorization of refused) {
      const res = await me(authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.headers.get("www-authenticate")).toStartWith("Bearer ");
      const body = (await res.json()) as { status: number; requestId: string };
      expect(body.status).toBe(401);
      expect(body.requestId).toBe(res.headers.get("x-request-id") as string);
    }
    expect((await me()).headers.get("www-authenticate")).toBe('Bearer realm="berth"');
  });
});
