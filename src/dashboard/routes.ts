import { Hono } from "hono";
import { csrf } from "hono/csrf";
import { secureHeaders } from "hono/secure-headers";
import { Problem, problemResponse } from "../http";
import type { DashboardAccess } from "./access";
import { ASSETS, serveAsset } from "./assets";
import { dashboardPage, signInPage } from "./page";

const NO_STORE = { "Cache-Control": "no-store" };

/**
 * The dashboard on the ops server: `GET /` (the page, or the sign-in form without access),
 * `GET /dashboard/data?since=`, sign-in and sign-out, and the page's assets. Its
 * Content-Security-Policy lets the page load only what this server serves.
 *
 * @example opsApp.route("/", dashboardRoutes({ access, data }));
 */
export const dashboardRoutes = ({
  access,
  data,
}: {
  access: DashboardAccess;
  /** The data after `since` (ms since the epoch), as `createDashboardData` builds it. */
  data: (since: number) => Promise<object>;
}) => {
  const app = new Hono();
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: "no-referrer",
    }),
  );
  // Form posts must come from this origin.
  app.use("/dashboard/sign-*", csrf());

  app.get("/", async (c) =>
    (await access.allows(c))
      ? c.html(dashboardPage(access.guarded), 200, NO_STORE)
      : c.html(signInPage(false), 200, NO_STORE),
  );
  app.post("/dashboard/sign-in", async (c) => {
    const form = await c.req.parseBody();
    if (await access.signIn(c, typeof form.token === "string" ? form.token : "")) return c.redirect("/", 303);
    return c.html(signInPage(true), 401, NO_STORE);
  });
  app.post("/dashboard/sign-out", (c) => {
    access.signOut(c);
    return c.redirect("/", 303);
  });
  // Browsers ask for it on every page; there is none, and the guard would answer 401.
  app.get("/favicon.ico", (c) => c.body(null, 204));
  app.get("/dashboard/data", async (c) => {
    if (!(await access.allows(c))) {
      const problem = new Problem(401, "The dashboard's data needs the ops token.", {
        headers: { "WWW-Authenticate": "Bearer" },
      });
      return problemResponse(c, problem);
    }
    return c.json(await data(Number(c.req.query("since")) || 0), 200, NO_STORE);
  });
  app.get("/dashboard/assets/*", async (c) => {
    const asset = ASSETS[c.req.path.slice("/dashboard/assets/".length)];
    if (!asset) return problemResponse(c, new Problem(404, `No asset ${c.req.path}.`));
    if (asset.guarded && !(await access.allows(c))) return problemResponse(c, new Problem(401, "Sign in first."));
    return serveAsset(c, asset);
  });
  return app;
};
