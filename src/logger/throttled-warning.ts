import type { Fields, Logger } from "./logger";

/** An error as `Name: message`, without its stack. */
export const errorSummary = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Warns about an expected, repeating failure (a cache outage, a tidying step that failed): at most
 * one line per message every `everyMs`, the next one counting those held back as `suppressed`.
 * The error is summarised as `Name: message`: its cause is known, and a stack per request would
 * bury the log.
 *
 * @example
 * const warn = throttledWarning(logger);
 * await cache.get(key).catch((error) => warn("cache unavailable; bypassing", error, { op: "get" }));
 */
export const throttledWarning = (logger: Logger, { everyMs = 10_000, now = () => Date.now() } = {}) => {
  const last = new Map<string, { loggedAt: number; suppressed: number }>();
  return (msg: string, error: unknown, fields: Fields = {}) => {
    const at = now();
    const previous = last.get(msg);
    if (previous && at - previous.loggedAt < everyMs) {
      previous.suppressed += 1;
      return;
    }
    const suppressed = previous?.suppressed ? { suppressed: previous.suppressed } : {};
    logger.warn(msg, { ...fields, error: errorSummary(error), ...suppressed });
    last.set(msg, { loggedAt: at, suppressed: 0 });
  };
};
