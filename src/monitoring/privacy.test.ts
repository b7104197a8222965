import { describe, expect, test } from "bun:test";
import { scrubEvent, scrubSpan } from "./privacy";

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl";

describe("scrubEvent", () => {
  test("keeps only method and path of the request and only the id of the user", () => {
    const event = scrubEvent({
      request: {
        method: "POST",
        url: "http://api.test/v1/notes?token=abc#frag",
        headers: { authorization: `Bearer ${JWT}`, cookie: "sid=1" },
        cookies: { sid: "1" },
        data: '{"body":"secret note"}',
        query_string: "token=abc",
      } as { method: string; url: string },
      user: { id: "alice", ip_address: "203.0.113.9", email: "a@example.com" } as { id: string },
    });
    expect(event.request).toEqual({ method: "POST", url: "http://api.test/v1/notes" });
    expect(event.user).toEqual({ id: "alice" });
  });

  test("removes a user without an id and masks credentials in every string", () => {
    const event = scrubEvent({
      user: { ip_address: "203.0.113.9" } as object,
      extra: { url: "postgres://app:hunter2@db.internal:5432/app", header: `Bearer ${JWT}` },
      exception: { values: [{ value: `redis://:s3cret@cache:6379 refused, token ${JWT}` }] },
    } as { user?: { id?: string } });
    const text = JSON.stringify(event);
    expect(event.user).toBeUndefined();
    for (const secret of ["hunter2", "s3cret", JWT, "203.0.113.9"]) expect(text).not.toContain(secret);
    expect(text).toContain("postgres://app:***@db.internal");
  });

  test("leaves the SDK's processing metadata untouched (it holds live objects and is never sent)", () => {
    const live = { client: { deep: { deeper: {} } } };
    const event = scrubEvent({ sdkProcessingMetadata: live } as object);
    expect((event as { sdkProcessingMetadata: unknown }).sdkProcessingMetadata).toBe(live);
  });
});

describe("scrubSpan", () => {
  test("drops attributes that can carry addresses, headers, bodies or query values", () => {
    const span = scrubSpan<{ name: string; attributes: Record<string, unknown> }>({
      name: "GET /v1/notes/:id",
      attributes: {
        "client.address": "203.0.113.9",
        "user.ip_address": "203.0.113.9",
        "user.email": "a@example.com",
        "user.id": "alice",
        "http.request.header.authorization": [`Bearer ${JWT}`],
        "http.request.header.cookie": ["sid=1"],
        "http.request.body.data": "{}",
        "url.full": "http://x/v1/notes?token=abc",
        "url.query": "token=abc",
        "http.route": "/v1/notes/:id",
        note: `leaked ${JWT}`,
      },
    });
    expect(span.attributes).toEqual({ "user.id": "alice", "http.route": "/v1/notes/:id", note: "leaked ***" });
  });
});
