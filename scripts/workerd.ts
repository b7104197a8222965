import { dirname } from "node:path";
import { Miniflare } from "miniflare";
import { buildBundle } from "./build";

/** The Worker's runtime settings; `nodejs_compat` gives postgres.js Buffer, events and streams. */
export const WORKER_COMPATIBILITY = {
  compatibilityDate: "2025-09-01",
  compatibilityFlags: ["nodejs_compat"],
} as const;

/**
 * Runs the Worker bundle inside workerd (through Miniflare) on host:port (0 picks one), with
 * `bindings` as its env. The Worker's console lines go to `onLog` when given, else to stdout.
 * Resolves with its origin and a way to stop workerd.
 */
export const runWorker = async ({
  scriptPath,
  bindings,
  host = "127.0.0.1",
  port = 0,
  onLog,
}: {
  scriptPath: string;
  bindings: Record<string, string>;
  host?: string;
  port?: number;
  onLog?: (line: string) => void;
}) => {
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    // Module names are paths below this root; workerd refuses a module outside it.
    modulesRoot: dirname(scriptPath),
    bindings,
    ...WORKER_COMPATIBILITY,
    host,
    port,
    ...(onLog
      ? {
          handleStructuredLogs: ({ message }: { message: string }) => {
            onLog(message);
          },
        }
      : {}),
  });
  const url = await mf.ready;
  return { url: url.origin, stop: () => mf.dispose() };
};

if (import.meta.main) {
  const { file } = await buildBundle("worker");
  const bindings = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
  const { url } = await runWorker({
    scriptPath: file,
    bindings,
    host: process.env.HOST ?? "127.0.0.1",
    port: Number(process.env.PORT ?? 8080),
  });
  console.log(`berth Worker in workerd on ${url}`);
}
