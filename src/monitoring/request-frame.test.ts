import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { NONCE, secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../http";
import { createLogger } from "../logger";
import { requestFrame } from "./request-frame";

const framed = (answerHeaders = secureHeaders()) => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "info", format: "json", write: (l) => lines.push(JSON.parse(l)) });
  const frame = requestFrame({ logger, answerHeaders });
  const onError = (error: Error, c: Parameters<Parameters<Hono<AppEnv>["onError"]>[0]>[1]) =>
    c.text(`mapped: ${error.message}`, 500);
  const json = frame.answers({ "Content-Type": "application/json", "Cache-Control": "no-store" });
  const app = new Hono<AppEnv>();
  app.get(
    "/alone",
    frame.alone((c) => json(c, '{"status":"pass"}', 200), onError),
  );
  app.get(
    "/alone/slow",
    frame.alone(async (c) => json(c, '{"status":"pass"}', 200), onError),
  );
  app.get(
    "/alone/throws",
    frame.alone(() => {
      throw new Error("probe broke");
    }, onError),
  );
  const layered = new Hono<AppEnv>();
  layered.use(frame.middleware);
  layered.get("/layered", (c) => c.json({ status: "pass" }, 200, { "Cache-Control": "no-store" }));
  layered.onError(onError);
  return { app, layered, frame, lines };
};

// Everything but the values that differ on every answer.
const stable = (res: Response) =>
  [...res.headers].filter(([name]) => name !== "x-request-id" && name !== "content-length").sort();

describe("request frame", () => {
  test("answers built from the prepared headers carry exactly what the frame adds to any other answer", async () => {
    const { app, layered, frame } = framed();
    await frame.ready;
    const alone = await app.request("/alone");
    const other = await layered.request("/layered");
    expect(stable(alone)).toEqual(stable(other));
    expect(stable(alone).map(([name]) => name)).toContain("x-content-type-options");
    expect(alone.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(alone.headers.get("x-request-id")).not.toBe(other.headers.get("x-request-id"));
  });

  test("before the headers are learnt, an answer still gets every header, added afterwards", async () => {
    const { app, frame } = framed();
    const early = await app.request("/alone");
    await frame.ready;
    const late = await app.request("/alone");
    expect(stable(early)).toEqual(stable(late));
    expect(early.headers.get("x-request-id")).toBeTruthy();
  });

  test("a handler that answers at once is answered without a promise; one that waits, with one", async () => {
    const { app, frame, lines } = framed();
    await frame.ready;
    const now = app.fetch(new Request("http://localhost/alone"));
    expect(now).toBeInstanceOf(Response);
    const later = app.fetch(new Request("http://localhost/alone/slow"));
    expect(later).toBeInstanceOf(Promise);
    expect((await later).status).toBe(200);
    expect(lines.map((l) => [l.route, l.status])).toEqual([
      ["/alone", 200],
      ["/alone/slow", 200],
    ]);
  });

  test("an error in a handler alone is mapped inside the frame: dressed, logged with its cause", async () => {
    const { app, frame, lines } = framed();
    await frame.ready;
    const res = await app.request("/alone/throws");
    expect(res.status).toBe(500);
    expect(await res.text()).toBe("mapped: probe broke");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "error",
      route: "/alone/throws",
      status: 500,
      error: "Error: probe broke",
    });
  });

  test("headers that change on every answer (a CSP nonce) are never prepared once", async () => {
    const { app, frame } = framed(secureHeaders({ contentSecurityPolicy: { scriptSrc: [NONCE] } }));
    await frame.ready;
    const [first, second] = [await app.request("/alone"), await app.request("/alone")];
    const nonce = (res: Response) => /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonce(first)).toBeTruthy();
    expect(nonce(second)).toBeTruthy();
    expect(nonce(first)).not.toBe(nonce(second));
  });
});
