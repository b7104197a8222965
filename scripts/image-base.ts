/**
 * Builds a stand-in for the `oven/bun:<version>-slim` base image on a machine that cannot pull it
 * (no Docker Hub), from what it can reach: a minimal Debian bookworm from the apt mirror, slimmed
 * the way `debian:bookworm-slim` is, plus what oven-sh/bun's debian-slim image adds on top: the
 * Bun binary from npm, `bunx`, the `bun` user (1000:1000), `/home/bun/app` and its entrypoint.
 * Tagged with the real name, so the Dockerfile builds on it unchanged. Does nothing when the
 * image is already there; where the real image can be pulled, pull it instead.
 *
 *   bun scripts/image-base.ts
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../package.json";
import { podmanEnv } from "./podman";

const version = pkg.packageManager.replace(/^bun@/, "");
export const baseImage = `docker.io/oven/bun:${version}-slim`;

const run = (argv: string[], env: Record<string, string> = {}) => {
  const proc = Bun.spawnSync(argv, { env: { ...process.env, ...env }, stdout: "inherit", stderr: "inherit" });
  if (proc.exitCode !== 0) throw new Error(`${argv.join(" ")} exited ${proc.exitCode}`);
};

// What debian:bookworm-slim leaves out of every package it installs, and deletes once.
const SLIM_EXCLUDES = [
  "/usr/share/doc/*",
  "/usr/share/man/*",
  "/usr/share/info/*",
  "/usr/share/locale/*",
  "/usr/share/groff/*",
  "/usr/share/lintian/*",
  "/usr/share/linda/*",
];

// oven-sh/bun's docker-entrypoint.sh: a first argument that is a flag or no command runs bun.
const ENTRYPOINT = `#!/bin/sh
set -e

if [ "\${1#-}" != "\${1}" ] || [ -z "$(command -v "\${1}")" ]; then
  set -- /usr/local/bin/bun "$@"
fi

exec "$@"
`;

export const buildBaseImage = (env = podmanEnv()) => {
  if (Bun.spawnSync(["podman", "image", "exists", baseImage], { env: { ...process.env, ...env } }).exitCode === 0)
    return;
  const work = mkdtempSync(join(tmpdir(), "berth-base-"));
  const root = join(work, "rootfs");
  try {
    const mirror = process.env.DEBIAN_MIRROR ?? "http://deb.debian.org/debian";
    run(["debootstrap", "--variant=minbase", "bookworm", root, mirror]);
    writeFileSync(
      join(root, "etc/dpkg/dpkg.cfg.d/docker"),
      `${SLIM_EXCLUDES.map((p) => `path-exclude ${p}`).join("\n")}\npath-include /usr/share/doc/*/copyright\n`,
    );
    run(["sh", "-c", `cd ${root} && rm -rf ${SLIM_EXCLUDES.map((p) => `.${p}`).join(" ")}`]);
    run(["sh", "-c", `rm -rf ${root}/var/lib/apt/lists/* ${root}/var/cache/apt/* ${root}/var/log/*.log`]);

    // The Bun binary oven-sh/bun's image carries, from its npm package.
    run(["npm", "pack", "--silent", `@oven/bun-linux-x64-baseline@${version}`, "--pack-destination", work]);
    run(["tar", "-xzf", join(work, `oven-bun-linux-x64-baseline-${version}.tgz`), "-C", work]);
    run(["install", "-m", "755", join(work, "package/bin/bun"), join(root, "usr/local/bin/bun")]);
    symlinkSync("/usr/local/bin/bun", join(root, "usr/local/bin/bunx"));
    mkdirSync(join(root, "usr/local/bun-node-fallback-bin"));
    symlinkSync("/usr/local/bin/bun", join(root, "usr/local/bun-node-fallback-bin/node"));
    writeFileSync(join(root, "usr/local/bin/docker-entrypoint.sh"), ENTRYPOINT);
    chmodSync(join(root, "usr/local/bin/docker-entrypoint.sh"), 0o755);
    run([
      "chroot",
      root,
      "sh",
      "-c",
      "groupadd bun --gid 1000 && useradd bun --uid 1000 --gid bun --shell /bin/sh --create-home && mkdir -p /home/bun/app && chown bun:bun /home/bun/app",
    ]);

    const changes = [
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/bun-node-fallback-bin",
      "ENV BUN_RUNTIME_TRANSPILER_CACHE_PATH=0",
      "ENV BUN_INSTALL_BIN=/usr/local/bin",
      "WORKDIR /home/bun/app",
      'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
      'CMD ["/usr/local/bin/bun"]',
    ].flatMap((change) => ["--change", change]);
    const archive = join(work, "rootfs.tar");
    run(["tar", "--numeric-owner", "-C", root, "-cf", archive, "."]);
    run(["podman", "import", "--quiet", ...changes, archive, baseImage], env);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

if (import.meta.main) buildBaseImage();
