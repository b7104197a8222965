import { describe, expect, test } from "bun:test";
import { createRegistry, PROMETHEUS_CONTENT_TYPE } from "./registry";

describe("metrics registry", () => {
  test("renders counters and gauges in the text exposition format", async () => {
    const registry = createRegistry();
    const hits = registry.counter("cache_hits_total", "Cache hits.", ["backend"]);
    hits.inc({ backend: "redis" });
    hits.inc({ backend: "redis" }, 2);
    hits.inc({ backend: "memory" });
    registry.gauge("temperature_celsius", "Room temperature.").set(undefined, -1.5);

    expect(await registry.render()).toBe(
      [
        "# HELP cache_hits_total Cache hits.",
        "# TYPE cache_hits_total counter",
        'cache_hits_total{backend="redis"} 3',
        'cache_hits_total{backend="memory"} 1',
        "# HELP temperature_celsius Room temperature.",
        "# TYPE temperature_celsius gauge",
        "temperature_celsius -1.5",
        "",
      ].join("\n"),
    );
    expect(PROMETHEUS_CONTENT_TYPE).toStartWith("text/plain; version=0.0.4");
  });

  test("histograms have cumulative buckets, +Inf, sum and count", async () => {
    const registry = createRegistry();
    const latency = registry.histogram("op_seconds", "Op time.", ["op"], [0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 3]) latency.observe({ op: "read" }, v);
    const text = await registry.render();
    expect(text).toContain('op_seconds_bucket{op="read",le="0.1"} 2');
    expect(text).toContain('op_seconds_bucket{op="read",le="1"} 3');
    expect(text).toContain('op_seconds_bucket{op="read",le="+Inf"} 4');
    expect(text).toContain('op_seconds_sum{op="read"} 3.65');
    expect(text).toContain('op_seconds_count{op="read"} 4');
  });

  test("escapes label values and help text", async () => {
    const registry = createRegistry();
    registry.counter("odd_total", "Back\\slash and\nnewline.", ["path"]).inc({ path: 'a"b\\c\nd' });
    const text = await registry.render();
    expect(text).toContain("# HELP odd_total Back\\\\slash and\\nnewline.");
    expect(text).toContain('odd_total{path="a\\"b\\\\c\\nd"} 1');
  });

  test("labels are normalised to the declared names; unknown labels and bad names are refused", () => {
    const registry = createRegistry();
    const c = registry.counter("x_total", "x", ["a", "b"]);
    expect(() => c.inc({ c: "1" })).toThrow("has no label c");
    expect(() => c.inc({ a: "1" }, -1)).toThrow("cannot decrease");
    expect(() => registry.counter("x_total", "again")).toThrow("already registered");
    expect(() => registry.gauge("bad-name", "x")).toThrow("invalid metric name");
  });

  test("collectors refresh gauges before each render; a failing one leaves the rest intact", async () => {
    const registry = createRegistry();
    const g = registry.gauge("scrapes", "Renders so far.");
    let n = 0;
    registry.onCollect(() => g.set(undefined, ++n));
    registry.onCollect(async () => {
      throw new Error("collector down");
    });
    expect(await registry.render()).toContain("scrapes 1");
    expect(await registry.render()).toContain("scrapes 2");
  });
});
