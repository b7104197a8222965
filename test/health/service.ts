import { tokenFor } from "../api/app";
import type { RunningService } from "../support/process";

/** Secrets of the production-mode services these suites start. */
export const OPS_TOKEN = "ops-token-for-tests-0123456789abcdef";
export const JWT_SECRET = "jwt-secret-for-tests-0123456789abcdef";

/** Bearer and JSON headers for a user of a service signed with JWT_SECRET. */
export const userHeaders = async (sub: string) => ({
  Authorization: `Bearer ${await tokenFor(sub, { secret: JWT_SECRET })}`,
  "Content-Type": "application/json",
});

export const OPERATOR = { Authorization: `Bearer ${OPS_TOKEN}` };

export interface Timed {
  res: Response;
  body: unknown;
  ms: number;
}

/** One request to a running service, with its status, parsed body and how long it took. */
export const call = async (
  svc: RunningService,
  path: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<Timed> => {
  const started = performance.now();
  const res = await fetch(svc.url + path, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  const ms = performance.now() - started;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { res, body, ms };
};

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
export const eventually = async (what: string, check: () => Promise<boolean>, timeoutMs = 15_000) => {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await Bun.sleep(100);
  }
};

/** The p-th percentile (0–100) of some samples. */
export const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
};

/** A URL with its host and port replaced, to send a client through a proxy. */
export const through = (url: string, address: string) => {
  const u = new URL(url);
  u.host = address;
  return u.toString();
};

/** The host and port a service URL points at. */
export const targetOf = (url: string) => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || (u.protocol.startsWith("redis") ? 6379 : 5432)) };
};
