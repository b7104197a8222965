import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { runProcess } from "../support/process";
import { tempDir } from "../support/temp";

interface Panel {
  id: number;
  title: string;
  targets: { expr: string }[];
}
const dashboard: { panels: Panel[] } = await Bun.file(
  new URL("../../deploy/grafana/berth.json", import.meta.url),
).json();

const PROMTOOL = Bun.which("promtool") ?? "promtool";
// Grafana fills in `$app` from the data source; the synthetic series belong to one app.
const APP = "berth";
const queryOf = (panel: Panel) => (panel.targets[0]?.expr ?? "").replaceAll("$app", APP);
const ruleOf = (panel: Panel) => `dashboard_panel_${panel.id}`;

// Two machines, m1 and m2, scraped every minute for ten minutes; every series grows linearly, so
// each rate over 5m is exact. m1 serves /v1/notes at 1 GET/s (half within 0.1 s, the rest within
// 0.5 s) and 0.25 POST/s that fail with 500, and /livez at 0.5/s; m2 serves /v1/notes at 2/s.
const series = (labels: string, values: string) => ({ series: `${labels.replace("{", `{app="${APP}",`)}`, values });
const INPUT = [
  series('http_requests_total{instance="m1",route="/v1/notes",method="GET",status="200"}', "0+60x10"),
  series('http_requests_total{instance="m1",route="/v1/notes",method="POST",status="500"}', "0+15x10"),
  series('http_requests_total{instance="m1",route="/livez",method="GET",status="200"}', "0+30x10"),
  series('http_requests_total{instance="m2",route="/v1/notes",method="GET",status="200"}', "0+120x10"),
  series(
    'http_request_duration_seconds_bucket{instance="m1",route="/v1/notes",method="GET",status="200",le="0.1"}',
    "0+30x10",
  ),
  series(
    'http_request_duration_seconds_bucket{instance="m1",route="/v1/notes",method="GET",status="200",le="0.5"}',
    "0+60x10",
  ),
  series(
    'http_request_duration_seconds_bucket{instance="m1",route="/v1/notes",method="GET",status="200",le="+Inf"}',
    "0+60x10",
  ),
  series('health_check_status{instance="m1",check="database",status="pass"}', "1x10"),
  series('health_check_status{instance="m1",check="database",status="warn"}', "0x10"),
  series('health_check_status{instance="m1",check="database",status="fail"}', "0x10"),
  series('health_check_status{instance="m1",check="cache",status="pass"}', "0x10"),
  series('health_check_status{instance="m1",check="cache",status="warn"}', "1x10"),
  series('health_check_status{instance="m1",check="cache",status="fail"}', "0x10"),
  series('health_check_status{instance="m2",check="database",status="pass"}', "0x10"),
  series('health_check_status{instance="m2",check="database",status="warn"}', "0x10"),
  series('health_check_status{instance="m2",check="database",status="fail"}', "1x10"),
  series('health_check_latency_seconds{instance="m1",check="database"}', "0.002x10"),
  series('process_resident_memory_bytes{instance="m1"}', "100000000x10"),
  series('nodejs_heap_size_used_bytes{instance="m1"}', "50000000x10"),
  series('event_loop_lag_seconds{instance="m1",stat="p99"}', "0.012x10"),
  series('event_loop_lag_seconds{instance="m1",stat="max"}', "0.5x10"),
];

const notes = (instance: string) => `{instance="${instance}",route="/v1/notes"}`;
/** What each panel must show for the series above, by title: the proof that it measures what it says. */
const EXPECTED: Record<string, [labels: string, value: number][]> = {
  "Request rate per route and machine": [
    [notes("m1"), 1.25],
    ['{instance="m1",route="/livez"}', 0.5],
    [notes("m2"), 2],
  ],
  "5xx error ratio per route and machine": [
    [notes("m1"), 0.2],
    ['{instance="m1",route="/livez"}', 0],
    [notes("m2"), 0],
  ],
  // Half the requests within 0.1 s, all within 0.5 s, interpolated inside each bucket (0.1 s to
  // 0.5 s for p95 and p99), written in the order Prometheus computes, so the floats agree exactly.
  "p50 latency per route and machine": [[notes("m1"), 0.1]],
  "p95 latency per route and machine": [[notes("m1"), 0.1 + 0.4 * ((0.95 - 0.5) / 0.5)]],
  "p99 latency per route and machine": [[notes("m1"), 0.1 + 0.4 * ((0.99 - 0.5) / 0.5)]],
  "Health status per checker and machine (0 pass, 1 warn, 2 fail)": [
    ['{instance="m1",check="database"}', 0],
    ['{instance="m1",check="cache"}', 1],
    ['{instance="m2",check="database"}', 2],
  ],
  "Health check latency per checker and machine": [['{instance="m1",check="database"}', 0.002]],
  "Resident memory per machine": [['{instance="m1"}', 100_000_000]],
  "Event-loop lag p99 per machine": [['{instance="m1"}', 0.012]],
};

// Every panel's query, taken from the dashboard file, becomes a recording rule: `promtool check
// rules` parses and checks it, and `promtool test rules` evaluates it against the series above.
describe("the Grafana dashboard", () => {
  const dir = tempDir("berth-grafana-");
  const rules = {
    groups: [{ name: "dashboard", rules: dashboard.panels.map((p) => ({ record: ruleOf(p), expr: queryOf(p) })) }],
  };
  writeFileSync(`${dir}/rules.yml`, JSON.stringify(rules, null, 2));
  const tests = {
    rule_files: ["rules.yml"],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        input_series: INPUT,
        promql_expr_test: dashboard.panels.map((p) => ({
          expr: ruleOf(p),
          eval_time: "10m",
          exp_samples: (EXPECTED[p.title] ?? []).map(([labels, value]) => ({
            labels: `${ruleOf(p)}${labels}`,
            value,
          })),
        })),
      },
    ],
  };
  writeFileSync(`${dir}/tests.yml`, JSON.stringify(tests, null, 2));
  const promtool = (...args: string[]) =>
    runProcess([PROMTOOL, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? "" }, timeoutMs: 30_000 });

  test("every panel has one query on the service's metrics and an expectation here", () => {
    expect(dashboard.panels.map((p) => p.title).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const p of dashboard.panels) expect(p.targets).toHaveLength(1);
  });

  test("promtool check rules accepts every panel's query", async () => {
    const result = await promtool("check", "rules", "rules.yml");
    expect(result.stdout + result.stderr).toContain(`SUCCESS: ${dashboard.panels.length} rules found`);
    expect(result.code).toBe(0);
  });

  test("promtool test rules: each panel computes what its title says from synthetic series", async () => {
    const result = await promtool("test", "rules", "tests.yml");
    expect(result.stdout + result.stderr).toContain("SUCCESS");
    expect(result.code).toBe(0);
  });
});
