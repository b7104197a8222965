import type { Context } from "hono";
import { type MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from "./registry";

/** `GET /metrics` on the ops server: the registry in Prometheus text format, never cached. */
export const metricsHandler = (registry: MetricsRegistry) =>
  async function metrics(c: Context) {
    const text = await registry.render();
    return c.body(text, 200, { "Content-Type": PROMETHEUS_CONTENT_TYPE, "Cache-Control": "no-store" });
  };
