export type Labels = Record<string, string>;

type Kind = "counter" | "gauge" | "histogram";

interface Series {
  labels: Labels;
  value: number;
  /** Histograms only: per-bucket (non-cumulative) counts and the sum of observations. */
  buckets?: number[];
  sum?: number;
}

interface Family {
  name: string;
  help: string;
  kind: Kind;
  labelNames: readonly string[];
  bounds: readonly number[];
  series: Map<string, Series>;
}

/** One metric read in place; a histogram's `buckets` count each bound's own observations, not cumulatively. */
export interface MetricReading {
  kind: Kind;
  bounds: readonly number[];
  series: readonly Readonly<Series>[];
}

/** Latency buckets in seconds, from a cache hit to a request that hit a timeout. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export interface Counter {
  inc(labels?: Labels, by?: number): void;
  /** The series of one label set, looked up once: for callers that count the same set often. */
  with(labels: Labels): { inc(by?: number): void };
}
export interface Gauge {
  set(labels: Labels | undefined, value: number): void;
  /** Drops every series, for gauges rebuilt from scratch at each scrape. */
  reset(): void;
}
export interface Histogram {
  observe(labels: Labels | undefined, value: number): void;
  /** The series of one label set, looked up once (see `Counter.with`). */
  with(labels: Labels): { observe(value: number): void };
}

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const escapeHelp = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const formatNumber = (n: number) =>
  Number.isNaN(n) ? "NaN" : n === Infinity ? "+Inf" : n === -Infinity ? "-Inf" : String(n);
const formatLabels = (labels: Labels) => {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return pairs.length ? `{${pairs.join(",")}}` : "";
};

/**
 * A small Prometheus registry: counters, gauges and histograms with fixed label names, rendered
 * in the text exposition format (0.0.4). Collectors run before each render to refresh gauges
 * that mirror outside state (memory, health, event-loop lag).
 *
 * @example
 * const registry = createRegistry();
 * const hits = registry.counter("cache_hits_total", "Cache hits.", ["backend"]);
 * hits.inc({ backend: "redis" });
 * const text = await registry.render();
 */
export const createRegistry = () => {
  const families = new Map<string, Family>();
  const collectors: (() => void | Promise<void>)[] = [];

  const family = (name: string, help: string, kind: Kind, labelNames: readonly string[], bounds: readonly number[]) => {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name ${name}`);
    if (families.has(name)) throw new Error(`metric ${name} is already registered`);
    const f: Family = { name, help, kind, labelNames, bounds, series: new Map() };
    families.set(name, f);
    return f;
  };

  // Label sets are normalised to the declared names, so a typo cannot create a new series.
  // Callers that count one label set on every request hold its series (`with`) instead.
  const seriesOf = (f: Family, labels: Labels = {}) => {
    const ordered: Labels = {};
    for (const key of f.labelNames) ordered[key] = labels[key] ?? "";
    for (const key of Object.keys(labels)) {
      if (!f.labelNames.includes(key)) throw new Error(`metric ${f.name} has no label ${key}`);
    }
    const key = JSON.stringify(ordered);
    let s = f.series.get(key);
    if (!s) {
      s = { labels: ordered, value: 0 };
      if (f.kind === "histogram") {
        s.buckets = f.bounds.map(() => 0);
        s.sum = 0;
      }
      f.series.set(key, s);
    }
    return s;
  };

  const renderFamily = (f: Family) => {
    const lines = [`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.kind}`];
    for (const s of f.series.values()) {
      if (f.kind !== "histogram") {
        lines.push(`${f.name}${formatLabels(s.labels)} ${formatNumber(s.value)}`);
        continue;
      }
      let cumulative = 0;
      f.bounds.forEach((bound, i) => {
        cumulative += s.buckets?.[i] ?? 0;
        lines.push(`${f.name}_bucket${formatLabels({ ...s.labels, le: formatNumber(bound) })} ${cumulative}`);
      });
      lines.push(`${f.name}_bucket${formatLabels({ ...s.labels, le: "+Inf" })} ${s.value}`);
      lines.push(`${f.name}_sum${formatLabels(s.labels)} ${formatNumber(s.sum ?? 0)}`);
      lines.push(`${f.name}_count${formatLabels(s.labels)} ${s.value}`);
    }
    return lines.join("\n");
  };

  return {
    counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
      const f = family(name, help, "counter", labelNames, []);
      const add = (s: Series, by: number) => {
        if (by < 0) throw new Error(`counter ${name} cannot decrease`);
        s.value += by;
      };
      return {
        inc: (labels, by = 1) => add(seriesOf(f, labels), by),
        with: (labels) => {
          const s = seriesOf(f, labels);
          return { inc: (by = 1) => add(s, by) };
        },
      };
    },
    gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
      const f = family(name, help, "gauge", labelNames, []);
      return {
        set: (labels, value) => {
          seriesOf(f, labels).value = value;
        },
        reset: () => f.series.clear(),
      };
    },
    histogram(
      name: string,
      help: string,
      labelNames: readonly string[] = [],
      buckets: readonly number[] = DEFAULT_BUCKETS,
    ): Histogram {
      const bounds = [...buckets].sort((a, b) => a - b);
      const f = family(name, help, "histogram", labelNames, bounds);
      const record = (s: Series, value: number) => {
        const index = bounds.findIndex((bound) => value <= bound);
        if (index >= 0 && s.buckets) s.buckets[index] = (s.buckets[index] ?? 0) + 1;
        s.value += 1;
        s.sum = (s.sum ?? 0) + value;
      };
      return {
        observe: (labels, value) => record(seriesOf(f, labels), value),
        with: (labels) => {
          const s = seriesOf(f, labels);
          return { observe: (value) => record(s, value) };
        },
      };
    },
    /**
     * One metric's series as they stand, without running the collectors: for readers inside the
     * process (the ops dashboard) that must not reset what a scrape measures.
     */
    read(name: string): MetricReading | undefined {
      const f = families.get(name);
      return f && { kind: f.kind, bounds: f.bounds, series: [...f.series.values()] };
    },
    /** Runs before every render; a failing collector leaves its metrics as they were. */
    onCollect(collect: () => void | Promise<void>) {
      collectors.push(collect);
    },
    /** The whole registry in Prometheus text format, collectors refreshed first. */
    async render() {
      await Promise.all(collectors.map(async (collect) => collect()).map((p) => p.catch(() => undefined)));
      return `${[...families.values()].map(renderFamily).join("\n")}\n`;
    },
  };
};

export type MetricsRegistry = ReturnType<typeof createRegistry>;

/** The Content-Type Prometheus expects for the text format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
