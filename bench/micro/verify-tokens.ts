// Verification microbench, run pinned to one core; prints JSON. `cpuUsPerToken`: the service's
// own verifier on a pool of distinct HS256 tokens larger than its cache of recent tokens, so
// every verification after the first pass pays for the HMAC and makes room in the cache.
// `evictionUs`: CPU per insert into a full cache of recent tokens, small and large.
import { createRecentTokens } from "../../src/auth/recent-tokens";
import { mintToken } from "../../src/auth/token";
import { createTokenVerifier } from "../../src/auth/verifier";
import { nativeHmacSha256 } from "../../src/runtime/native-hmac";

const count = Number(process.env.TOKENS ?? 30_000);
const secret = process.env.SECRET ?? "bench-secret-0123456789-abcdefghijklmnop";
const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

const tokens = await Promise.all(
  Array.from({ length: count }, (_, i) =>
    mintToken({ secret, sub: "bench-user", ttlSeconds: 3600, claims: { jti: String(i) } }),
  ),
);
// With the HMAC the Bun and Node runtimes give it, as the service runs.
const verify = createTokenVerifier({ secret }, { hmacSha256: nativeHmacSha256 });
const pass = async () => {
  const before = cpuUs();
  for (const token of tokens) await verify(token);
  return (cpuUs() - before) / count;
};
await pass(); // warm-up: compiles the path and fills the cache
const cpuUsPerToken = Math.min(await pass(), await pass(), await pass());

const user = { expiresAt: new Date(Date.now() + 3_600_000) };
const keys = Array.from({ length: 200_000 }, (_, i) => `token-${i}-${Math.random()}`);
const insertCost = (max: number) => {
  const recent = createRecentTokens<typeof user>({ toleranceMs: 0, max });
  for (let i = 0; i < max; i++) recent.add(`fill-${i}`, user);
  const before = cpuUs();
  for (const key of keys) recent.add(key, user);
  return (cpuUs() - before) / keys.length;
};
insertCost(1_000); // warm-up
const evictionUs = {
  small: Math.min(insertCost(1_000), insertCost(1_000)),
  large: Math.min(insertCost(100_000), insertCost(100_000)),
};
console.log(JSON.stringify({ tokens: count, cpuUsPerToken, evictionUs }));
