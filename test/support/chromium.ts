import { existsSync } from "node:fs";
import { type BrowserContext, chromium } from "playwright-core";
import { tempDir } from "./temp";

/** Debian's chromium, which `.ci/run` installs; `CHROMIUM_PATH` points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** True for a URL served from this machine's loopback (or inline data), which a browser test may load. */
export const isLocal = (url: string) => {
  const { hostname, protocol } = new URL(url);
  return hostname === "127.0.0.1" || protocol === "data:" || protocol === "blob:";
};

/**
 * Starts headless Chromium with a fresh profile and returns its context.
 *
 * The background-networking flags keep Chromium from dialling out at start, which this
 * machine's closed network refuses; the caller closes the context.
 */
export const launchChromium = async (viewport = { width: 1280, height: 900 }): Promise<BrowserContext> => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
  return chromium.launchPersistentContext(tempDir("berth-chromium-"), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
};
