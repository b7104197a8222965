import type { Env } from "../config";
import type { CliIo } from ".";

interface HealthcheckOptions {
  url?: string;
  path?: string;
  retries: number;
  intervalSeconds: number;
  expectHealthy: boolean;
}

const attempt = async (target: string, expectHealthy: boolean, timeoutMs: number): Promise<string | undefined> => {
  try {
    const res = await fetch(target, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: "application/json" },
    });
    if (!res.ok) return `${target} answered ${res.status}`;
    if (!expectHealthy) return undefined;
    const body = (await res.json().catch(() => undefined)) as { healthy?: unknown } | undefined;
    return body?.healthy === true ? undefined : `${target} answered 200 but "healthy" is not true`;
  } catch (error) {
    return `${target}: ${(error as Error).message}`;
  }
};

/**
 * `healthcheck`: GETs the service until it passes or the retries run out. The Docker
 * HEALTHCHECK and the deploy verification use it, so the image needs no curl.
 */
export const healthcheckCommand = async (env: Env, o: HealthcheckOptions, io: CliIo): Promise<number> => {
  const base = o.url ?? `http://127.0.0.1:${env.PORT || "8080"}`;
  const target = new URL(o.path ?? (o.expectHealthy ? "/health" : "/livez"), base).toString();
  const timeoutMs = Math.max(1000, Math.min(10_000, o.intervalSeconds * 1000 || 5000));
  for (let i = 0; i <= o.retries; i++) {
    const failure = await attempt(target, o.expectHealthy, timeoutMs);
    if (!failure) {
      io.out(`healthy: ${target}`);
      return 0;
    }
    io.err(`attempt ${i + 1}/${o.retries + 1}: ${failure}`);
    if (i < o.retries) await new Promise((r) => setTimeout(r, o.intervalSeconds * 1000));
  }
  return 1;
};
