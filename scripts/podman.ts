import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Where podman keeps the images it builds here, outside the repository so the base image and the
 * dependency layers survive from one run to the next. `BERTH_IMAGE_CACHE` moves it.
 */
export const imageCacheDir = () => process.env.BERTH_IMAGE_CACHE ?? "/var/tmp/berth-image-cache";

/**
 * Environment for a podman that runs on a machine like a CI runner or a container host, with its
 * configuration in a fresh directory of its own and nothing in /etc changed: runc (crun refuses
 * hybrid cgroups), cgroupfs without systemd, file-based events, the host's network namespace (a
 * container's ports are the host's), overlay storage under the cache directory, and ulimits the
 * process can set without CAP_SYS_RESOURCE.
 */
export const podmanEnv = (storage = join(imageCacheDir(), "storage")): Record<string, string> => {
  const dir = mkdtempSync(join(tmpdir(), "berth-podman-"));
  mkdirSync(storage, { recursive: true });
  const files = {
    "containers.conf": [
      "[containers]",
      'netns = "host"',
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
      "[engine]",
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${join(dir, "events.log")}"`,
      `tmp_dir = "${join(dir, "tmp")}"`,
    ],
    "storage.conf": [
      "[storage]",
      'driver = "overlay"',
      `graphroot = "${join(storage, "graph")}"`,
      `runroot = "${join(storage, "run")}"`,
    ],
    // No registry is searched for short names; the base image is named in full.
    "registries.conf": ["unqualified-search-registries = []"],
  };
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(dir, name), `${lines.join("\n")}\n`);
  return {
    CONTAINERS_CONF: join(dir, "containers.conf"),
    CONTAINERS_STORAGE_CONF: join(dir, "storage.conf"),
    CONTAINERS_REGISTRIES_CONF: join(dir, "registries.conf"),
  };
};
