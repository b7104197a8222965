import { describe, expect, test } from "bun:test";
import { runtimes } from "./runtimes";

/** Sends `request` as raw bytes and resolves with the status code of the response. */
const rawStatus = (url: string, request: string) => {
  const { hostname, port } = new URL(url);
  return new Promise<number>((resolve, reject) => {
    let response = "";
    Bun.connect({
      hostname,
      port: Number(port),
      socket: {
        open: (socket) => {
          socket.write(request);
        },
        data: (_, chunk) => {
          response += chunk.toString();
        },
        close: () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0)),
        error: (_, error) => reject(error),
      },
    });
  });
};

// HTTP/1.0 without Host is what HAProxy's default `option httpchk GET /readyz` and old clients
// send; a load balancer checking that way must see the service as ready.
for (const runtime of runtimes.filter((r) => r.name === "bun" || r.name === "node")) {
  const service = await runtime.start({ APP_MODE: "test", PGLITE_DIR: "memory://", OPS_PORT: "0" });
  describe(`${runtime.name}: HTTP/1.0 without a Host header`, () => {
    test.each([
      ["GET /readyz", 200],
      ["GET /livez", 200],
      ["GET /v1/notes", 401],
    ])("%s HTTP/1.0 is routed: %d", async (line, status) => {
      expect(await rawStatus(service.url, `${line} HTTP/1.0\r\n\r\n`)).toBe(status);
    });
  });
}
