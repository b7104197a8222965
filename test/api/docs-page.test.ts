import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { isLocal, launchChromium } from "../support/chromium";
import { ROOT, startService } from "../support/process";

const SCREENSHOT = join(ROOT, ".ci/out/docs.png");
const NOTES_OPERATIONS = [
  "Create a note",
  "List own notes, newest first",
  "Read one own note",
  "Change title and/or body",
  "Delete a note",
];

describe("/docs in a real browser", () => {
  let context: BrowserContext | undefined;
  afterAll(() => context?.close());

  test("renders every notes operation with nothing loaded from outside 127.0.0.1", async () => {
    // Started in the test: the helper stops it after the file's tests.
    const svc = await startService({ PGLITE_DIR: "memory://" });
    context = await launchChromium();
    const requested: string[] = [];
    const consoleErrors: string[] = [];
    // Anything not served from this machine is refused, and remembered for the assertion below.
    await context.route("**/*", (route) => {
      requested.push(route.request().url());
      return isLocal(route.request().url()) ? route.continue() : route.abort("blockedbyclient");
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });

    const res = await page.goto(`${svc.url}/docs`, { waitUntil: "networkidle", timeout: 30_000 });
    expect(res?.status()).toBe(200);
    expect(res?.headers()["content-security-policy"]).toContain("default-src 'none'");
    // Locators read the text a reader sees; the page's policy forbids evaluating scripts in it.
    for (const title of NOTES_OPERATIONS) {
      await page.getByText(title, { exact: true }).first().waitFor({ timeout: 30_000 });
    }
    // The promotional toolbar and the hosted client's buttons are off.
    // biome-ignore lint/performance/useDomNodeTextContent: the text a reader sees, not hidden markup
    const text = await page.locator("body").innerText();
    for (const promotion of ["Generate SDK", "Ask AI", "Deploy"]) expect(text).not.toContain(promotion);

    mkdirSync(join(ROOT, ".ci/out"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });

    expect(requested.filter((url) => !isLocal(url))).toEqual([]);
    expect(requested).toContain(`${svc.url}/docs/scalar.js`);
    expect(requested).toContain(`${svc.url}/openapi.json`);
    // A violated Content-Security-Policy is reported on the console.
    expect(consoleErrors.filter((error) => error.includes("Content Security Policy"))).toEqual([]);
  }, 90_000);
});
