import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { tempDir } from "../support/db";
import { ROOT, startService } from "../support/process";

// Debian's chromium; .ci/run installs it when it is missing.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOT = join(ROOT, ".ci/out/docs.png");
const NOTES_OPERATIONS = [
  "Create a note",
  "List own notes, newest first",
  "Read one own note",
  "Change title and/or body",
  "Delete a note",
];

describe("/docs in a real browser", () => {
  let browser: Browser;
  const requested: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: tempDir("berth-chromium-"),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
    });
  }, 60_000);

  afterAll(() => browser?.close());

  test("renders every notes operation with nothing loaded from outside 127.0.0.1", async () => {
    // Started in the test: the helper stops it after the file's tests.
    const svc = await startService({ PGLITE_DIR: "memory://" });
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      requested.push(request.url());
      const { hostname, protocol } = new URL(request.url());
      const local = hostname === "127.0.0.1" || protocol === "data:" || protocol === "blob:";
      if (local) request.continue();
      else request.abort("blockedbyclient");
    });
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });

    const res = await page.goto(`${svc.url}/docs`, { waitUntil: "networkidle0", timeout: 30_000 });
    expect(res?.status()).toBe(200);
    expect(res?.headers()["content-security-policy"]).toContain("default-src 'none'");
    // The text a reader sees (innerText), not hidden markup; run in the page, so written as source.
    const rendered = "document.body.innerText";
    const allShown = NOTES_OPERATIONS.map((title) => `${rendered}.includes(${JSON.stringify(title)})`).join(" && ");
    await page.waitForFunction(allShown, { timeout: 30_000 });
    const text = String(await page.evaluate(rendered));
    for (const title of NOTES_OPERATIONS) expect(text).toContain(title);
    // The promotional toolbar and the hosted client's buttons are off.
    for (const promotion of ["Generate SDK", "Ask AI", "Deploy"]) expect(text).not.toContain(promotion);

    mkdirSync(join(ROOT, ".ci/out"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });

    const outside = requested.filter((url) => {
      const { hostname, protocol } = new URL(url);
      return hostname !== "127.0.0.1" && protocol !== "data:" && protocol !== "blob:";
    });
    expect(outside).toEqual([]);
    expect(requested).toContain(`${svc.url}/docs/scalar.js`);
    expect(requested).toContain(`${svc.url}/openapi.json`);
    // A violated Content-Security-Policy is reported on the console.
    expect(consoleErrors.filter((error) => error.includes("Content Security Policy"))).toEqual([]);
  }, 90_000);
});
