import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { hasOpsToken } from "../health/ops-token";

export const SESSION_COOKIE = "berth_ops";
/** How long a sign-in lasts. */
export const SESSION_SECONDS = 12 * 60 * 60;

/**
 * Who may see the dashboard. Without OPS_TOKEN everyone (development, as the rest of the ops
 * port). With it, a request needs `Authorization: Bearer $OPS_TOKEN` or the session cookie the
 * sign-in form sets: its value is the expiry time, signed (HMAC-SHA256) with the token itself, so
 * the token never reaches the browser's storage, no session is kept here, and rotating the token
 * ends every session.
 *
 * @example
 * const access = dashboardAccess(config.opsToken);
 * if (!(await access.allows(c))) return c.html(signInPage(), 200);
 */
export const dashboardAccess = (token: string | undefined) => ({
  /** True when the request may see the page and its data. */
  async allows(c: Context) {
    if (!token) return true;
    if (hasOpsToken(c.req.header("authorization"), token)) return true;
    const expires = await getSignedCookie(c, token, SESSION_COOKIE);
    return typeof expires === "string" && Number(expires) > Date.now();
  },
  /** True, with the session cookie set, when `given` is the ops token. */
  async signIn(c: Context, given: string) {
    if (!token || !hasOpsToken(`Bearer ${given}`, token)) return false;
    const expires = Date.now() + SESSION_SECONDS * 1000;
    // HttpOnly: no script reads it; Strict: no other site's page sends it. Not `Secure`: the ops
    // port speaks plain HTTP, reached over a private network or `fly proxy` on localhost.
    await setSignedCookie(c, SESSION_COOKIE, String(expires), token, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      maxAge: SESSION_SECONDS,
    });
    return true;
  },
  signOut(c: Context) {
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
  },
  /** False when the dashboard is open to everyone. */
  guarded: token !== undefined,
});

export type DashboardAccess = ReturnType<typeof dashboardAccess>;
