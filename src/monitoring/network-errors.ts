import { causeChain, errorCode, SOCKET_ERROR_CODES } from "../errors/network";

// The seed's list of socket-level failures, plus the ways Bun and undici report a request the
// client abandoned. These say "the network was unhappy", not "the code is wrong".
const NETWORK_CODES = new Set<string>([...SOCKET_ERROR_CODES, "ECONNABORTED", "ABORT_ERR", "UND_ERR_ABORTED"]);

const codeOf = (error: Error) => {
  const code = errorCode(error);
  if (code && NETWORK_CODES.has(code)) return code;
  if (error.name === "AbortError" || /^(request )?aborted$/i.test(error.message)) return "ABORTED";
  return undefined;
};

/**
 * The network code of an error or of any error in its `cause` chain (`ECONNREFUSED`, ...,
 * `ABORTED` for a request the client gave up on), or undefined when it is not a network error.
 */
export const networkErrorCode = (error: unknown): string | undefined => {
  for (const link of causeChain(error)) {
    const code = codeOf(link);
    if (code) return code;
  }
  return undefined;
};
