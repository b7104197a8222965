/** How much history the ring holds; every bound is fixed when it is created. */
export interface HistoryShape {
  /** Samples kept: an hour at one every 5 s is 720. */
  capacity: number;
  /** Route columns; routes beyond the last but one share the last column, "(other routes)". */
  routes: number;
  /** Health checker columns; checkers beyond them are not charted. */
  checkers: number;
}

/** One route over one sample: requests and 5xx per second, and latency quantiles in ms. */
export interface RouteSample {
  rate: number;
  errorRate: number;
  p50: number;
  p95: number;
  p99: number;
}

/** What one sample records, besides its time. */
export interface SampleValues {
  rssBytes: number;
  heapUsedBytes: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** Requests per second answered 2xx, 3xx, 4xx and 5xx. */
  statusRates: readonly [number, number, number, number];
  /** By checker column: 0 pass, 1 warn, 2 fail; and the check's latency in ms. */
  checkers: ReadonlyMap<number, { status: number; latencyMs: number }>;
  /** By route column. */
  routes: ReadonlyMap<number, RouteSample>;
}

export const OTHER_ROUTES = "(other routes)";
const GLOBALS = ["rssBytes", "heapUsedBytes", "lagP99Ms", "lagMaxMs", "rate2xx", "rate3xx", "rate4xx", "rate5xx"];
const CHECKER_FIELDS = ["status", "latencyMs"] as const;
const ROUTE_FIELDS = ["rate", "errorRate", "p50", "p95", "p99"] as const;

/** Bytes the ring allocates for `shape`, whatever is sampled into it: a 64-bit time and 32-bit values per sample. */
export const historyBytes = ({ capacity, routes, checkers }: HistoryShape) =>
  capacity * (8 + 4 * (GLOBALS.length + CHECKER_FIELDS.length * checkers + ROUTE_FIELDS.length * routes));

// Three significant digits are all a chart shows, and they keep the JSON short. Powers of ten
// instead of `toPrecision`, which costs about a microsecond a value: an hour is ~50,000 values.
const short = (v: number | undefined) => {
  if (v === undefined || Number.isNaN(v)) return null;
  if (v === 0 || !Number.isFinite(v)) return v;
  const e = Math.floor(Math.log10(Math.abs(v))) - 2;
  return e >= 0 ? Math.round(v / 10 ** e) * 10 ** e : Math.round(v * 10 ** -e) / 10 ** -e;
};

/**
 * A fixed-size ring of samples in two typed arrays allocated up front, so an hour of history
 * costs `historyBytes(shape)` no matter the traffic. Values missing from a sample are NaN (a gap
 * in the chart). Route and checker names are bounded by their column counts.
 *
 * @example
 * const history = createHistory({ capacity: 720, routes: 24, checkers: 8 });
 * history.push(Date.now(), values);
 * const columns = history.columns(since);
 */
export const createHistory = (shape: HistoryShape) => {
  const width = GLOBALS.length + CHECKER_FIELDS.length * shape.checkers + ROUTE_FIELDS.length * shape.routes;
  const times = new Float64Array(shape.capacity);
  const values = new Float32Array(shape.capacity * width).fill(Number.NaN);
  const routeNames: string[] = [];
  const checkerNames: string[] = [];
  let next = 0;
  let size = 0;

  const checkerBase = GLOBALS.length;
  const routeBase = checkerBase + CHECKER_FIELDS.length * shape.checkers;

  /** The column of a route: new routes take the next free one, the last is shared by the rest. */
  const routeColumn = (route: string) => {
    const known = routeNames.indexOf(route);
    if (known >= 0) return known;
    if (routeNames.length < shape.routes - 1) return routeNames.push(route) - 1;
    if (routeNames.length === shape.routes - 1) routeNames.push(OTHER_ROUTES);
    return shape.routes - 1;
  };
  /** The column of a checker, or undefined once every column is taken. */
  const checkerColumn = (name: string) => {
    const known = checkerNames.indexOf(name);
    if (known >= 0) return known;
    return checkerNames.length < shape.checkers ? checkerNames.push(name) - 1 : undefined;
  };

  const push = (time: number, sample: SampleValues) => {
    const row = next * width;
    times[next] = time;
    values.fill(Number.NaN, row, row + width);
    const globals = [sample.rssBytes, sample.heapUsedBytes, sample.lagP99Ms, sample.lagMaxMs, ...sample.statusRates];
    globals.forEach((v, i) => {
      values[row + i] = v;
    });
    for (const [column, c] of sample.checkers) {
      const at = row + checkerBase + CHECKER_FIELDS.length * column;
      values[at] = c.status;
      values[at + 1] = c.latencyMs;
    }
    for (const [column, r] of sample.routes) {
      const at = row + routeBase + ROUTE_FIELDS.length * column;
      ROUTE_FIELDS.forEach((field, i) => {
        values[at + i] = r[field];
      });
    }
    next = (next + 1) % shape.capacity;
    size = Math.min(size + 1, shape.capacity);
  };

  /** The samples taken after `since` (ms since the epoch), oldest first, one array per column. */
  const columns = (since = 0) => {
    const rows: number[] = [];
    for (let i = 0; i < size; i++) {
      const slot = (next - size + i + shape.capacity) % shape.capacity;
      if ((times[slot] ?? 0) > since) rows.push(slot);
    }
    const column = (offset: number) => rows.map((slot) => short(values[slot * width + offset]));
    return {
      times: rows.map((slot) => times[slot] ?? 0),
      ...Object.fromEntries(GLOBALS.map((name, i) => [name, column(i)])),
      checkers: checkerNames.map((name, c) => ({
        name,
        ...Object.fromEntries(
          CHECKER_FIELDS.map((field, i) => [field, column(checkerBase + CHECKER_FIELDS.length * c + i)]),
        ),
      })),
      routes: routeNames.map((route, r) => ({
        route,
        ...Object.fromEntries(ROUTE_FIELDS.map((field, i) => [field, column(routeBase + ROUTE_FIELDS.length * r + i)])),
      })),
    };
  };

  return {
    shape,
    routeColumn,
    checkerColumn,
    push,
    columns,
    /** Samples held so far, at most `shape.capacity`. */
    get size() {
      return size;
    },
    /** Bytes held by the ring's arrays: always `historyBytes(shape)`. */
    get bytes() {
      return times.byteLength + values.byteLength;
    },
  };
};

export type History = ReturnType<typeof createHistory>;
