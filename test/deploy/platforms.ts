import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/process";

export interface FlyCheck {
  path?: string;
  method?: string;
  interval?: string;
  timeout?: string;
  grace_period?: string;
}

export interface FlyService {
  internal_port: number;
  force_https?: boolean;
  min_machines_running?: number;
  auto_stop_machines?: string | boolean;
  concurrency?: { type?: string; soft_limit?: number; hard_limit?: number };
  checks?: FlyCheck[];
}

/** The parts of fly.toml the deploy tests read. */
export interface FlyConfig {
  app: string;
  kill_signal?: string;
  kill_timeout?: string | number;
  build?: { dockerfile?: string };
  deploy?: { release_command?: string; strategy?: string };
  env?: Record<string, string>;
  http_service?: FlyService;
  services?: (FlyService & { ports?: { port: number }[] })[];
  checks?: Record<string, FlyCheck & { port?: number }>;
  metrics?: { port?: number; path?: string };
  vm?: { memory?: string; cpu_kind?: string; cpus?: number }[];
}

/** The parts of railway.toml the deploy tests read. */
export interface RailwayConfig {
  build?: { builder?: string; dockerfilePath?: string };
  deploy?: {
    preDeployCommand?: string | string[];
    startCommand?: string;
    healthcheckPath?: string;
    healthcheckTimeout?: number;
    restartPolicyType?: string;
    restartPolicyMaxRetries?: number;
    numReplicas?: number;
    drainingSeconds?: number;
  };
}

const readToml = <T>(name: string) => Bun.TOML.parse(readFileSync(join(ROOT, name), "utf8")) as T;

/** fly.toml, parsed. */
export const flyConfig = () => readToml<FlyConfig>("fly.toml");

/** railway.toml, parsed. */
export const railwayConfig = () => readToml<RailwayConfig>("railway.toml");

/** Fly durations ("30s", "1m", or bare seconds) in milliseconds. */
export const flyDurationMs = (value: string | number | undefined) => {
  if (value === undefined) return undefined;
  if (typeof value === "number") return value * 1000;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new Error(`not a duration: ${value}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Number(match[1]) * unit;
};

/**
 * The release step both platforms run before a deploy goes live: Fly's release_command, which
 * must equal Railway's preDeployCommand. The image test runs exactly this string.
 */
export const releaseCommand = () => {
  const fly = flyConfig().deploy?.release_command;
  const pre = railwayConfig().deploy?.preDeployCommand;
  const railway = Array.isArray(pre) ? pre.join(" && ") : pre;
  if (!fly || fly !== railway)
    throw new Error(`fly release_command (${fly}) and railway preDeployCommand (${railway}) differ`);
  return fly;
};

/** Every path a platform probes on the API port to decide whether to route to a machine. */
export const probedPaths = () => {
  const fly = flyConfig().http_service?.checks?.map((c) => c.path ?? "/") ?? [];
  const railway = railwayConfig().deploy?.healthcheckPath;
  return { fly, railway };
};
