import { DrizzleQueryError } from "drizzle-orm";
import { causeChain, errorCode, SOCKET_ERROR_CODES } from "../errors/network";

/** The database could not be reached or did not answer in time; the API answers 503 for it. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseUnavailableError";
  }
}

const NETWORK_CODES = new Set<string>([
  ...SOCKET_ERROR_CODES,
  "EHOSTUNREACH",
  "ENETUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "ERR_POSTGRES_CONNECTION_CLOSED",
  "ERR_POSTGRES_CONNECTION_TIMEOUT",
]);

// SQLSTATE class 08 (connection exception), shutdown and overload codes.
const UNAVAILABLE_SQLSTATES = /^(08...|57P01|57P02|57P03|53300|57014)$/;

/** True when an error means "the database is not there right now" rather than "the query is wrong". */
export const isDatabaseUnavailable = (error: unknown): boolean =>
  causeChain(error).some((link) => {
    if (link instanceof DatabaseUnavailableError) return true;
    const code = errorCode(link);
    return code !== undefined && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code));
  });

/**
 * The database's own words for a failure: drizzle wraps driver errors in "Failed query: <sql>",
 * which names the statement but hides why it failed.
 */
export const databaseMessage = (error: unknown): string => {
  let current = error;
  while (current instanceof DrizzleQueryError && current.cause) current = current.cause;
  if (!(current instanceof Error)) return String(current);
  const code = (current as { code?: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)
    ? `${current.message} (SQLSTATE ${code})`
    : current.message;
};
