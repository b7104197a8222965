import { chmodSync, cpSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS_FOLDER } from "../../src/db/migrations/files";
import { flyConfig, flyDurationMs } from "../deploy/platforms";
import { tempDir } from "../support/db";
import { builtImage } from "../support/image";
import type { Release } from "./releases";

/** Fly's kill_timeout, in seconds: `podman stop` sends SIGTERM, then SIGKILL after as long. */
const KILL_TIMEOUT_S = String((flyDurationMs(flyConfig().kill_timeout) ?? 30_000) / 1000);

/**
 * A release of the production image, each machine a container of it. Given `migrations`, the
 * release is the image with that folder in place of its /app/drizzle: what a build that changed
 * only drizzle/ would be (the service and the release step read it there at run time), mounted
 * read-only from a copy the image's user can read instead of built into a second image.
 */
export const imageRelease = async (name: string, migrations?: string): Promise<Release> => {
  const image = await builtImage();
  // The proxy's /readyz check decides rotation, as on the platforms; podman would run the image's
  // HEALTHCHECK from systemd timers, and prints an error with every container where there are none.
  const flags = ["--no-healthcheck"];
  if (migrations) {
    const copy = join(tempDir(`berth-fleet-${name}-`), "drizzle");
    cpSync(migrations, copy, { recursive: true });
    // The copy keeps its source's mode; a temporary directory's 0700 would shut out uid 1000.
    chmodSync(copy, 0o755);
    flags.push("--volume", `${copy}:/app/drizzle:ro`);
  }
  const podman = async (args: string[], timeoutMs?: number) => {
    const result = await image.podman(args, timeoutMs);
    if (result.code !== 0) throw new Error(`podman ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
    return result.stdout.trim();
  };
  return {
    name,
    migrations: migrations ?? MIGRATIONS_FOLDER,
    run: async (command, env) => {
      const result = await image.run({ env, flags, command });
      return { ...result, output: result.stdout + result.stderr };
    },
    start: async (slot, env) => {
      const { id } = await image.start({ env, flags, port: slot.port, opsPort: slot.opsPort });
      return {
        stop: async () => {
          await podman(["stop", "--time", KILL_TIMEOUT_S, id], 60_000);
          return Number(await podman(["inspect", "--format", "{{.State.ExitCode}}", id]));
        },
        logs: async () => {
          const logs = await image.podman(["logs", id]);
          return logs.stdout + logs.stderr;
        },
      };
    },
  };
};
