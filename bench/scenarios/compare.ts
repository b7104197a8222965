import type { Stack } from "../report";
import { median, type Settings } from "../settings";
import { cpuSecondsOf } from "../spawn";
import { type TokenPool, wrk } from "../wrk";

export interface Target {
  label: string;
  url: string;
  /** The server process, whose CPU time per request is read from /proc around each run. */
  pid: number;
  headers?: Record<string, string>;
  /** A fresh bearer token per request from this pool, continuing where the last run stopped. */
  tokens?: Omit<TokenPool, "offset">;
}

/** One wrk run against one target. */
export interface Round {
  rps: number;
  /**
   * The server's CPU time (user + system) per request, in µs. Unlike req/s it hardly moves when
   * the other core is busy, so it shows what each layer costs on a machine too noisy to trust a
   * single ratio.
   */
  cpuUs: number;
  /** The server's CPU seconds per second of the run: 1 when it had core 0 to itself and used it all. */
  coreShare: number;
}

/** Each target's rounds, in round order. */
export type Samples = Map<string, Round[]>;

/**
 * Warms every target, then alternates them round by round so drift on a shared machine hits
 * all of them alike; resolves with every round of each.
 */
export const alternate = async (s: Settings, targets: Target[]): Promise<Samples> => {
  const samples: Samples = new Map(targets.map((t) => [t.label, []]));
  const sent = new Map<string, number>();
  const run = async (t: Target, seconds: number): Promise<Round> => {
    const cpuBefore = cpuSecondsOf(t.pid);
    const started = performance.now();
    const offset = sent.get(t.label) ?? 0;
    const tokens = t.tokens && { ...t.tokens, offset: offset % t.tokens.size };
    const r = await wrk(t.url, { seconds, connections: s.connections, headers: t.headers, tokens });
    sent.set(t.label, offset + r.requests);
    if (r.non2xx || r.errors) throw new Error(`${t.label}: ${r.non2xx} non-2xx and ${r.errors} socket errors`);
    const cpu = cpuSecondsOf(t.pid) - cpuBefore;
    return {
      rps: r.rps,
      cpuUs: (cpu * 1e6) / Math.max(1, r.requests),
      coreShare: cpu / ((performance.now() - started) / 1000),
    };
  };
  if (s.warmupSeconds) for (const t of targets) await run(t, s.warmupSeconds);
  for (let round = 0; round < s.rounds; round++) {
    for (const t of round % 2 ? [...targets].reverse() : targets) samples.get(t.label)?.push(await run(t, s.seconds));
  }
  return samples;
};

const rpsOf = (samples: Samples, label: string) => (samples.get(label) ?? []).map((r) => r.rps);

/**
 * Each round's ratio `value / baseline`, where a round's baseline is the best of the baseline
 * labels in that round. Rounds run seconds apart, so a ratio within one round cancels the
 * machine's drift that a ratio of two medians would keep.
 */
export const roundRatios = (samples: Samples, value: string, baselines: string[]) =>
  rpsOf(samples, value).map(
    (v, round) => v / Math.max(...baselines.map((label) => samples.get(label)?.[round]?.rps ?? Number.NaN)),
  );

/** The median of `roundRatios`: what a throughput budget is judged on. */
export const roundRatio = (samples: Samples, value: string, baselines: string[]) =>
  median(roundRatios(samples, value, baselines));

/** The lowest and highest per-round ratio, for how far one run can be trusted. */
export const ratioSpread = (samples: Samples, value: string, baselines: string[]) => {
  const ratios = roundRatios(samples, value, baselines);
  return `per-round ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
};

/** The median req/s of one label. */
export const medianOf = (samples: Samples, label: string) => {
  const rps = rpsOf(samples, label);
  return rps.length ? median(rps) : Number.NaN;
};

const medianField = (samples: Samples, label: string, field: "cpuUs" | "coreShare") => {
  const values = (samples.get(label) ?? []).map((r) => r[field]);
  return values.length ? median(values) : Number.NaN;
};

/** The median CPU µs per request of one label. */
export const cpuOf = (samples: Samples, label: string) => medianField(samples, label, "cpuUs");

/** The median share of core 0 one label's server used while it was measured. */
export const coreShareOf = (samples: Samples, label: string) => medianField(samples, label, "coreShare");

/** Each label's median figures, under its name in the results. */
export const stacksOf = (samples: Samples, names: Record<string, string>): Stack[] =>
  Object.entries(names).map(([label, name]) => ({
    name,
    rps: medianOf(samples, label),
    cpuUs: cpuOf(samples, label),
    coreShare: coreShareOf(samples, label),
  }));
/**
 * What each server cost per request and how much of core 0 it got: with equal shares the req/s
 * ratio compares the stacks, not the machine's other load.
 */
export const serverNote = (stacks: Stack[], names = stacks.map((s) => s.name)) =>
  `server CPU per request, share of core 0: ${stacks
    .filter((s) => names.includes(s.name))
    .map((s) => `${s.name} ${s.cpuUs.toFixed(1)} µs, ${(s.coreShare ?? Number.NaN).toFixed(2)}`)
    .join("; ")}`;
