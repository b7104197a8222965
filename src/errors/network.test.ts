import { describe, expect, test } from "bun:test";
import { networkErrorCode } from "./network";

const withCode = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
const loop = new Error("loop");
loop.cause = loop;

describe("networkErrorCode", () => {
  test.each([
    "ECONNREFUSED",
    "ECONNRESET",
    "ETIMEDOUT",
    "EPIPE",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EHOSTUNREACH",
    "CONNECTION_CLOSED",
  ])("recognises %s", (code) => {
    expect(networkErrorCode(withCode(code))).toBe(code);
  });

  test("recognises a code anywhere in the cause chain", () => {
    const wrapped = new Error("database unavailable", { cause: withCode("ECONNREFUSED") });
    expect(networkErrorCode(wrapped)).toBe("ECONNREFUSED");
  });

  test.each([
    ["an AbortError", new DOMException("The operation was aborted.", "AbortError"), "ABORTED"],
    [
      "an 'aborted' message with a socket code",
      Object.assign(new Error("aborted"), { code: "ECONNRESET" }),
      "ECONNRESET",
    ],
    ["a 'Request aborted' message", new Error("Request aborted"), "ABORTED"],
  ])("recognises aborted requests: %s", (_, error, code) => {
    expect(networkErrorCode(error)).toBe(code);
  });

  test.each([
    ["a bug", new TypeError("x is undefined")],
    ["a constraint violation", Object.assign(new Error("dup"), { code: "23505" })],
    ["a string", "ECONNREFUSED"],
    ["an error that is its own cause", loop],
  ])("everything else is not a network error: %s", (_, error) => {
    expect(networkErrorCode(error)).toBeUndefined();
  });
});
