// Sentry for the peer as @sentry/node's Fastify guide sets it up: initialised before Fastify is
// imported (`node --import ./instrument.js server.js`), with its default integrations.
import * as Sentry from "@sentry/node";

Sentry.init({
  dsn: process.env.SENTRY_DSN,
  environment: "production",
  tracesSampleRate: Number(process.env.SENTRY_TRACES_SAMPLE_RATE ?? 0.1),
});
