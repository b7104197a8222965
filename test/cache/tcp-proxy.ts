import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy on 127.0.0.1 that a test can break the ways a network breaks: `close` refuses new
 * connections and resets the open ones (the service is down), `blackhole` keeps accepting but
 * forwards nothing on any connection, open or new (a dead route), `forward` heals new connections.
 * With no target it is a plain blackhole: it accepts and never answers.
 */
export interface TcpProxy {
  port: number;
  url: (scheme: string) => string;
  /** Connections accepted so far, to show a client dialled again. */
  accepted: () => number;
  blackhole: () => void;
  forward: () => void;
  close: () => Promise<void>;
  /** Listens again on the same port. */
  reopen: () => Promise<void>;
}

interface Link {
  client: Socket;
  upstream?: Socket;
  frozen: boolean;
}

/** Starts a proxy to `target` (or a blackhole without one); the caller closes it. */
export const startTcpProxy = async (target?: { host: string; port: number }): Promise<TcpProxy> => {
  const links = new Set<Link>();
  let forwarding = Boolean(target);
  let accepted = 0;
  let server: Server | undefined;
  let port = 0;

  const accept = (client: Socket) => {
    accepted += 1;
    const link: Link = { client, frozen: !forwarding };
    links.add(link);
    client.on("error", () => {});
    client.on("close", () => {
      link.upstream?.destroy();
      links.delete(link);
    });
    if (!target || link.frozen) return;
    const upstream = connect(target.port, target.host);
    link.upstream = upstream;
    upstream.on("error", () => {});
    upstream.on("close", () => client.destroy());
    client.on("data", (chunk) => {
      if (!link.frozen) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!link.frozen) client.write(chunk);
    });
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer(accept);
      next.once("error", reject);
      next.listen(port, "127.0.0.1", () => {
        const address = next.address();
        port = typeof address === "object" && address ? address.port : port;
        server = next;
        resolve();
      });
    });

  const close = () =>
    new Promise<void>((resolve) => {
      for (const link of links) {
        link.client.destroy();
        link.upstream?.destroy();
      }
      links.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });

  await listen();
  return {
    port,
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    accepted: () => accepted,
    blackhole: () => {
      forwarding = false;
      for (const link of links) link.frozen = true;
    },
    forward: () => {
      forwarding = Boolean(target);
    },
    close,
    reopen: listen,
  };
};
