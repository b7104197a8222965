import { describe, expect, test } from "bun:test";
import { hasOpsToken } from "./ops-token";

const TOKEN = "ops-token-0123456789abcdef0123456789";

describe("hasOpsToken", () => {
  test("accepts exactly `Bearer <token>`, any case of the scheme", () => {
    expect(hasOpsToken(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(hasOpsToken(`bearer   ${TOKEN}`, TOKEN)).toBe(true);
  });

  test("rejects other tokens, prefixes, extensions and other schemes", () => {
    expect(hasOpsToken(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN)).toBe(false);
    expect(hasOpsToken(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(hasOpsToken(`Basic ${TOKEN}`, TOKEN)).toBe(false);
    expect(hasOpsToken(TOKEN, TOKEN)).toBe(false);
    expect(hasOpsToken(undefined, TOKEN)).toBe(false);
  });

  test("nothing matches when no ops token is configured", () => {
    expect(hasOpsToken("Bearer ", undefined)).toBe(false);
    expect(hasOpsToken("Bearer anything", undefined)).toBe(false);
  });
});
