import { html } from "hono/html";
import { assetPath, UPLOT_VERSION } from "./assets";

const head = (title: string, extra = html``) => html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <link rel="stylesheet" href="${assetPath("dashboard.css")}" />
    ${extra}
  </head>`;

/** The dashboard's shell; `client.js` fills it from `/dashboard/data` and keeps it current. */
export const dashboardPage = (signOut: boolean) => html`${head(
  "berth · ops",
  html`<link rel="stylesheet" href="${assetPath(`uplot@${UPLOT_VERSION}/uPlot.min.css`)}" />
    <script src="${assetPath(`uplot@${UPLOT_VERSION}/uPlot.iife.min.js`)}" defer></script>
    <script src="${assetPath("client.js")}" defer></script>`,
)}
  <body>
    <header>
      <h1>berth <span id="machine"></span></h1>
      <p class="note">This machine only, sampled in process over the last hour. The fleet view is the Grafana dashboard.</p>
      <dl id="service"></dl>
      ${signOut ? html`<form method="post" action="/dashboard/sign-out"><button>Sign out</button></form>` : ""}
    </header>
    <main>
      <section><h2>Health</h2><div id="health"></div><div class="chart" id="chart-health"></div></section>
      <section><h2>Routes</h2><table id="routes"></table></section>
      <section><h2>Request rate</h2><div class="chart" id="chart-rate"></div></section>
      <section><h2>5xx rate</h2><div class="chart" id="chart-errors"></div></section>
      <section>
        <h2>Latency of <select id="latency-route"></select></h2>
        <div class="chart" id="chart-latency"></div>
      </section>
      <section><h2>Status codes</h2><table id="statuses"></table><div class="chart" id="chart-status"></div></section>
      <section><h2>Memory</h2><div class="chart" id="chart-memory"></div></section>
      <section><h2>Event-loop lag</h2><div class="chart" id="chart-lag"></div></section>
      <section><h2>Migrations</h2><div id="migrations"></div></section>
      <section><h2>Last 5xx</h2><table id="server-errors"></table></section>
    </main>
    <footer id="updated"></footer>
  </body>
</html>`;

/** The only page served without access: exchanges the ops token for a session cookie. */
export const signInPage = (failed: boolean) => html`${head("berth · sign in")}
  <body>
    <main class="sign-in">
      <h1>berth ops</h1>
      <form method="post" action="/dashboard/sign-in">
        <label>Ops token <input type="password" name="token" autocomplete="current-password" required autofocus /></label>
        <button>Sign in</button>
      </form>
      ${failed ? html`<p class="error" role="alert">That is not the ops token.</p>` : ""}
    </main>
  </body>
</html>`;
