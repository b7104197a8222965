import type { Direction } from "./tcp-proxy";

const UNTYPED = new Set([80877103 /* SSLRequest */, 80877102 /* CancelRequest */, 80877104 /* GSSENCRequest */]);

/**
 * Counts Postgres round trips in the client → server stream a TcpProxy forwards: every simple
 * `Query` ('Q') and every extended-protocol `Sync` ('S') ends one. Plaintext connections only.
 *
 * @example
 * const counter = pgRoundTrips();
 * const proxy = await startTcpProxy({ target, tap: counter.tap });
 * counter.count; // round trips so far
 */
export const pgRoundTrips = () => {
  const streams = new Map<number, { buffer: Buffer; started: boolean }>();
  let count = 0;
  const tap = (direction: Direction, id: number, chunk: Buffer) => {
    if (direction !== "up") return;
    const stream = streams.get(id) ?? { buffer: Buffer.alloc(0), started: false };
    streams.set(id, stream);
    stream.buffer = Buffer.concat([stream.buffer, chunk]);
    for (;;) {
      const buf = stream.buffer;
      if (!stream.started) {
        // Startup-phase messages carry no type byte: Int32 length, Int32 code.
        if (buf.length < 8) return;
        const length = buf.readInt32BE(0);
        if (buf.length < length) return;
        if (!UNTYPED.has(buf.readInt32BE(4))) stream.started = true;
        stream.buffer = buf.subarray(length);
        continue;
      }
      if (buf.length < 5) return;
      const length = buf.readInt32BE(1) + 1;
      if (buf.length < length) return;
      const type = String.fromCharCode(buf[0] ?? 0);
      if (type === "Q" || type === "S") count++;
      stream.buffer = buf.subarray(length);
    }
  };
  return {
    tap,
    get count() {
      return count;
    },
  };
};
