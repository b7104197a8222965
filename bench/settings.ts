/** How long each part of the bench runs: the full pass, `--quick`, or the test suite's `--smoke`. */
export interface Settings {
  name: "full" | "quick" | "smoke";
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** Memory: requests whose RSS growth is measured. */
  memoryRequests: number;
  /** Pagination: rows seeded for one user. */
  paginationRows: number;
  /** Sustained load: seconds of sustained load, measured in 10 s (or shorter) windows. */
  sustainedSeconds: number;
  sustainedWindow: number;
  startups: number;
  /** Distinct tokens in the fresh-token rows' pool: more than any cache of recent tokens holds. */
  tokenPool: number;
  /** Distinct tokens the verification microbench verifies per pass. */
  verifierTokens: number;
}

export const SETTINGS: Record<Settings["name"], Settings> = {
  full: {
    name: "full",
    rounds: 5,
    seconds: 3,
    warmupSeconds: 2,
    connections: 64,
    memoryRequests: 200_000,
    paginationRows: 1_000_000,
    sustainedSeconds: 60,
    sustainedWindow: 10,
    startups: 5,
    tokenPool: 60_000,
    verifierTokens: 30_000,
  },
  quick: {
    name: "quick",
    rounds: 1,
    seconds: 3,
    warmupSeconds: 1,
    connections: 64,
    memoryRequests: 50_000,
    paginationRows: 100_000,
    sustainedSeconds: 20,
    sustainedWindow: 5,
    startups: 3,
    tokenPool: 60_000,
    verifierTokens: 30_000,
  },
  smoke: {
    name: "smoke",
    rounds: 1,
    seconds: 1,
    // One warm-up run, so a stack whose first requests open its pool under load still answers.
    warmupSeconds: 1,
    connections: 8,
    memoryRequests: 2_000,
    paginationRows: 2_000,
    sustainedSeconds: 3,
    sustainedWindow: 1,
    startups: 1,
    tokenPool: 12_000,
    verifierTokens: 12_000,
  },
};

/** The median of a non-empty list. */
export const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
