// The ops dashboard's script: fetches /dashboard/data once for the hour, then every sampling
// interval only what is new, and redraws. Charts are uPlot (served by this server, global `uPlot`).
const state = { since: 0, history: undefined, charts: new Map(), route: undefined };
const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];
const STATUS = ["pass", "warn", "fail"];

const $ = (id) => document.getElementById(id);
const el = (tag, text, attrs = {}) => {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};
const table = (id, head, rows) => {
  const t = $(id);
  t.replaceChildren(el("tr"), ...rows);
  t.firstChild.append(...head.map((h) => el("th", h)));
};
const fmt = (v, digits = 2) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));
const mib = (bytes) => bytes / 1048576;
const duration = (s) => `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m ${s % 60}s`;

/** Appends the new samples to the hour held here, dropping what is older than the ring holds. */
const merge = (older, newer, capacity) => {
  if (!older) return newer;
  const keep = (a, b) => a.concat(b).slice(-capacity);
  const byName = (list, key, fields, more) =>
    more.map((m) => {
      const o = list.find((x) => x[key] === m[key]);
      const pad = older.times.length;
      const merged = { [key]: m[key] };
      for (const f of fields) merged[f] = keep(o ? o[f] : new Array(pad).fill(null), m[f]);
      return merged;
    });
  const merged = {};
  for (const [k, v] of Object.entries(newer))
    if (Array.isArray(v) && k !== "checkers" && k !== "routes") merged[k] = keep(older[k], v);
  merged.checkers = byName(older.checkers, "name", ["status", "latencyMs"], newer.checkers);
  merged.routes = byName(older.routes, "route", ["rate", "errorRate", "p50", "p95", "p99"], newer.routes);
  return merged;
};

const chart = (id, series, data, unit) => {
  const target = $(id);
  const opts = {
    width: Math.max(target.clientWidth, 300),
    height: 180,
    // Always the hour the ring holds, ending at the newest sample, however few samples there are.
    scales: { x: { time: true, range: () => [state.end - state.span, state.end] } },
    axes: [{}, { label: unit, size: 60 }],
    series: [
      {},
      ...series.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false })),
    ],
  };
  const key = `${id}:${series.join("|")}`;
  const existing = state.charts.get(id);
  if (existing && existing.key === key) return existing.plot.setData(data, true);
  existing?.plot.destroy();
  state.charts.set(id, { key, plot: new globalThis.uPlot(opts, data, target) });
};

const drawService = (s, sampling) => {
  $("machine").textContent = s.machine;
  const items = {
    version: s.version,
    release: s.release,
    mode: s.mode,
    uptime: duration(s.uptimeSeconds),
    ...s.backends,
    history: `${sampling.capacity} samples every ${sampling.intervalMs / 1000} s (${(sampling.bytes / 1048576).toFixed(2)} MiB)`,
  };
  $("service").replaceChildren(...Object.entries(items).flatMap(([k, v]) => [el("dt", k), el("dd", v)]));
};

const drawHealth = (health, h) => {
  const strips = health.map((c) => {
    const column = h.checkers.find((x) => x.name === c.name);
    const cells = (column?.status ?? [])
      .slice(-120)
      .map((v) => el("span", null, { class: `cell s${v ?? "none"}`, title: v === null ? "no sample" : STATUS[v] }));
    const strip = el("div", null, { class: "strip" });
    strip.append(...cells);
    const card = el("div", null, { class: `check ${c.status}`, "data-check": c.name });
    card.append(
      el("strong", c.name),
      el("span", c.status, { class: "status" }),
      el("span", c.latencyMs === null ? "" : `${c.latencyMs} ms`),
      el("span", c.message ?? "", { class: "message" }),
      strip,
    );
    return card;
  });
  $("health").replaceChildren(...strips);
  chart(
    "chart-health",
    h.checkers.map((c) => `${c.name} ms`),
    [h.times.map((t) => t / 1000), ...h.checkers.map((c) => c.latencyMs)],
    "ms",
  );
};

const drawRoutes = (routes, h) => {
  const perSecond = (route) => {
    const r = h.routes.find((x) => x.route === route);
    const recent = (r?.rate ?? []).slice(-12).filter((v) => v !== null);
    return recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : null;
  };
  const rows = routes.map((r) => {
    const tr = el("tr", null, { "data-route": r.route });
    const cell = (field, v) => el("td", v, { "data-field": field });
    tr.append(
      el("td", r.route),
      cell("requests", r.requests),
      cell("serverErrors", r.serverErrors),
      cell("rate", fmt(perSecond(r.route))),
      cell("meanMs", fmt(r.meanMs)),
      cell("p50Ms", fmt(r.p50Ms)),
      cell("p95Ms", fmt(r.p95Ms)),
      cell("p99Ms", fmt(r.p99Ms)),
    );
    return tr;
  });
  table("routes", ["route", "requests", "5xx", "req/s (1 min)", "mean ms", "p50 ms", "p95 ms", "p99 ms"], rows);
  const x = h.times.map((t) => t / 1000);
  chart(
    "chart-rate",
    h.routes.map((r) => r.route),
    [x, ...h.routes.map((r) => r.rate)],
    "req/s",
  );
  chart(
    "chart-errors",
    h.routes.map((r) => r.route),
    [x, ...h.routes.map((r) => r.errorRate)],
    "5xx/s",
  );
  const select = $("latency-route");
  const names = h.routes.map((r) => r.route);
  if (select.options.length !== names.length) {
    select.replaceChildren(...names.map((n) => el("option", n, { value: n })));
    if (state.route) select.value = state.route;
  }
  state.route = select.value || names[0];
  const picked = h.routes.find((r) => r.route === state.route);
  if (picked) chart("chart-latency", ["p50", "p95", "p99"], [x, picked.p50, picked.p95, picked.p99], "ms");
};

const drawRest = (d, h) => {
  const x = h.times.map((t) => t / 1000);
  table(
    "statuses",
    ["status", "requests"],
    Object.entries(d.statuses).map(([s, n]) => {
      const tr = el("tr", null, { "data-status": s });
      tr.append(el("td", s), el("td", n));
      return tr;
    }),
  );
  chart("chart-status", ["2xx", "3xx", "4xx", "5xx"], [x, h.rate2xx, h.rate3xx, h.rate4xx, h.rate5xx], "req/s");
  chart(
    "chart-memory",
    ["rss", "heap used"],
    [x, h.rssBytes.map((v) => v && mib(v)), h.heapUsedBytes.map((v) => v && mib(v))],
    "MiB",
  );
  chart("chart-lag", ["p99", "max"], [x, h.lagP99Ms, h.lagMaxMs], "ms");
  const m = d.migrations;
  const lines = [`verdict: ${m.verdict}`];
  if (m.applied !== undefined)
    lines.push(
      `applied: ${m.applied}`,
      `pending: ${m.pending.join(", ") || "none"}`,
      `drift: ${m.drift.join(", ") || "none"}`,
      `unknown to this build: ${m.unknown}`,
    );
  $("migrations").replaceChildren(...lines.map((l) => el("p", l)));
  table(
    "server-errors",
    ["time", "route", "status", "request id", "user id", "message"],
    d.serverErrors.map((e) => {
      const tr = el("tr", null, { "data-request-id": e.requestId ?? "" });
      tr.append(
        el("td", e.time),
        el("td", `${e.method} ${e.route}`),
        el("td", e.status),
        el("td", e.requestId ?? ""),
        el("td", e.userId ?? ""),
        el("td", e.message ?? ""),
      );
      return tr;
    }),
  );
};

const refresh = async () => {
  const res = await fetch(`/dashboard/data?since=${state.since}`, { credentials: "same-origin", cache: "no-store" });
  if (res.status === 401) return location.reload();
  const d = await res.json();
  state.history = merge(state.history, d.history, d.sampling.capacity);
  if (state.history.times.length) state.since = state.history.times[state.history.times.length - 1];
  state.end = (state.since || Date.now()) / 1000;
  state.span = (d.sampling.capacity * d.sampling.intervalMs) / 1000;
  drawService(d.service, d.sampling);
  drawHealth(d.health, state.history);
  drawRoutes(d.routes, state.history);
  drawRest(d, state.history);
  $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
  if (state.history.times.length) document.body.dataset.samples = String(state.history.times.length);
  return d.sampling.intervalMs;
};

const loop = async () => {
  let wait = 5000;
  try {
    wait = await refresh();
  } catch (error) {
    $("updated").textContent = `update failed: ${error}`;
  }
  setTimeout(loop, wait);
};
$("latency-route").addEventListener("change", (e) => {
  state.route = e.target.value;
  if (state.history) drawRoutes([], state.history);
});
loop();
