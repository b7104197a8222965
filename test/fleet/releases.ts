import { readFileSync } from "node:fs";
import { join } from "node:path";
import { releaseCommand } from "../deploy/platforms";
import { type CliResult, ROOT } from "../support/process";
import type { Slot } from "./haproxy";

/** One machine of a release, as the platform sees it: a process it can stop and read the logs of. */
export interface Machine {
  /** Stops it as the platform does (SIGTERM, SIGKILL after the kill timeout); resolves with its exit code. */
  stop: () => Promise<number>;
  /** Everything it printed so far. */
  logs: () => Promise<string>;
}

/**
 * One release of the service as the fleet runs it: what its image holds, and how to run a command
 * of it or start a machine from it.
 */
export interface Release {
  name: string;
  /** The migrations this release ships. */
  migrations: string;
  /** Runs one of the release's commands to completion, as the platform's release step would. */
  run: (argv: string[], env: Record<string, string>) => Promise<CliResult & { output: string }>;
  /** Starts a machine of this release in `slot` with the image's CMD; resolves once it is ready. */
  start: (slot: Slot, env: Record<string, string>) => Promise<Machine>;
}

/** The image's CMD, read from the Dockerfile's exec-form `CMD [...]` line. */
const imageCmd = (): string[] => {
  const line = readFileSync(join(ROOT, "Dockerfile"), "utf8").match(/^CMD (\[.*\])$/m);
  if (!line?.[1]) throw new Error("the Dockerfile has no exec-form CMD");
  return JSON.parse(line[1]);
};
/** The command every machine of a release starts with. */
export const CMD = imageCmd();
/** How the image starts its entry (`bun dist/bun/server/index.js`), for `migrate status` and the like. */
export const entry = CMD.slice(0, CMD.indexOf("serve"));

/** The platforms' release step, exactly as fly.toml and railway.toml state it. */
export const RELEASE_STEP = ["/bin/sh", "-c", releaseCommand()];
