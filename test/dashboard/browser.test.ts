import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { BrowserContext } from "playwright-core";
import { authHeaders } from "../api/app";
import { launchChromium } from "../support/chromium";
import { ROOT, type RunningService, startService } from "../support/process";

const OPS_TOKEN = "ops-token-for-the-dashboard-suite-0123456789";
const SCREENSHOT = `${ROOT}/.ci/out/dashboard.png`;

/** Requests per route pattern in a /metrics text, every method and status together. */
const requestsByRoute = (text: string, onlyServerErrors = false) => {
  const totals = new Map<string, number>();
  for (const m of text.matchAll(/^http_requests_total\{method="[^"]*",route="([^"]*)",status="(\d+)"\} (\S+)$/gm)) {
    const [, route = "", status = "", value = "0"] = m;
    if (onlyServerErrors && Number(status) < 500) continue;
    totals.set(route, (totals.get(route) ?? 0) + Number(value));
  }
  return totals;
};

// The real service and the real Debian chromium: the page signs in with the ops token, shows the
// figures /metrics shows, draws its charts, logs no error and fetches nothing beyond 127.0.0.1.
describe("the ops dashboard in a browser", () => {
  let service: RunningService | undefined;
  let context: BrowserContext | undefined;
  afterAll(async () => {
    await context?.close();
    await service?.stop("SIGTERM");
  });

  test("after known traffic the page shows what /metrics shows, with its charts, and needs the token", async () => {
    service = await startService({
      APP_MODE: "test",
      OPS_TOKEN,
      SENTRY_DEBUG_ROUTE: "true",
      PGLITE_DIR: "memory://",
      HEALTH_MEMORY_LIMIT_MB: "4096",
    });
    const { url: api, opsUrl } = service;

    // Without the token: the sign-in form, and no data or script.
    expect(await (await fetch(opsUrl)).text()).toContain('name="token"');
    expect((await fetch(`${opsUrl}/dashboard/data`)).status).toBe(401);
    expect((await fetch(`${opsUrl}/dashboard/assets/client.js`)).status).toBe(401);
    const wrong = await fetch(`${opsUrl}/dashboard/sign-in`, {
      method: "POST",
      headers: { Origin: opsUrl },
      body: new URLSearchParams({ token: "not-the-token-not-the-token-not-the-token" }),
      redirect: "manual",
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();

    const alice = await authHeaders("alice");
    for (let i = 0; i < 7; i++) await fetch(`${api}/livez`);
    for (let i = 0; i < 3; i++) await fetch(`${api}/v1/me`, { headers: alice });
    for (let i = 0; i < 2; i++) await fetch(`${api}/no/such/path`);
    const failed = await fetch(`${api}/debug-sentry`, { headers: alice });
    expect(failed.status).toBe(500);
    const failedId = failed.headers.get("x-request-id") ?? "";

    context = await launchChromium({ width: 1400, height: 1800 });
    const requested: string[] = [];
    const problems: string[] = [];
    context.on("request", (request) => requested.push(request.url()));
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));

    await page.goto(opsUrl);
    await page.fill('input[name="token"]', OPS_TOKEN);
    await Promise.all([page.waitForURL(`${opsUrl}/`), page.click("button")]);
    const cookie = (await context.cookies()).find((c) => c.name === "berth_ops");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    expect(cookie?.value).not.toContain(OPS_TOKEN);

    // One sample after the traffic puts it in the charts.
    await page.locator("body[data-samples]").waitFor({ timeout: 30_000 });
    const metrics = await (await fetch(`${opsUrl}/metrics`)).text();
    // The page's table is refreshed after /metrics was read, so it counts at least as much; the
    // routes below got no traffic after the known requests.
    for (const route of ["/livez", "/v1/me", "/debug-sentry", "unmatched"]) {
      const row = page.locator(`#routes tr[data-route="${route}"]`);
      expect(await row.locator('[data-field="requests"]').textContent()).toBe(
        String(requestsByRoute(metrics).get(route)),
      );
      expect(await row.locator('[data-field="serverErrors"]').textContent()).toBe(
        String(requestsByRoute(metrics, true).get(route) ?? 0),
      );
    }
    expect(requestsByRoute(metrics).get("/v1/me")).toBe(3);
    expect(requestsByRoute(metrics, true).get("/debug-sentry")).toBe(1);
    expect(await page.locator("#statuses tr[data-status='500'] td").nth(1).textContent()).toBe("1");
    const errorRow = page.locator(`#server-errors tr[data-request-id="${failedId}"]`);
    expect(await errorRow.textContent()).toContain("GET /debug-sentry");
    expect(await errorRow.textContent()).toContain("alice");
    expect(await errorRow.textContent()).not.toContain("Bearer");
    expect(await page.locator("#migrations").textContent()).toContain("up to date");

    // Every chart is drawn: uPlot puts a canvas of non-zero size in each.
    const charts = await page.$$eval(".chart", (nodes) =>
      nodes.map((n) => (n.querySelector("canvas")?.width ?? 0) > 0 && (n.querySelector("canvas")?.height ?? 0) > 0),
    );
    expect(charts.length).toBe(7);
    expect(charts.every(Boolean)).toBe(true);

    mkdirSync(`${ROOT}/.ci/out`, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(problems).toEqual([]);
    const local = `http://127.0.0.1:${service.opsPort}/`;
    expect(requested.filter((u) => !u.startsWith(local))).toEqual([]);
    expect(requested.length).toBeGreaterThan(4);
  }, 90_000);
});
