import * as Sentry from "@sentry/node";
import type { Config } from "../../config";
import { createSentryReporter, type SentryReporterOptions } from "../../monitoring/sentry";

/** Sentry through `@sentry/node`, with the lock-down every runtime shares; undefined without SENTRY_DSN. */
export const createNodeSentryReporter = (settings: Config["sentry"], options?: SentryReporterOptions) =>
  createSentryReporter(Sentry, settings, options);
