import { describe, expect, test } from "bun:test";
import { dashboardAccess, SESSION_COOKIE } from "./access";
import { dashboardRoutes } from "./routes";

const TOKEN = "ops-token-for-the-dashboard-routes-0123456789";
const ORIGIN = "http://127.0.0.1:8081";
type DataSource = Parameters<typeof dashboardRoutes>[0]["data"];
// The routes only serialise what the data source returns; echoing `since` shows it is passed on.
const echoSince = (async (since: number) => ({ since })) as unknown as DataSource;
const app = (token: string | undefined) => dashboardRoutes({ access: dashboardAccess(token), data: echoSince });

const signIn = (token: string) =>
  app(TOKEN).request(`${ORIGIN}/dashboard/sign-in`, {
    method: "POST",
    headers: { Origin: ORIGIN },
    body: new URLSearchParams({ token }),
  });

describe("dashboard access", () => {
  test("without OPS_TOKEN the page and its data are open", async () => {
    const open = app(undefined);
    expect(await (await open.request("/")).text()).toContain("client.js");
    expect(await (await open.request("/dashboard/data?since=5")).json()).toEqual({ since: 5 });
  });

  test("with OPS_TOKEN only the sign-in form and its stylesheet are served without it", async () => {
    const guarded = app(TOKEN);
    const page = await (await guarded.request("/")).text();
    expect(page).toContain('name="token"');
    expect(page).not.toContain("client.js");
    expect((await guarded.request("/dashboard/data")).status).toBe(401);
    expect((await guarded.request("/dashboard/assets/client.js")).status).toBe(401);
    expect((await guarded.request("/dashboard/assets/dashboard.css")).status).toBe(200);
  });

  test("a bearer token opens the data", async () => {
    const res = await app(TOKEN).request("/dashboard/data", { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  test("signing in sets an HttpOnly, SameSite=Strict cookie that opens the data, without the token in it", async () => {
    const res = await signIn(TOKEN);
    expect(res.status).toBe(303);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(";")[0] ?? "";
    expect((await app(TOKEN).request("/dashboard/data", { headers: { Cookie: session } })).status).toBe(200);
    // The same cookie under another token (a rotated one) opens nothing.
    const rotated = app(`${TOKEN}-rotated`);
    expect((await rotated.request("/dashboard/data", { headers: { Cookie: session } })).status).toBe(401);
  });

  test.each([
    ["a wrong token", () => signIn("not-the-token-not-the-token-not-the-token")],
    [
      "a post from another origin",
      () =>
        app(TOKEN).request(`${ORIGIN}/dashboard/sign-in`, {
          method: "POST",
          headers: { Origin: "http://evil.example", "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ token: TOKEN }).toString(),
        }),
    ],
  ])("%s sets no cookie", async (_name, post) => {
    const res = await post();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  test("a forged cookie opens nothing", async () => {
    const forged = `${SESSION_COOKIE}=${Date.now() + 3_600_000}.forged`;
    expect((await app(TOKEN).request("/dashboard/data", { headers: { Cookie: forged } })).status).toBe(401);
  });

  test("the page may load nothing from anywhere but this server", async () => {
    const csp = (await app(undefined).request("/")).headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
  });
});
