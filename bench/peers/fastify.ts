import { existsSync, statSync } from "node:fs";
import { type BenchDatabase, serviceEnv } from "../setup";
import { ROOT, spawnServer } from "../spawn";

const DIR = `${ROOT}/bench/peers/fastify`;
const NODE = process.env.BENCH_NODE ?? Bun.which("node") ?? "/usr/bin/node";

/**
 * Installs the Fastify peer's own dependencies from its lockfile into its folder (they are not
 * berth's), once: again only when the lockfile is newer than the installed tree.
 */
export const installFastifyPeer = () => {
  const installed = `${DIR}/node_modules/.package-lock.json`;
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(`${DIR}/package-lock.json`).mtimeMs) return;
  const npm = Bun.which("npm");
  if (!npm) throw new Error("the Fastify peer needs npm (and node 20+) on PATH");
  const run = Bun.spawnSync([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: DIR,
    env: { ...process.env },
    stdout: "pipe",
    stderr: "pipe",
  });
  if (run.exitCode !== 0) throw new Error(`npm ci in ${DIR} failed: ${run.stderr.toString()}`);
};

/**
 * Starts the Fastify peer under Node, pinned like berth, with berth's secret, database and limits;
 * with `sentry`, reporting to that DSN through @sentry/node.
 */
export const startFastifyPeer = (db: BenchDatabase, sentry?: { dsn: string; tracesSampleRate: number }) => {
  installFastifyPeer();
  const { AUTH_JWT_SECRET, DATABASE_URL, RATE_LIMIT_PER_MINUTE } = serviceEnv(db);
  const env = { AUTH_JWT_SECRET, DATABASE_URL, RATE_LIMIT_PER_MINUTE, POOL_MAX: "10", NODE_ENV: "production" };
  if (!sentry) return spawnServer([NODE, `${DIR}/server.js`], env, { readyPath: "/readyz" });
  return spawnServer(
    [NODE, "--import", `${DIR}/instrument.js`, `${DIR}/server.js`],
    { ...env, SENTRY_DSN: sentry.dsn, SENTRY_TRACES_SAMPLE_RATE: String(sentry.tracesSampleRate) },
    { readyPath: "/readyz" },
  );
};
