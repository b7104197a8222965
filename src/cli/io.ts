import { ConfigError } from "../config";
import { databaseMessage } from "../db/errors";
import { UsageError } from "./args";

/** Where a command writes: standard output and standard error, or a test's buffers. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Standard output is a terminal: pretty logs are coloured there (NO_COLOR and FORCE_COLOR win). */
  terminal?: boolean;
}

/**
 * What an entry point prints for an error a command threw, always after one `error: `: usage
 * errors with the usage text, configuration errors with every variable named, anything else in
 * the database's own words when it came from the database. Every CLI error goes through here.
 *
 * @example io.err(cliErrorMessage(error, USAGE)); return 1;
 */
export const cliErrorMessage = (error: unknown, usage: string) => {
  if (error instanceof UsageError) return `error: ${error.message}\n\n${usage}`;
  if (error instanceof ConfigError) return `error: ${error.message}`;
  return `error: ${databaseMessage(error)}`;
};
