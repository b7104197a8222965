import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mintToken } from "../src/auth/token";
import { BENCH_SECRET, BENCH_USER } from "./setup";
import type { TokenPool } from "./wrk";

/**
 * `size` distinct bearer tokens for the bench user (each with its own `jti`), signed by the
 * service's own minting code and written one a line for wrk's script. A pool larger than any
 * cache of recent tokens makes every request of a run pay for a full verification.
 */
export const createTokenPool = async (size: number): Promise<Omit<TokenPool, "offset">> => {
  const tokens = await Promise.all(
    Array.from({ length: size }, (_, i) =>
      mintToken({ secret: BENCH_SECRET, sub: BENCH_USER, ttlSeconds: 7200, claims: { jti: `bench-${i}` } }),
    ),
  );
  const file = join(tmpdir(), `berth-bench-tokens-${process.pid}-${size}.txt`);
  writeFileSync(file, `${tokens.join("\n")}\n`);
  return { file, size };
};
