import { describe, expect, test } from "bun:test";
import { HISTORY } from "./dashboard";
import { createHistory, historyBytes, OTHER_ROUTES, type SampleValues } from "./history";
import { bucketQuantile } from "./traffic";

const sample = (history: ReturnType<typeof createHistory>, i: number): SampleValues => ({
  rssBytes: 1e8 + i,
  heapUsedBytes: 5e7,
  lagP99Ms: 1,
  lagMaxMs: 2,
  statusRates: [i, 0, 0, 0],
  // A new route and a new checker every sample: far more than there are columns.
  checkers: new Map([[history.checkerColumn(`check-${i}`) ?? 0, { status: 0, latencyMs: i }]]),
  routes: new Map([[history.routeColumn(`/route/${i}`), { rate: i, errorRate: 0, p50: 1, p95: 2, p99: 3 }]]),
});

describe("dashboard history", () => {
  test("an hour of samples, and then another, stays within the bound the docs state", () => {
    const history = createHistory(HISTORY);
    expect(historyBytes(HISTORY)).toBe(420_480);
    expect(history.bytes).toBe(historyBytes(HISTORY));
    for (let i = 0; i < HISTORY.capacity * 2; i++) history.push(1000 * (i + 1), sample(history, i));
    expect(history.bytes).toBe(420_480);
    expect(history.size).toBe(HISTORY.capacity);
    const columns = history.columns();
    expect(columns.times).toHaveLength(HISTORY.capacity);
    expect(columns.times[0]).toBe(1000 * (HISTORY.capacity + 1));
    expect(columns.routes).toHaveLength(HISTORY.routes);
    expect(columns.routes.at(-1)?.route).toBe(OTHER_ROUTES);
    expect(columns.checkers).toHaveLength(HISTORY.checkers);
  });

  test("columns after a time hold only the newer samples, oldest first", () => {
    const history = createHistory({ capacity: 4, routes: 2, checkers: 1 });
    for (let i = 0; i < 6; i++) history.push(i, sample(history, i));
    const newer = history.columns(3);
    expect(newer.times).toEqual([4, 5]);
    expect((newer as unknown as { rate2xx: number[] }).rate2xx).toEqual([4, 5]);
  });
});

describe("bucket quantiles agree with Prometheus' histogram_quantile", () => {
  const bounds = [0.1, 0.5, 1];
  test.each([
    ["the median inside the first bucket, from 0", 0.5, [10, 0, 0, 0], 0.05],
    ["interpolated inside a middle bucket", 0.5, [5, 10, 5, 0], 0.3],
    ["the highest bound when it falls in the overflow bucket", 0.99, [0, 0, 1, 9], 1],
    ["NaN without observations", 0.5, [0, 0, 0, 0], Number.NaN],
  ])("%s", (_name, q, buckets, expected) => {
    expect(Number(bucketQuantile(q, bounds, buckets).toFixed(9))).toBe(expected);
  });
});
