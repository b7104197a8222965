import { connect } from "node:net";
import { RedisClient } from "bun";
import { dialFailureHint, errorCode } from "../errors/network";
import { INCREMENT_SCRIPT } from "./scripts";
import { type Cache, CacheUnavailableError, type RedisCacheOptions } from "./types";

// Bun's client reports every failed dial (refused, unknown host, timed out, TLS) as "Connection
// closed"; a plain TCP dial to the same address tells them apart. Resolves with its error, or
// undefined when TCP connects and the Redis handshake must be what failed.
const tcpDial = (url: string, timeoutMs: number) =>
  new Promise<Error | undefined>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(port || 6379) });
    const done = (error?: Error) => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(timeoutMs, () => done(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    socket.once("connect", () => done());
    socket.once("error", done);
  });

const HANDSHAKE_FAILED =
  "the server accepts TCP but did not complete the Redis handshake: check redis:// against rediss://, the password, and that Redis listens there";

/** Why a dial failed, in words a person can act on; the TCP error, when there is one, becomes the cause. */
const explainDialFailure = async (error: unknown, url: string, timeoutMs: number) => {
  if (!(error instanceof Error) || errorCode(error) !== "ERR_REDIS_CONNECTION_CLOSED")
    return new CacheUnavailableError(`redis unreachable: ${(error as Error)?.message ?? error}`, { cause: error });
  const tcp = await tcpDial(url, timeoutMs);
  const why = tcp ? (dialFailureHint(tcp) ?? tcp.message) : HANDSHAKE_FAILED;
  return new CacheUnavailableError(`redis unreachable: ${why}`, { cause: tcp ?? error });
};

/**
 * Redis over TCP with Bun's built-in client, which we dial ourselves: Bun's own reconnect
 * gives up after `maxRetries` and never re-dials after an idle or connect timeout. Commands
 * are never queued while disconnected; at most one dial runs at a time and, after one fails,
 * calls fail at once (with that dial's reason) until `redialDelayMs` has passed, so an outage never
 * holds a request.
 */
export const redisCache = (
  url: string,
  { connectTimeoutMs = 1000, commandTimeoutMs = 1000, redialDelayMs = 1000 }: RedisCacheOptions = {},
): Cache => {
  const client = new RedisClient(url, {
    connectionTimeout: connectTimeoutMs,
    enableOfflineQueue: false,
    autoReconnect: false,
  });
  let dialling: Promise<void> | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;
  let lastFailure: CacheUnavailableError | undefined;
  let generation = 0;
  let closed = false;

  const dial = () =>
    client.connect().then(
      () => {
        generation += 1;
      },
      async (error: unknown) => {
        failedAt = Date.now();
        lastFailure = await explainDialFailure(error, url, connectTimeoutMs);
        throw lastFailure;
      },
    );

  const ready = async () => {
    if (closed) throw new CacheUnavailableError("redis cache is closed");
    if (client.connected) return;
    if (!dialling) {
      const waitMs = failedAt + redialDelayMs - Date.now();
      if (waitMs > 0) {
        const why = lastFailure?.message ?? "redis unreachable";
        throw new CacheUnavailableError(`${why}; next dial in ${Math.ceil(waitMs)} ms`, { cause: lastFailure?.cause });
      }
      dialling = dial().finally(() => {
        dialling = undefined;
      });
    }
    await dialling;
  };

  const send = async (command: string, args: string[]) => {
    await ready();
    // A connection that stops answering (a blackholed route, a frozen server) keeps `connected`
    // true and leaves every reply pending forever. Closing it rejects them all and makes the
    // next call dial again; the generation keeps a late timer off a newer connection.
    const sentOn = generation;
    const timer = setTimeout(() => {
      if (sentOn === generation && client.connected) client.close();
    }, commandTimeoutMs);
    try {
      return await client.send(command, args);
    } finally {
      clearTimeout(timer);
    }
  };

  const px = (ms: number) => String(Math.max(1, Math.ceil(ms)));

  return {
    backend: "redis",
    async get(key) {
      const value = await send("GET", [key]);
      return value === null || value === undefined ? null : String(value);
    },
    async set(key, value, ttlMs) {
      await send("SET", [key, value, "PX", px(ttlMs)]);
    },
    async add(key, value, ttlMs) {
      return (await send("SET", [key, value, "PX", px(ttlMs), "NX"])) === "OK";
    },
    async delete(key) {
      await send("DEL", [key]);
    },
    async increment(key, windowMs) {
      const [count, ttl] = (await send("EVAL", [INCREMENT_SCRIPT, "1", key, px(windowMs)])) as [number, number];
      return { count: Number(count), resetMs: Number(ttl) };
    },
    async close() {
      closed = true;
      client.close();
    },
  };
};
