# syntax=docker/dockerfile:1
# berth's production image. Bun is pinned here, in package.json (`packageManager`) and in CI;
# test/deploy/toolchain.test.ts fails when they disagree. test/deploy/rehearsal.test.ts
# rehearses this file (no Docker engine needed): it builds each stage by running its RUN steps,
# assembles what the final stage holds, and runs the release step, the CMD and the HEALTHCHECK
# from it.
ARG BUN_VERSION=1.4.5

# Production dependencies exactly as bun.lock pins them, with the patches they need.
# drizzle-kit is one of them, so the release step (`bunx drizzle-kit migrate`) runs from the
# image without downloading anything.
FROM oven/bun:${BUN_VERSION}-slim AS install
WORKDIR /app
COPY package.json bun.lock ./
COPY patches ./patches
RUN bun install --frozen-lockfile --production

# The service bundled for Bun (`bun run build:bun`, src/runtime/bundle.ts): starting one prebuilt
# module graph instead of transpiling and resolving hundreds of files is most of a cold start.
# This stage installs the development dependencies too: the API reference's script
# (`@scalar/api-reference`, a development dependency) is bundled in, never installed in the image.
FROM oven/bun:${BUN_VERSION}-slim AS build
WORKDIR /app
COPY package.json bun.lock ./
COPY patches ./patches
RUN bun install --frozen-lockfile
COPY src ./src
RUN bun run build:bun

FROM oven/bun:${BUN_VERSION}-slim AS runtime
# Every command run in this image (the release step, `token`, `migrate status`) follows the
# production rules; the commit is baked in so /health and Sentry report the release.
ARG GIT_SHA=""
ENV NODE_ENV=production \
    APP_MODE=production \
    GIT_SHA=${GIT_SHA}
WORKDIR /app
COPY --from=install /app/node_modules ./node_modules
# The service runs from the bundle, which reads the migrations in drizzle/ at run time, imports
# PGlite (development only) from node_modules and carries package.json's version in itself. The
# release step (`bunx drizzle-kit migrate`) loads drizzle.config.ts, which imports src/config,
# so the sources ship too.
COPY drizzle.config.ts ./
COPY drizzle ./drizzle
COPY src ./src
COPY --from=build /app/dist ./dist
# The files stay root-owned: the service reads them and writes nothing.
USER bun
EXPOSE 8080 8081
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bun", "dist/bun/server/index.js", "healthcheck"]
CMD ["bun", "dist/bun/server/index.js", "serve", "--mode", "production", "--apply-migrations"]
