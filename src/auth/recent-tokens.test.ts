import { expect, test } from "bun:test";
import { createRecentTokens } from "./recent-tokens";

const user = (id: string, expiresInMs = 3_600_000) => ({ id, expiresAt: new Date(Date.now() + expiresInMs) });

test("when full, the least recently used token makes room", () => {
  const recent = createRecentTokens<ReturnType<typeof user>>({ toleranceMs: 0, max: 2 });
  recent.add("a", user("a"));
  recent.add("b", user("b"));
  expect(recent.get("a")?.id).toBe("a"); // a is now the most recently used
  recent.add("c", user("c"));
  expect([recent.get("a")?.id, recent.get("b"), recent.get("c")?.id]).toEqual(["a", undefined, "c"]);
});

test("a token already past its expiry and the tolerance is not remembered", () => {
  const recent = createRecentTokens<ReturnType<typeof user>>({ toleranceMs: 1_000 });
  recent.add("gone", user("gone", -2_000));
  recent.add("kept", user("kept", -500));
  expect([recent.get("gone"), recent.get("kept")?.id]).toEqual([undefined, "kept"]);
});
