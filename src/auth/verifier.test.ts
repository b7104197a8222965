import { describe, expect, test } from "bun:test";
import { SignJWT, UnsecuredJWT } from "jose";
import { mintToken } from "./token";
import { CLOCK_TOLERANCE_S, createTokenVerifier, UnauthorizedError } from "./verifier";

const SECRET = "a-test-secret-that-is-at-least-32-bytes-long";
const now = () => Math.floor(Date.now() / 1000);

const sign = (claims: Record<string, unknown>, { secret = SECRET, alg = "HS256" } = {}) =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(new TextEncoder().encode(secret));

const rejection = async (verify: (t: string) => unknown, token: string) => {
  const error = await Promise.resolve(verify(token)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  return (error as UnauthorizedError).message;
};

describe("HS256 verifier", () => {
  const verify = createTokenVerifier({ secret: SECRET });

  test("accepts a token the CLI mints and reads sub, issuer and expiry", async () => {
    const token = await mintToken({ secret: SECRET, sub: "alice", ttlSeconds: 600, issuer: "berth" });
    const user = await verify(token);
    expect(user.id).toBe("alice");
    expect(user.issuer).toBe("berth");
    expect(Math.abs(user.expiresAt.getTime() - (now() + 600) * 1000)).toBeLessThan(5_000);
  });

  test("a recently verified token is remembered only until exp plus the tolerance", async () => {
    const fresh = createTokenVerifier({ secret: SECRET });
    // Valid for about one more second: exp lies just inside the clock tolerance.
    const token = await sign({ sub: "brief", exp: now() - CLOCK_TOLERANCE_S + 1 });
    const first = await fresh(token);
    expect(first.id).toBe("brief");
    // Remembered: the same user, not verified again.
    expect(await fresh(token)).toBe(first);
    await Bun.sleep(2_100);
    expect(await rejection(fresh, token)).toBe("token expired");
  });

  test("rejects alg none, however it is spelled", async () => {
    const unsecured = new UnsecuredJWT({ sub: "alice" }).setExpirationTime("1h").encode();
    expect(await rejection(verify, unsecured)).toBe("token algorithm not allowed");
    const [, payload] = unsecured.split(".");
    for (const alg of ["None", "NONE", "nOnE"]) {
      const header = Buffer.from(JSON.stringify({ alg, typ: "JWT" })).toString("base64url");
      expect(await rejection(verify, `${header}.${payload}.`)).toBe("token algorithm not allowed");
    }
  });

  test("rejects a token signed with another secret, and one naming an algorithm nobody configured", async () => {
    expect(await rejection(verify, await sign({ sub: "a", exp: now() + 60 }, { secret: `${SECRET}x` }))).toBe(
      "token signature invalid",
    );
    expect(await rejection(verify, await sign({ sub: "a", exp: now() + 60 }, { alg: "HS512" }))).toBe(
      "token algorithm not allowed",
    );
  });

  test("requires exp and sub", async () => {
    expect(await rejection(verify, await sign({ sub: "alice" }))).toBe("token claim 'exp' is invalid");
    expect(await rejection(verify, await sign({ exp: now() + 60 }))).toBe("token claim 'sub' is invalid");
    expect(await rejection(verify, await sign({ sub: "", exp: now() + 60 }))).toBe("token claim 'sub' is invalid");
  });

  test(`allows ${CLOCK_TOLERANCE_S} s of clock skew on exp and nbf, no more`, async () => {
    expect((await verify(await sign({ sub: "a", exp: now() - 30 }))).id).toBe("a");
    expect(await rejection(verify, await sign({ sub: "a", exp: now() - 90 }))).toBe("token expired");
    expect((await verify(await sign({ sub: "a", exp: now() + 600, nbf: now() + 30 }))).id).toBe("a");
    expect(await rejection(verify, await sign({ sub: "a", exp: now() + 600, nbf: now() + 90 }))).toBe(
      "token claim 'nbf' is invalid",
    );
  });

  test("rejects a header with extensions it does not implement", async () => {
    const token = await new SignJWT({ sub: "a", exp: now() + 60 })
      .setProtectedHeader({ alg: "HS256", crit: ["b64"], b64: true })
      .sign(new TextEncoder().encode(SECRET));
    expect(await rejection(verify, token)).toBe("token invalid");
  });

  test("a malformed token sharing a good token's header changes nothing for the next one", async () => {
    const good = await sign({ sub: "after", exp: now() + 60 });
    const [header, payload] = good.split(".");
    for (const bad of [header, `${header}.${payload}`, `${header}.${payload}.x.y`, `${header}..`]) {
      await rejection(verify, bad as string);
      expect((await verify(good)).id).toBe("after");
    }
  });

  test("rejects garbage that is not a JWT at all", async () => {
    for (const token of ["", "abc", "a.b.c", "e30.e30.", "bnVsbA.e30.x", "....", "%%%.%%%.%%%"]) {
      await rejection(verify, token);
    }
  });
});

describe("issuer and audience", () => {
  const verify = createTokenVerifier({ secret: SECRET, issuer: "https://id.berth.test/", audience: "berth-api" });
  const claims = { sub: "alice", iss: "https://id.berth.test/", aud: "berth-api" };

  test("accepts the configured issuer and audience", async () => {
    expect((await verify(await sign({ ...claims, exp: now() + 60 }))).issuer).toBe("https://id.berth.test/");
  });

  test("rejects a wrong or missing issuer or audience", async () => {
    const exp = now() + 60;
    expect(await rejection(verify, await sign({ ...claims, exp, iss: "https://evil.test/" }))).toBe(
      "token claim 'iss' is invalid",
    );
    expect(await rejection(verify, await sign({ ...claims, exp, aud: "another-api" }))).toBe(
      "token claim 'aud' is invalid",
    );
    expect(await rejection(verify, await sign({ sub: "alice", aud: "berth-api", exp }))).toBe(
      "token claim 'iss' is invalid",
    );
    expect(await rejection(verify, await sign({ sub: "alice", iss: claims.iss, exp }))).toBe(
      "token claim 'aud' is invalid",
    );
  });
});

test("a verifier needs a secret or a JWKS", () => {
  expect(() => createTokenVerifier({})).toThrow("AUTH_JWT_SECRET or AUTH_JWKS_URL");
});
