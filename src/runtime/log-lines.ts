/**
 * A log sink that writes the lines of one turn of the event loop together: under load one write
 * carries every request's line instead of one write each. Whatever is pending is written
 * synchronously when the process exits, a crash included, so nothing logged before it is lost.
 *
 * @example const logger = serviceLogger(config, batchedLines());
 */
export const batchedLines = (write: (text: string) => void = console.log) => {
  let pending: string[] = [];
  const flush = () => {
    if (!pending.length) return;
    const lines = pending;
    pending = [];
    write(lines.join("\n"));
  };
  process.on("exit", flush);
  return (line: string) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
};
