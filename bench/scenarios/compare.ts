import { median, type Settings } from "../settings";
import { wrk } from "../wrk";

export interface Target {
  label: string;
  url: string;
  headers?: Record<string, string>;
}

/**
 * Warms every target, then alternates them round by round so drift on a shared machine hits
 * all of them alike; resolves with the median req/s of each.
 */
export const alternate = async (s: Settings, targets: Target[]) => {
  const samples = new Map<string, number[]>(targets.map((t) => [t.label, []]));
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
  return new Map([...samples].map(([label, rps]) => [label, median(rps)]));
};
