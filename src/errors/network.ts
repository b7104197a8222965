// Failures that say "the network was unhappy", not "the code is wrong": socket-level errors as
// Node and Bun report them, a request the client abandoned (Bun, undici), and the ways postgres.js
// reports a connection it could not open or lost.
const NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
  "ABORT_ERR",
  "UND_ERR_ABORTED",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "ERR_POSTGRES_CONNECTION_CLOSED",
  "ERR_POSTGRES_CONNECTION_TIMEOUT",
]);

/** An error and every error in its `cause` chain, outermost first, each once. */
export const causeChain = (error: unknown): Error[] => {
  const chain: Error[] = [];
  for (let current = error; current instanceof Error && !chain.includes(current); current = current.cause) {
    chain.push(current);
  }
  return chain;
};

/** The string `code` (or `errno`) an error carries, as Node, Bun and drivers set it. */
export const errorCode = (error: Error): string | undefined => {
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof code === "string") return code;
  return typeof errno === "string" ? errno : undefined;
};

const codeOf = (error: Error) => {
  const code = errorCode(error);
  if (code && NETWORK_CODES.has(code)) return code;
  if (error.name === "AbortError" || /^(request )?aborted$/i.test(error.message)) return "ABORTED";
  return undefined;
};

/**
 * The network code of an error or of any error in its `cause` chain (`ECONNREFUSED`, ...,
 * `ABORTED` for a request the client gave up on), or undefined when it is not a network error.
 * The one classifier: error reporting drops these, metrics count them apart, and the database
 * layer treats them as the database being unavailable.
 *
 * @example if (networkErrorCode(error)) return; // not a bug: do not report it
 */
export const networkErrorCode = (error: unknown): string | undefined => {
  for (const link of causeChain(error)) {
    const code = codeOf(link);
    if (code) return code;
  }
  return undefined;
};

// Codes that say how a dial failed, with what a person should check; shared by every backend.
const DIAL_HINTS: Record<string, string> = {
  ECONNREFUSED: "connection refused: nothing listens there; start the server or correct the host and port",
  ENOTFOUND: "host not found: check the host name",
  EAI_AGAIN: "host name lookup failed: check the host name and DNS",
  ETIMEDOUT: "timed out: check the host, the port and any firewall in between",
  CONNECT_TIMEOUT: "timed out: check the host, the port and any firewall in between",
  EHOSTUNREACH: "host unreachable: check the host and the network route to it",
  ENETUNREACH: "network unreachable: check the host and the network route to it",
  ECONNRESET: "the server closed the connection while it was being set up",
};

/**
 * What a failed dial means, in words a person can act on ("connection refused: …"), for an error
 * or any error in its `cause` chain; undefined when it is not a network failure.
 *
 * @example
 * `REDIS_URL: cannot reach ${target}: ${dialFailureHint(error) ?? error.message}`
 */
export const dialFailureHint = (error: unknown): string | undefined => {
  for (const link of causeChain(error)) {
    const code = errorCode(link);
    if (code && DIAL_HINTS[code]) return DIAL_HINTS[code];
  }
  return undefined;
};

/** A connection URL as it may be shown: the password replaced by ***. */
export const maskedTarget = (url: string) => {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an unparsable URL, not shown)";
  }
};
