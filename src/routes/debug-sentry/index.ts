export { createDebugSentryRouter } from "./debug-sentry.index";
