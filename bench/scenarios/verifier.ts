import { budgetRow, type Row } from "../report";
import type { Settings } from "../settings";
import { ROOT } from "../spawn";
import { pinTo } from "../wrk";

/**
 * The token verifier alone, in a process of its own on core 0: CPU per uncached HS256
 * verification, and whether making room in the cache of recent tokens stays constant in its size.
 */
export const verifier = async (s: Settings): Promise<Row[]> => {
  const run = Bun.spawnSync([...pinTo(0), process.execPath, `${ROOT}/bench/micro/verify-tokens.ts`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", TOKENS: String(s.verifierTokens) },
    timeout: 300_000,
  });
  if (run.exitCode !== 0) throw new Error(`verification microbench failed: ${run.stderr.toString()}`);
  const { cpuUsPerToken, evictionUs } = JSON.parse(run.stdout.toString()) as {
    cpuUsPerToken: number;
    evictionUs: { small: number; large: number };
  };
  return [
    budgetRow(
      `HS256 verification, uncached: CPU per token (${s.verifierTokens.toLocaleString("en-US")} distinct tokens)`,
      { value: cpuUsPerToken, baseline: null, ratio: cpuUsPerToken, unit: "µs" },
      10,
      { atMost: true, suffix: " µs" },
    ),
    budgetRow(
      "recent-token cache: CPU per insert when full, 100,000 entries vs 1,000 (constant time)",
      {
        value: evictionUs.large,
        baseline: evictionUs.small,
        ratio: evictionUs.large / evictionUs.small,
        unit: "µs",
      },
      2,
      { atMost: true },
    ),
  ];
};
