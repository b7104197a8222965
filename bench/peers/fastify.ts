import { existsSync, readFileSync } from "node:fs";
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
  if (existsSync(installed) && readFileSync(installed, "utf8").includes('"fastify"')) return;
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

/** Starts the Fastify peer under Node, pinned like berth, with berth's secret, database and limits. */
export const startFastifyPeer = (db: BenchDatabase) => {
  installFastifyPeer();
  const { AUTH_JWT_SECRET, DATABASE_URL, RATE_LIMIT_PER_MINUTE } = serviceEnv(db);
  return spawnServer(
    [NODE, `${DIR}/server.js`],
    { AUTH_JWT_SECRET, DATABASE_URL, RATE_LIMIT_PER_MINUTE, POOL_MAX: "10", NODE_ENV: "production" },
    { readyPath: "/readyz" },
  );
};
