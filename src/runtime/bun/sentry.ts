import * as Sentry from "@sentry/bun";
import type { Config } from "../../config";
import { createSentryReporter, type SentryReporterOptions } from "../../monitoring/sentry";

/** Sentry through `@sentry/bun`, with the lock-down every runtime shares; undefined without SENTRY_DSN. */
export const createBunSentryReporter = (settings: Config["sentry"], options?: SentryReporterOptions) =>
  createSentryReporter(Sentry, settings, options);
