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
  // Its message already leads with the database's reason and SQLSTATE.
  if (current instanceof DatabaseQueryError) return current.message;
  const code = (current as { code?: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)
    ? `${current.message} (SQLSTATE ${code})`
    : current.message;
};

// Undefined table or column: the schema is behind the code, most often migrations not applied.
const SCHEMA_BEHIND = new Set(["42P01", "42703"]);

/**
 * A statement the database refused. Drizzle's "Failed query: <sql>" names the statement but not
 * why; this message leads with the database's reason and SQLSTATE, then the statement, so the
 * one log line (and a development response) says what went wrong. The driver error is the cause.
 */
export class DatabaseQueryError extends Error {
  /** The SQLSTATE the database answered with, when it gave one. */
  readonly code?: string;
  readonly query: string;

  constructor(failed: DrizzleQueryError) {
    const driverError = failed.cause ?? failed;
    const code = driverError instanceof Error ? errorCode(driverError) : undefined;
    const hint =
      code && SCHEMA_BEHIND.has(code)
        ? ": is the schema behind this build? the `migrate status` command says (docs/migrations.md)"
        : "";
    super(`${databaseMessage(failed)}${hint}; query: ${failed.query}`, { cause: driverError });
    this.name = "DatabaseQueryError";
    this.code = code;
    this.query = failed.query;
  }
}
