// The seed's list of socket-level failures, plus the ways Bun and undici report a request the
// client abandoned. These say "the network was unhappy", not "the code is wrong".
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
  "ABORT_ERR",
  "UND_ERR_ABORTED",
]);

const codeOf = (error: Error) => {
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
  if (typeof errno === "string" && NETWORK_CODES.has(errno)) return errno;
  if (error.name === "AbortError" || /^(request )?aborted$/i.test(error.message)) return "ABORTED";
  return undefined;
};

/**
 * The network code of an error or of any error in its `cause` chain (`ECONNREFUSED`, ...,
 * `ABORTED` for a request the client gave up on), or undefined when it is not a network error.
 */
export const networkErrorCode = (error: unknown): string | undefined => {
  const seen = new Set<unknown>();
  let current = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const code = codeOf(current);
    if (code) return code;
    current = current.cause;
  }
  return undefined;
};
