import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import type { AppEnv } from "../http";
import { createLogger } from "../logger";
import { requestFrame } from "./request-frame";

const framed = () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "info", format: "json", write: (l) => lines.push(JSON.parse(l)) });
  const app = new Hono<AppEnv>()
    .use(requestFrame({ logger }))
    .get("/ok", (c) => c.json({ requestId: c.get("requestId") }))
    .get("/throws", () => {
      throw new Error("handler broke");
    })
    .onError((error, c) => c.text(`mapped: ${error.message}`, 500));
  return { app, lines };
};

describe("request frame", () => {
  test("names every request: the handler and the X-Request-Id header see the same id", async () => {
    const { app, lines } = framed();
    const res = await app.request("/ok");
    const { requestId } = (await res.json()) as { requestId: string };
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-request-id")).toBe(requestId);
    expect(lines).toEqual([expect.objectContaining({ requestId, route: "/ok", status: 200 })]);
  });

  test.each([
    ["a well-formed inbound id is kept", "trace-abc=1", "trace-abc=1"],
    ["an id with spaces is replaced", "not ok", undefined],
    ["an id over 255 characters is replaced", "a".repeat(256), undefined],
  ])("%s", async (_, inbound, kept) => {
    const { app } = framed();
    const res = await app.request("/ok", { headers: { "X-Request-Id": inbound } });
    const id = res.headers.get("x-request-id");
    if (kept) expect(id).toBe(kept);
    else expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("an error's response, built by the error handler, is named and logged once with its cause", async () => {
    const { app, lines } = framed();
    const res = await app.request("/throws");
    expect(res.status).toBe(500);
    expect(await res.text()).toBe("mapped: handler broke");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "error", route: "/throws", status: 500, error: "Error: handler broke" });
  });
});
