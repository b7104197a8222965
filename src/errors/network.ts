/** Socket-level failures (the seed's list): the network was unhappy, not the code. */
export const SOCKET_ERROR_CODES = [
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
] as const;

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
