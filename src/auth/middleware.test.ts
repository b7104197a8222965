import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { type AuthEnv, authenticate, requireUser } from "./middleware";
import { type AuthUser, type TokenVerifier, UnauthorizedError } from "./verifier";

const alice: AuthUser = { id: "alice", expiresAt: new Date(Date.now() + 60_000) };

// The same routes behind a verifier that accepts, and behind each way of failing.
const appWith = (verify: TokenVerifier) => {
  const seen: string[] = [];
  const app = new Hono<AuthEnv>()
    .use(authenticate({ verify, onUser: (user) => seen.push(user.id) }))
    .get("/open", (c) => c.json({ user: c.get("user")?.id ?? null, failure: c.get("authFailure")?.message ?? null }))
    .use("/v1/*", requireUser())
    .get("/v1/me", (c) => c.json({ user: c.get("user").id }));
  app.onError((error, c) =>
    error instanceof UnauthorizedError
      ? c.json({ refused: error.message }, 401)
      : c.json({ error: error.message }, 500),
  );
  return { app, seen };
};

const bearer = { headers: { Authorization: "Bearer good.token.here" } };

describe("authenticate and requireUser", () => {
  test("a verified token: the user is set, told to monitoring once, and let through", async () => {
    const { app, seen } = appWith(async () => alice);
    expect(await (await app.request("/v1/me", bearer)).json()).toEqual({ user: "alice" });
    expect(await (await app.request("/open", bearer)).json()).toEqual({ user: "alice", failure: null });
    expect(seen).toEqual(["alice", "alice"]);
  });

  test("no token: open routes answer, /v1 is refused as missing", async () => {
    const { app } = appWith(async () => alice);
    expect(await (await app.request("/open")).json()).toEqual({ user: null, failure: null });
    const res = await app.request("/v1/me");
    expect(res.status).toBe(401);
  });

  const refuse = (reason: string) => async () => {
    throw new UnauthorizedError(reason);
  };
  test.each([
    ["bad signature", refuse("bad signature"), bearer],
    ["expired", refuse("expired"), bearer],
  ] as [string, TokenVerifier, RequestInit][])(
    "%s: kept for requireUser, open routes still answer",
    async (reason, verify, init) => {
      const { app, seen } = appWith(verify);
      expect(await (await app.request("/open", init)).json()).toEqual({ user: null, failure: reason });
      const res = await app.request("/v1/me", init);
      expect([res.status, await res.json()]).toEqual([401, { refused: reason }]);
      expect(seen).toEqual([]);
    },
  );

  test.each([
    ["another scheme", "Basic YTpi", "unsupported authorization scheme; expected Bearer", "missing"],
    ["an empty bearer token", "Bearer ", "missing bearer token", "missing"],
    ["a token that is not three base64url segments", "Bearer abc", "malformed token", "invalid"],
  ])("%s is refused before the verifier runs", async (_, authorization, message, reason) => {
    let verified = 0;
    const { app } = appWith(async () => {
      verified++;
      return alice;
    });
    const failures: UnauthorizedError[] = [];
    app.onError((error, c) => {
      if (error instanceof UnauthorizedError) failures.push(error);
      return c.json({}, 401);
    });
    expect((await app.request("/v1/me", { headers: { Authorization: authorization } })).status).toBe(401);
    expect(failures.map((f) => [f.message, f.reason])).toEqual([[message, reason]]);
    expect(verified).toBe(0);
  });

  test("a verifier that breaks (not a refusal) is an error, not a 401", async () => {
    const { app } = appWith(() => Promise.reject(new TypeError("key store unreachable")));
    const res = await app.request("/open", bearer);
    expect(res.status).toBe(500);
  });
});
