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
