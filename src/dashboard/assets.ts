import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Context } from "hono";
import client from "./assets/client.js" with { type: "text" };
import style from "./assets/dashboard.css" with { type: "text" };

const installed = (specifier: string) => fileURLToPath(import.meta.resolve(specifier));

/** uPlot's version, from its installed package.json: the asset paths name it, so an upgrade is never served stale. */
export const UPLOT_VERSION: string = JSON.parse(readFileSync(installed("uplot/package.json"), "utf8")).version;

interface Asset {
  type: string;
  /** Read once, on first use. */
  body: () => Promise<string>;
  /** Needs access to the dashboard; the sign-in form's stylesheet does not. */
  guarded: boolean;
  cache: string;
}

const once = (read: () => Promise<string>) => {
  let text: Promise<string> | undefined;
  return () => {
    text ??= read();
    return text;
  };
};
// uPlot is read from its installed package at run time: the Node build leaves packages to
// node_modules, where a text import would not survive, and the image ships node_modules anyway.
const fromPackage = (specifier: string) => once(() => readFile(installed(specifier), "utf8"));

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";
const PINNED = "private, max-age=31536000, immutable";
const OWN = "no-cache";

/** Everything the page loads, by path under `/dashboard/assets/`. Nothing else is fetched. */
export const ASSETS: Record<string, Asset> = {
  [`uplot@${UPLOT_VERSION}/uPlot.iife.min.js`]: {
    type: JS,
    body: fromPackage("uplot/dist/uPlot.iife.min.js"),
    guarded: true,
    cache: PINNED,
  },
  [`uplot@${UPLOT_VERSION}/uPlot.min.css`]: {
    type: CSS,
    body: fromPackage("uplot/dist/uPlot.min.css"),
    guarded: true,
    cache: PINNED,
  },
  "client.js": { type: JS, body: async () => client, guarded: true, cache: OWN },
  "dashboard.css": { type: CSS, body: async () => style, guarded: false, cache: OWN },
};

/** The URL path of one asset. */
export const assetPath = (name: string) => `/dashboard/assets/${name}`;

/** Serves one asset. */
export const serveAsset = async (c: Context, asset: Asset) =>
  c.body(await asset.body(), 200, { "Content-Type": asset.type, "Cache-Control": asset.cache });
