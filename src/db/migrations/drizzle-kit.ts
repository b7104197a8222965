import { MigrationFailedError } from "./errors";
import { readMigrations } from "./files";

/** drizzle's DrizzleQueryError, recognised by shape: the release step's bundle has its own copy of the class. */
const failedQuery = (value: unknown) =>
  value instanceof Error && typeof (value as { query?: unknown }).query === "string"
    ? (value as Error & { query: string })
    : undefined;

/**
 * Makes `drizzle-kit migrate` name the migration that failed, in the words of berth's `migrate`.
 * drizzle-kit 0.31 prints the error it caught with `console.error` (the failed statement and the
 * database error) and exits 1, but never says which file the statement came from; this prints
 * `migration <tag> failed and was rolled back: <database error>` after that error.
 */
export const nameFailedMigrations = (folder: string) => {
  const print = console.error;
  console.error = (...args: unknown[]) => {
    print(...args);
    for (const error of args.map(failedQuery)) {
      if (!error) continue;
      const tags = readMigrations(folder)
        .filter((m) => m.statements.includes(error.query))
        .map((m) => m.tag);
      if (tags.length) print(new MigrationFailedError(tags.join(" or "), error.cause ?? error).message);
    }
  };
};
