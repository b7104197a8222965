import type { Env } from "../config";
import type { CliIo } from "./io";

interface HealthcheckOptions {
  url?: string;
  path?: string;
  retries: number;
  intervalSeconds: number;
  expectHealthy: boolean;
}

// One attempt may take this long: /health itself answers within HEALTH_CHECK_TIMEOUT_MS (2 s by
// default), so this leaves room without letting a hung service stall the caller.
const ATTEMPT_TIMEOUT_MS = 5000;

/** `URL + P`, as documented: the path is appended to whatever path the URL already has. */
export const healthcheckTarget = (env: Env, o: Pick<HealthcheckOptions, "url" | "path" | "expectHealthy">) => {
  const base = (o.url ?? `http://127.0.0.1:${env.PORT || "8080"}`).replace(/\/+$/, "");
  return base + (o.path ?? (o.expectHealthy ? "/health" : "/livez"));
};

/** Why one attempt failed, or undefined when it passed. */
const attempt = async (target: string, expectHealthy: boolean): Promise<string | undefined> => {
  try {
    const res = await fetch(target, {
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      headers: { accept: "application/json" },
    });
    const text = await res.text();
    if (!res.ok) return `${target} answered ${res.status}`;
    if (!expectHealthy) return undefined;
    let healthy: unknown;
    try {
      healthy = (JSON.parse(text) as { healthy?: unknown }).healthy;
    } catch {
      return `${target} answered 200 but not with JSON`;
    }
    return healthy === true ? undefined : `${target} answered 200 but "healthy" is ${JSON.stringify(healthy)}`;
  } catch (error) {
    return `${target}: ${(error as Error).message}`;
  }
};

/**
 * `healthcheck`: GETs the service until it passes or the retries run out; exit 0 healthy, 1
 * not. The Docker HEALTHCHECK and the deploy verification use it, so the image needs no curl.
 */
export const healthcheckCommand = async (env: Env, o: HealthcheckOptions, io: CliIo): Promise<number> => {
  const target = healthcheckTarget(env, o);
  for (let i = 0; i <= o.retries; i++) {
    const failure = await attempt(target, o.expectHealthy);
    if (!failure) {
      io.out(`healthy: ${target}`);
      return 0;
    }
    io.err(`attempt ${i + 1}/${o.retries + 1}: ${failure}`);
    if (i < o.retries) await new Promise((r) => setTimeout(r, o.intervalSeconds * 1000));
  }
  return 1;
};
