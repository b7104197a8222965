import { readFileSync } from "node:fs";
import { freePort } from "../test/support/ports";
import { ownSession, pinTo } from "./wrk";

export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

export interface Server {
  pid: number;
  url: string;
  port: number;
  /** Resident set size in bytes, read from /proc. */
  rss: () => number;
  stop: () => Promise<void>;
}

/** Resident set size of a process in bytes, from /proc/<pid>/status. */
export const rssOf = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : Number.NaN;
};

// Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ): 100 on every Linux build
// we know of, asked once all the same.
let ticksPerSecond: number | undefined;
const userHz = () => {
  ticksPerSecond ??= Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;
  return ticksPerSecond;
};

/** CPU time (user + system) a process has used, in seconds, from /proc/<pid>/stat. */
export const cpuSecondsOf = (pid: number) => {
  // Fields after the command name, which is parenthesised and may hold spaces: utime is the
  // 14th field of the line, stime the 15th.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / userHz();
};

/**
 * Starts a server pinned to core 0, in a session of its own, on a free port and waits until
 * `readyPath` answers 200; resolves with the time that took. Killed on stop, or when the bench exits.
 */
export const spawnServer = async (
  command: string[],
  env: Record<string, string>,
  { readyPath = "/", timeoutMs = 30_000, pollMs = 20 } = {},
): Promise<Server & { startMs: number }> => {
  const port = await freePort();
  const started = performance.now();
  const proc = Bun.spawn([...ownSession(), ...pinTo(0), ...command], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      HOST: "127.0.0.1",
      ...env,
      PORT: String(port),
    },
    stdout: "ignore",
    stderr: "pipe",
    stdin: "ignore",
  });
  // Drained as it is written, keeping the tail for an error: a full pipe would stall a server
  // that writes to stderr under load.
  let stderr = "";
  const drained = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) stderr = (stderr + decoder.decode(chunk)).slice(-8192);
  })();
  const stop = async () => {
    if (proc.exitCode === null) {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await proc.exited;
      clearTimeout(timer);
    }
  };
  process.once("exit", () => proc.exitCode === null && proc.kill("SIGKILL"));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) {
      await drained; // the last of its stderr
      throw new Error(`${command.join(" ")} exited ${proc.exitCode}: ${stderr}`);
    }
    try {
      if ((await fetch(url + readyPath, { signal: AbortSignal.timeout(1000) })).status === 200) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${command.join(" ")} not ready on ${url}${readyPath} within ${timeoutMs} ms`);
    }
    await Bun.sleep(pollMs);
  }
  return { pid: proc.pid, url, port, startMs: performance.now() - started, rss: () => rssOf(proc.pid), stop };
};
