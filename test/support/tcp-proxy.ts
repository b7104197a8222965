import { type AddressInfo, createServer, connect as netConnect, type Socket } from "node:net";

/**
 * - `forward`: every byte goes through (after `delayMs`, when set).
 * - `closed`: the database is down: new connections are refused, open ones are reset.
 * - `blackhole`: a partition: connections are accepted but nothing is forwarded either way, and
 *   bytes sent meanwhile are lost (so a connection that lived through it stays out of step).
 * `closed` stops listening and `forward`/`blackhole` listen again on the same port, so a client
 * can be pointed at the proxy once and see its service go away and come back.
 */
export type ProxyMode = "forward" | "closed" | "blackhole";

export type Direction = "up" | "down";

export interface ProxyStats {
  /** Connections accepted since the start (refused ones are not accepted). */
  connections: number;
  /** Connections open now. */
  active: number;
  /** Bytes forwarded client → target and target → client. */
  bytesUp: number;
  bytesDown: number;
}

export interface TcpProxy {
  readonly port: number;
  readonly mode: ProxyMode;
  readonly stats: ProxyStats;
  /** `host:port` of the proxy, to put in a URL in place of the target's. */
  readonly address: string;
  setMode(mode: ProxyMode): Promise<void>;
  /** Holds every forwarded chunk this long (both directions, order kept): slows requests down. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  /** Without one the proxy is a server that accepts and never answers (mode `blackhole`). */
  target?: { host: string; port: number };
  /** Defaults to `forward`, or `blackhole` without a target. */
  mode?: ProxyMode;
  delayMs?: number;
  /** Sees every forwarded chunk, with the id of its connection; for protocol-level counting. */
  tap?: (direction: Direction, connectionId: number, chunk: Buffer) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A TCP proxy on 127.0.0.1 that a test controls: forward, refuse (closed) or swallow (blackhole)
 * traffic to a real service, count connections and bytes, and delay traffic. The caller closes
 * it (register that at describe level: an `afterAll` inside a `beforeAll` runs too early).
 *
 * @example
 * const proxy = await startTcpProxy({ target: { host: "127.0.0.1", port: 5432 } });
 * const url = `postgres://postgres@${proxy.address}/db`;
 * await proxy.setMode("blackhole");
 * const silent = await startTcpProxy({}); // accepts every connection, never answers
 */
export const startTcpProxy = async ({
  target,
  mode: initialMode = target ? "forward" : "blackhole",
  delayMs: initialDelay = 0,
  tap,
}: TcpProxyOptions): Promise<TcpProxy> => {
  // Without a target there is nowhere to forward to; say so rather than silently swallow.
  const canEnter = (next: ProxyMode) => {
    if (next === "forward" && !target) throw new Error("a tcp proxy without a target cannot forward");
  };
  canEnter(initialMode);
  let mode = initialMode;
  let delayMs = initialDelay;
  let nextId = 0;
  const stats: ProxyStats = { connections: 0, active: 0, bytesUp: 0, bytesDown: 0 };
  const open = new Set<Socket>();

  const track = (socket: Socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  };

  // Forwards one direction. Each chunk is written at its arrival time + delay, in arrival order.
  const relay = (from: Socket, to: Socket, direction: Direction, id: number) => {
    let queue = Promise.resolve();
    let pending = 0;
    from.on("data", (chunk: Buffer) => {
      if (mode !== "forward") return;
      if (direction === "up") stats.bytesUp += chunk.length;
      else stats.bytesDown += chunk.length;
      tap?.(direction, id, chunk);
      if (delayMs === 0 && pending === 0) {
        to.write(chunk);
        return;
      }
      const due = performance.now() + delayMs;
      pending++;
      queue = queue.then(async () => {
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        pending--;
        if (!to.destroyed) to.write(chunk);
      });
    });
    from.on("end", () => void queue.then(() => to.end()));
  };

  const server = createServer({ pauseOnConnect: false }, (client) => {
    stats.connections++;
    stats.active++;
    client.once("close", () => stats.active--);
    client.on("error", () => client.destroy());
    track(client);
    if (mode === "blackhole" || !target) {
      // Accepted, never forwarded: the client waits for an answer that never comes.
      client.on("data", () => {});
      return;
    }
    const id = nextId++;
    const upstream = netConnect(target.port, target.host);
    track(upstream);
    upstream.on("error", () => client.resetAndDestroy());
    upstream.once("close", () => client.destroy());
    client.once("close", () => upstream.destroy());
    relay(client, upstream, "up", id);
    relay(upstream, client, "down", id);
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  let listening = true;
  if (mode === "closed") {
    server.close();
    listening = false;
  }

  const proxy: TcpProxy = {
    port,
    address: `127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    stats,
    async setMode(next) {
      canEnter(next);
      mode = next;
      if (next === "closed") {
        for (const socket of open) socket.resetAndDestroy();
        if (listening) server.close();
        listening = false;
      } else if (!listening) {
        await listen(port);
        listening = true;
      }
    },
    setDelay(ms) {
      delayMs = ms;
    },
    async close() {
      for (const socket of open) socket.destroy();
      if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      listening = false;
    },
  };
  return proxy;
};
