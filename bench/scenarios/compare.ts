import { median, type Settings } from "../settings";
import { wrk } from "../wrk";

export interface Target {
  label: string;
  url: string;
  headers?: Record<string, string>;
}

/** Each target's req/s, one sample per round, in round order. */
export type Samples = Map<string, number[]>;

/**
 * Warms every target, then alternates them round by round so drift on a shared machine hits
 * all of them alike; resolves with every round's req/s of each.
 */
export const alternate = async (s: Settings, targets: Target[]): Promise<Samples> => {
  const samples: Samples = new Map(targets.map((t) => [t.label, []]));
  const run = (t: Target, seconds: number) =>
    wrk(t.url, { seconds, connections: s.connections, headers: t.headers }).then((r) => {
      if (r.non2xx || r.errors) throw new Error(`${t.label}: ${r.non2xx} non-2xx and ${r.errors} socket errors`);
      return r;
    });
  if (s.warmupSeconds) for (const t of targets) await run(t, s.warmupSeconds);
  for (let round = 0; round < s.rounds; round++) {
    for (const t of round % 2 ? [...targets].reverse() : targets)
      samples.get(t.label)?.push((await run(t, s.seconds)).rps);
  }
  return samples;
};

/**
 * Each round's ratio `value / baseline`, where a round's baseline is the best of the baseline
 * labels in that round. Rounds run seconds apart, so a ratio within one round cancels the
 * machine's drift that a ratio of two medians would keep.
 */
export const roundRatios = (samples: Samples, value: string, baselines: string[]) =>
  (samples.get(value) ?? []).map(
    (v, round) => v / Math.max(...baselines.map((label) => samples.get(label)?.[round] ?? Number.NaN)),
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
export const medianOf = (samples: Samples, label: string) => median(samples.get(label) ?? [Number.NaN]);
