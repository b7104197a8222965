import type { Reporter } from "./reporter";

// Sentry keeps one client per process; `monitored` follows whichever reporter the runtime
// installed, so any module can wrap an operation without threading a dependency through.
let installed: Pick<Reporter, "monitored"> | undefined;

/** Makes `monitored` report through `reporter` (or through nothing); returns what it replaced. */
export const installReporter = (reporter: Pick<Reporter, "monitored"> | undefined) => {
  const previous = installed;
  installed = reporter;
  return previous;
};

/**
 * Wraps an operation in a span with ok/error status; on error reports it with `{ operation: name }`
 * and rethrows. Without Sentry it just runs `fn`.
 *
 * @example
 * const rows = await monitored("notes.reindex", () => reindex(db));
 */
export const monitored = <T>(name: string, fn: () => T | Promise<T>): Promise<T> =>
  installed ? installed.monitored(name, fn) : Promise.resolve().then(fn);
