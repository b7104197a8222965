import { isIP, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

/** What postgres.js passes its `socket` option: the parsed hosts and ports, or a unix socket path. */
interface SocketTarget {
  host: string[];
  port: number[];
  path?: string | false;
}

export interface WatchedSocketOptions {
  ssl: "disable" | "require" | "verify-full";
  /** DATABASE_TIMEOUT_MS: how long a connection may owe a reply before it is given up. */
  silenceMs: number;
  /**
   * False for the migration connection, whose statements may run longer than any deadline: TLS
   * is still negotiated here (so a refusal reads the same) and its handshake still bounded.
   */
  watchReplies?: boolean;
}

// Int32 length 8, Int32 80877103: "I would like to talk TLS".
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

const silenceError = (ms: number) =>
  Object.assign(new Error(`no reply from the database for ${ms} ms; closing the connection`), { code: "ETIMEDOUT" });

/**
 * Destroys `socket` when it has sent something and hears nothing back for `silenceMs`. Every
 * write starts the clock unless it runs already; any byte from the server stops it.
 */
const watchSilence = (socket: Socket, silenceMs: number) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]) => {
    timer ??= setTimeout(() => socket.destroy(silenceError(silenceMs)), silenceMs);
    return write(...args);
  }) as Socket["write"];
  socket.on("data", stop);
  socket.once("close", stop);
  return socket;
};

const firstByte = (socket: Socket) =>
  new Promise<number>((resolve, reject) => {
    const fail = (error?: Error) => reject(error ?? new Error("the database closed the connection during TLS setup"));
    socket.once("error", fail);
    socket.once("close", () => fail());
    socket.once("data", (chunk: Buffer) => {
      socket.off("error", fail);
      socket.off("close", fail);
      resolve(chunk[0] ?? 0);
    });
  });

const secureConnected = (socket: Socket, timeoutMs: number) =>
  new Promise<void>((resolve, reject) => {
    // The handshake runs below the watched layer, so it gets its own deadline.
    const timer = setTimeout(() => socket.destroy(silenceError(timeoutMs)), timeoutMs);
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * The postgres.js `socket` option for the app's pool: a connection that owes a reply and stays
 * silent for DATABASE_TIMEOUT_MS is destroyed (ETIMEDOUT). postgres.js itself only times out
 * connecting, so a connection whose peer vanished without closing it (a partition, a hung proxy)
 * would hold its queries, and its pool slot, forever; this way its queries fail as "unavailable"
 * and the next query dials a fresh connection. TLS is negotiated here (postgres.js gets `ssl:
 * false`) so the watched socket is the one the protocol runs on. Not for long COPY uploads or
 * statements that legitimately run longer than the deadline: migrations use their own connection.
 *
 * @example
 * postgres(url, { ssl: false, socket: watchedSocket({ ssl: "require", silenceMs: 3000 }) });
 */
export const watchedSocket = ({ ssl, silenceMs, watchReplies = true }: WatchedSocketOptions) => {
  const watched = (socket: Socket) => (watchReplies ? watchSilence(socket, silenceMs) : socket);
  let next = 0;
  return async (target: SocketTarget): Promise<Socket> => {
    const i = next++ % Math.max(1, target.host.length);
    const host = target.host[i] ?? "localhost";
    const port = target.port[i] ?? target.port[0] ?? 5432;
    const raw = watched(target.path ? netConnect(target.path) : netConnect(port, host));
    if (ssl === "disable") return raw;

    raw.write(SSL_REQUEST);
    if ((await firstByte(raw)) !== 0x53 /* S */) {
      raw.destroy();
      // The code postgres.js gives the same refusal, so one explanation covers both connections.
      throw Object.assign(new Error("the database server does not accept TLS"), { code: "SSL_NOT_SUPPORTED" });
    }
    const secure = tlsConnect({
      socket: raw,
      host,
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: ssl === "verify-full",
    });
    await secureConnected(secure, silenceMs);
    return watched(secure);
  };
};
