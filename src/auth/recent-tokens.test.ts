import { expect, test } from "bun:test";
import { createRecentTokens } from "./recent-tokens";

const user = (id: string, expiresInMs = 3_600_000) => ({ id, expiresAt: new Date(Date.now() + expiresInMs) });

test("when full, the tokens not used lately make room, the ones in use stay", () => {
  const recent = createRecentTokens<ReturnType<typeof user>>({ toleranceMs: 0, max: 4 });
  for (const token of ["a", "b", "c"]) recent.add(token, user(token));
  expect(recent.get("a")?.id).toBe("a"); // used again: kept
  recent.add("d", user("d"));
  expect(["a", "b", "c", "d"].map((t) => recent.get(t)?.id ?? null)).toEqual(["a", null, "c", "d"]);
});

test("a token already past its expiry and the tolerance is not remembered", () => {
  const recent = createRecentTokens<ReturnType<typeof user>>({ toleranceMs: 1_000 });
  recent.add("gone", user("gone", -2_000));
  recent.add("kept", user("kept", -500));
  expect([recent.get("gone"), recent.get("kept")?.id]).toEqual([undefined, "kept"]);
});
