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
