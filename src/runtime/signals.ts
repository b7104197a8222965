import type { Listener } from "../lifecycle/shutdown";
import { gracefulShutdown } from "../lifecycle/shutdown";
import type { Service } from "./boot";

const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * Listens for SIGTERM and SIGINT (Fly's default): the first one calls `onFirst` (the graceful
 * stop), any later one calls `onSecond` (an operator who wants out now).
 */
export const onStopSignals = ({
  onFirst,
  onSecond,
}: {
  onFirst: (signal: NodeJS.Signals) => void;
  onSecond: (signal: NodeJS.Signals) => void;
}) => {
  let received = false;
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (received) return onSecond(signal);
      received = true;
      onFirst(signal);
    });
  }
};

/**
 * The process side of the graceful shutdown (docs/architecture.md) for the Bun and Node adapters:
 * the first stop signal drains `listeners` and exits 0 (1 if shutdown failed), a second exits 1.
 */
export const exitOnStopSignals = ({ config, logger, lifecycle }: Service, listeners: readonly Listener[]) =>
  onStopSignals({
    onFirst: (signal) => {
      logger.info("shutdown: signal received", { signal });
      gracefulShutdown({
        lifecycle,
        listeners,
        delayMs: config.shutdown.delayMs,
        timeoutMs: config.shutdown.timeoutMs,
        logger,
      }).then(
        () => process.exit(0),
        (error) => {
          logger.error("shutdown failed", { error });
          process.exit(1);
        },
      );
    },
    onSecond: (signal) => {
      logger.warn("shutdown: second signal; exiting now", { signal });
      process.exit(1);
    },
  });
