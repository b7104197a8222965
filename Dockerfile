# berth's production image. Bun is pinned here, in package.json (`packageManager`) and in CI;
# test/deploy/toolchain.test.ts fails when they disagree. test/deploy/image.test.ts builds this
# file and runs the image; docs/deploying.md explains how to build and run it.
ARG BUN_VERSION=1.4.5

# Production dependencies exactly as bun.lock pins them, with the patches they need. A registry
# behind a re-signing proxy, or a private one, needs its CA: hand it over as the build secret `ca`
# (`--secret id=ca,src=/path/to/ca.pem`, which `bun run image:build` does when the host has one),
# so it never lands in a layer. Without the secret the install uses Bun's own CA store.
FROM docker.io/oven/bun:${BUN_VERSION}-slim AS install
WORKDIR /app
COPY package.json bun.lock ./
COPY patches ./patches
RUN --mount=type=secret,id=ca,target=/run/secrets/ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    bun install --frozen-lockfile --production

# The Bun bundles (`bun run build:bun`, scripts/build.ts): the service, whose one prebuilt module
# graph starts far faster than hundreds of source files, and the release step's drizzle config
# with the service's config loader inlined, so the image needs no src/. The development
# dependencies are added here only: the API reference's script (`@scalar/api-reference`) is
# bundled in, and none of them reaches the final stage.
FROM install AS build
RUN --mount=type=secret,id=ca,target=/run/secrets/ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    bun install --frozen-lockfile
COPY scripts/build.ts ./scripts/
COPY drizzle.config.ts ./
COPY src ./src
RUN bun run build:bun

# What the release step (`bunx drizzle-kit migrate`) loads, and nothing else: the full install
# pruned to drizzle-kit, drizzle-orm and postgres at the versions bun.lock pins (nothing is
# downloaded), without type declarations and source maps. The bundle itself imports no package at
# run time in production; PGlite, which only development uses, is not in the image.
FROM install AS release
COPY scripts/release-manifest.ts ./scripts/
RUN bun scripts/release-manifest.ts \
 && bun install --omit=dev \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.cts' -o -name '*.d.mts' -o -name '*.map' \) -delete \
 && rm -rf scripts

FROM docker.io/oven/bun:${BUN_VERSION}-slim AS runtime
# Every command run in this image (the release step, `token`, `migrate status`) follows the
# production rules.
ENV NODE_ENV=production \
    APP_MODE=production
WORKDIR /app
# Least often changed first: dependencies, then migrations, then the code.
COPY --from=release /app/node_modules ./node_modules
COPY drizzle ./drizzle
COPY --from=build /app/dist/release/drizzle.config.js ./
COPY --from=build /app/dist/bun ./dist/bun
# The files stay root-owned: the service reads them and writes nothing, so it also runs with a
# read-only root file system.
USER bun
# EXPOSE publishes nothing; it documents what listens. 8081 is the ops server (metrics, detailed
# health), for a private network only: publish 8080 alone (see docs/deploying.md).
EXPOSE 8080 8081
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bun", "dist/bun/server/index.js", "healthcheck"]
CMD ["bun", "dist/bun/server/index.js", "serve", "--mode", "production", "--apply-migrations"]
# The commit, for /health and Sentry's release. Last, so a new commit rebuilds nothing above.
ARG GIT_SHA=""
ENV GIT_SHA=${GIT_SHA}
# The bundle starts and names the build. This step also keeps one commit's image from another's
# under podman: buildah caches an ENV step without its argument's value, a RUN step with it.
RUN ["bun", "dist/bun/server/index.js", "--version"]
