import { DrizzleQueryError } from "drizzle-orm";
import { causeChain, errorCode, networkErrorCode } from "../errors/network";

/** The database could not be reached or did not answer in time; the API answers 503 for it. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseUnavailableError";
  }
}

// SQLSTATE class 08 (connection exception), shutdown and overload codes.
const UNAVAILABLE_SQLSTATES = /^(08...|57P01|57P02|57P03|53300|57014)$/;

/** True when an error means "the database is not there right now" rather than "the query is wrong". */
export const isDatabaseUnavailable = (error: unknown): boolean =>
  networkErrorCode(error) !== undefined ||
  causeChain(error).some(
    (link) => link instanceof DatabaseUnavailableError || UNAVAILABLE_SQLSTATES.test(errorCode(link) ?? ""),
  );

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
