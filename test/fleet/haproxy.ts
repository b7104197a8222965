import { afterAll } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../support/db";
import { freePort } from "../support/process";

/** A machine's place behind the proxy: the ports the machine in it listens on. */
export interface Slot {
  name: string;
  port: number;
  opsPort: number;
}

export interface PlatformProxy {
  /** Where clients send requests. */
  url: string;
  /** The backend server's state as HAProxy's stats report it: `UP`, `DOWN`, `UP 1/2`, … */
  state: (slot: Slot) => Promise<string>;
  /** Resolves with performance.now() at the first poll that sees `slot` in (or out of) rotation. */
  until: (slot: Slot, inRotation: boolean, timeoutMs?: number) => Promise<number>;
  output: () => string;
}

// What Fly's proxy does, in HAProxy's words: an active check of /readyz every second decides
// who is in rotation (one failed check takes a machine out, one passing check puts it back),
// requests go round robin among those, and only a connection that could not be made is retried,
// on another machine. A request a machine accepted is never replayed.
const config = (port: number, statsPort: number, slots: Slot[]) => `
global
  maxconn 2000

defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout check 1s
  retries 3
  retry-on conn-failure
  option redispatch 1

frontend app
  bind 127.0.0.1:${port}
  default_backend machines

frontend stats
  bind 127.0.0.1:${statsPort}
  stats enable
  stats uri /stats

backend machines
  balance roundrobin
  option httpchk
  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host machine
  http-check expect status 200
  default-server inter 1s fall 1 rise 1
${slots.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check`).join("\n")}
`;

/** Free ports for `count` machines, named m1, m2, … */
export const slots = async (count: number): Promise<Slot[]> =>
  Promise.all(
    Array.from({ length: count }, async (_, i) => ({
      name: `m${i + 1}`,
      port: await freePort(),
      opsPort: await freePort(),
    })),
  );

/** Starts HAProxy (the Debian package's binary) in front of `slots`; stopped by PID after the file. */
export const startProxy = async (machines: Slot[]): Promise<PlatformProxy> => {
  const [port, statsPort] = [await freePort(), await freePort()];
  const file = join(tempDir("berth-haproxy-"), "haproxy.cfg");
  writeFileSync(file, config(port, statsPort, machines));
  const proc = Bun.spawn(["/usr/sbin/haproxy", "-db", "-f", file], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  let text = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  afterAll(async () => {
    proc.kill("SIGTERM");
    await proc.exited;
  });

  const stats = `http://127.0.0.1:${statsPort}/stats;csv`;
  const state = async (slot: Slot) => {
    const [header = "", ...rows] = (await (await fetch(stats)).text()).split("\n");
    const column = header.replace(/^# /, "").split(",").indexOf("status");
    const row = rows.map((line) => line.split(",")).find((cells) => cells[0] === "machines" && cells[1] === slot.name);
    return row?.[column] ?? "absent";
  };
  const until = async (slot: Slot, inRotation: boolean, timeoutMs = 20_000) => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const now = performance.now();
      if ((await state(slot)).startsWith("UP") === inRotation) return now;
      if (now > deadline) throw new Error(`${slot.name} still ${await state(slot)} after ${timeoutMs} ms:\n${text}`);
      await Bun.sleep(20);
    }
  };

  const deadline = performance.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`haproxy exited ${proc.exitCode}:\n${text}`);
    if (await state(machines[0] as Slot).catch(() => undefined)) break;
    if (performance.now() > deadline) throw new Error(`haproxy did not start:\n${text}`);
    await Bun.sleep(50);
  }
  return { url: `http://127.0.0.1:${port}`, state, until, output: () => text };
};
