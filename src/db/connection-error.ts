import type { SslMode } from "../config/connections";
import { causeChain, dialFailureHint, errorCode, maskedTarget } from "../errors/network";
import { databaseMessage } from "./errors";

/** One database connection as configured: the variable it came from, its URL and TLS mode. */
export interface ConnectionTarget {
  variable: string;
  url: string;
  ssl: SslMode;
}

/** Connecting to a configured database failed; the message names the variable, the masked target and a hint. */
export class DatabaseConnectionError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "DatabaseConnectionError";
  }
}

const createdbCommand = (url: URL) => {
  const database = decodeURIComponent(url.pathname.slice(1)) || "postgres";
  const user = url.username ? ` -U ${decodeURIComponent(url.username)}` : "";
  return `createdb -h ${url.hostname || "localhost"} -p ${url.port || 5432}${user} ${database}`;
};

// The database's own refusals (SQLSTATE) and TLS failures, before the generic dial hints.
const databaseHint = (error: unknown, { variable, url, ssl }: ConnectionTarget): string | undefined => {
  // A URL carries its own sslmode; the split DB_* variables have only DATABASE_SSL.
  const tls = `${variable.endsWith("_URL") ? `DATABASE_SSL or sslmode in ${variable}` : "DATABASE_SSL"} (now ${ssl})`;
  for (const link of causeChain(error)) {
    const code = errorCode(link);
    if (code === "3D000") return `${link.message}: create it with \`${createdbCommand(new URL(url))}\``;
    if (code === "28000" && /no encryption|SSL off/i.test(link.message))
      return `the server requires TLS (${link.message}): set ${tls} to require`;
    if (code === "28P01" || code === "28000")
      return `authentication failed (${link.message}): check the user and password`;
    if (code === "SSL_NOT_SUPPORTED")
      return `the server does not accept TLS: set ${tls} to disable if plaintext is intended`;
    if (code?.startsWith("ERR_TLS_") || /certificate|self[- ]signed/i.test(link.message))
      return `the server's TLS certificate did not verify (${link.message}): with ${tls}, require encrypts without verifying`;
    if (/before secure TLS connection/i.test(link.message))
      return `the TLS handshake failed (${link.message}): check ${tls} against what the server offers`;
  }
  return undefined;
};

/**
 * Explains a failure to reach a configured database: the variable, the masked target and what to
 * do (refused, timed out, authentication failed, database missing, TLS required or refused).
 * Errors that are not about the connection (a failing migration, a bad query) come back as they are.
 *
 * @example
 * await db.ping().catch((error) => { throw explainConnectionFailure(error, target) });
 */
export const explainConnectionFailure = (error: unknown, target: ConnectionTarget): unknown => {
  if (error instanceof DatabaseConnectionError) return error;
  const timedOut = causeChain(error).some((e) => /timed out/.test(e.message));
  const hint =
    databaseHint(error, target) ??
    dialFailureHint(error) ??
    (timedOut ? `${databaseMessage(error)}: check the host, the port and any firewall in between` : undefined);
  if (!hint) return error;
  return new DatabaseConnectionError(`${target.variable}: cannot connect to ${maskedTarget(target.url)}: ${hint}`, {
    cause: error,
  });
};

/** Runs `work` on a connection to `target`, explaining a failure to connect (PGlite has no target). */
export const explainingConnection = async <T>(target: ConnectionTarget | undefined, work: () => Promise<T>) => {
  try {
    return await work();
  } catch (error) {
    throw target ? explainConnectionFailure(error, target) : error;
  }
};
