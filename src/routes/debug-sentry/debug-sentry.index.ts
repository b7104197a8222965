import { createRouter } from "../../http";
import { debugSentry } from "./debug-sentry.handlers";
import { debugSentryRoute } from "./debug-sentry.routes";

/** `GET /debug-sentry`, mounted only when SENTRY_DEBUG_ROUTE=true. */
export const createDebugSentryRouter = () => createRouter().openapi(debugSentryRoute, debugSentry);
