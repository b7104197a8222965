import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface WrkResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Connect, read and write errors. */
  errors: number;
  /** Requests that got no response within wrk's 10 s timeout. */
  timeouts: number;
  non2xx: number;
}

/** True when wrk is on PATH; the bench explains how to install it otherwise. */
export const hasWrk = () => Bun.which("wrk") !== null;
const hasTaskset = () => Bun.which("taskset") !== null;

/** The command prefix that pins a process to one core, when taskset exists and there are two. */
export const pinTo = (core: number): string[] =>
  hasTaskset() && navigator.hardwareConcurrency >= 2 ? ["taskset", "-c", String(core)] : [];

/**
 * The command prefix that starts a process in a session of its own, when setsid exists. Linux
 * shares a CPU fairly between sessions first (autogroup) and spreads a session's share over the
 * cores it is busy on, so a server in the bench's session, with wrk busy on core 1, got less of
 * core 0 the faster it answered: berth measured at 0.3–0.5 of the core while the Fastify peer
 * got 0.7–0.9. A session of its own gives every stack core 0 on the same terms.
 */
export const ownSession = (): string[] => (Bun.which("setsid") ? ["setsid"] : []);

const parseLatency = (text: string, label: string) => {
  const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, "m").exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
};

/** Bearer tokens, one a line in `file`, sent one per request from line `offset + 1` on, wrapping. */
export interface TokenPool {
  file: string;
  size: number;
  offset: number;
}

const headerScript = (headers: Record<string, string>, tokens?: TokenPool) => {
  const fixed = Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  if (!tokens) return fixed.join("\n");
  // Read once per thread; each request takes the next token, so no two requests of a run share
  // one until the pool wraps.
  return [
    ...fixed,
    "local tokens = {}",
    `for line in io.lines(${JSON.stringify(tokens.file)}) do tokens[#tokens + 1] = "Bearer " .. line end`,
    `local next = ${tokens.offset}`,
    "request = function()",
    "  next = next % #tokens + 1",
    '  wrk.headers["Authorization"] = tokens[next]',
    "  return wrk.format()",
    "end",
  ].join("\n");
};

/**
 * Runs wrk on core 1 against `url` for `seconds`, bounded by a hard timeout; parses throughput,
 * latency percentiles and errors.
 */
export const wrk = async (
  url: string,
  {
    seconds,
    connections = 64,
    headers = {},
    tokens,
  }: { seconds: number; connections?: number; headers?: Record<string, string>; tokens?: TokenPool },
): Promise<WrkResult> => {
  const script = join(tmpdir(), `berth-wrk-${process.pid}-${Math.random().toString(36).slice(2)}.lua`);
  writeFileSync(script, headerScript(headers, tokens));
  const proc = Bun.spawn(
    [
      ...pinTo(1),
      "wrk",
      "-t1",
      `-c${connections}`,
      `-d${Math.max(1, Math.round(seconds))}s`,
      "--latency",
      "--timeout",
      "10s",
      "-s",
      script,
      url,
    ],
    { stdout: "pipe", stderr: "pipe", timeout: (seconds + 30) * 1000 },
  );
  const [text, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  rmSync(script, { force: true });
  if (code !== 0) throw new Error(`wrk exited ${code}: ${err || text}`);
  const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? 0);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  // Timeouts are kept apart: on a loaded machine a slow stack times out, which is its result.
  const errors = socketErrors ? socketErrors.slice(1, 4).reduce((sum, n) => sum + Number(n), 0) : 0;
  const timeouts = Number(socketErrors?.[4] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  return { requests, rps, p50Ms: parseLatency(text, "50"), p99Ms: parseLatency(text, "99"), errors, timeouts, non2xx };
};

/**
 * Sends at least `requests` requests in short wrk runs (wrk itself can only stop on time), within
 * `maxSeconds`; resolves with how many were sent.
 */
export const wrkRequests = async (
  url: string,
  {
    requests,
    connections = 64,
    headers = {},
    chunkSeconds = 2,
    maxSeconds = 300,
  }: {
    requests: number;
    connections?: number;
    headers?: Record<string, string>;
    chunkSeconds?: number;
    maxSeconds?: number;
  },
) => {
  let sent = 0;
  const deadline = Date.now() + maxSeconds * 1000;
  while (sent < requests && Date.now() < deadline) {
    sent += (await wrk(url, { seconds: chunkSeconds, connections, headers })).requests;
  }
  return sent;
};
