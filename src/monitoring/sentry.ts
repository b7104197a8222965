import type * as SentryNode from "@sentry/node";
import type { Config } from "../config";
import { networkErrorCode } from "../errors/network";
import { installReporter } from "./monitored";
import { scrubEvent, scrubSpan } from "./privacy";
import type { Reporter, RequestInfo } from "./reporter";
import { UNTRACED_ROUTES } from "./request-scope";

// The SDK's default integrations worth their cost; why each other one is left out is in
// docs/architecture.md ("Error reporting").
const KEPT_INTEGRATIONS = new Set([
  "EventFilters",
  "FunctionToString",
  "LinkedErrors",
  "ContextLines",
  "Context",
  "Modules",
  "OnUncaughtException",
  "OnUnhandledRejection",
]);
const PROCESS_HANDLERS = new Set(["OnUncaughtException", "OnUnhandledRejection"]);

// v11 collects user info, client IPs, cookies, all headers, bodies and query values by default.
const LOCKED_DOWN: SentryNode.NodeOptions["dataCollection"] = {
  userInfo: false,
  cookies: false,
  httpHeaders: false,
  httpBodies: [],
  urlQueryParams: false,
  graphQL: { document: false, variables: false },
  genAI: { inputs: false, outputs: false },
  databaseQueryData: false,
  queues: false,
  stackFrameVariables: false,
};

const TRANSPORT_BUFFER_SIZE = 1000;

export interface SentryReporterOptions {
  /** Install the uncaught-exception and unhandled-rejection handlers (off inside a test runner). */
  processHandlers?: boolean;
}

// The SDK sends a span unmodified when beforeSendSpan throws; this one sends it bare instead.
const guardSpan: typeof scrubSpan = (span) => {
  try {
    return scrubSpan(span);
  } catch {
    span.attributes = {};
    return span;
  }
};

/** The SDK calls berth makes: `@sentry/node` and `@sentry/bun` (which re-exports it) alike. */
export type SentrySdk = Pick<
  typeof SentryNode,
  | "startSpan"
  | "captureException"
  | "captureMessage"
  | "getCurrentScope"
  | "getIsolationScope"
  | "withIsolationScope"
  | "withScope"
  | "continueTrace"
  | "setHttpStatus"
  | "flush"
> & { init: (options: SentryNode.NodeOptions) => unknown };

/**
 * Initialises the runtime's Sentry SDK from `config.sentry`, locked down the same way on every
 * runtime, and returns the app's `Reporter` (also installed for `monitored`), or undefined when
 * SENTRY_DSN is unset. Only runtime adapters call this, each with its own SDK.
 *
 * @example
 * import * as Sentry from "@sentry/node";
 * const reporter = createSentryReporter(Sentry, config.sentry);
 * createApp({ ...deps, monitoring: { reporter, metrics } });
 */
export const createSentryReporter = (
  Sentry: SentrySdk,
  settings: Config["sentry"],
  { processHandlers = true }: SentryReporterOptions = {},
): Reporter | undefined => {
  if (!settings.dsn) return undefined;
  Sentry.init({
    dsn: settings.dsn,
    environment: settings.environment,
    release: settings.release,
    traceLifecycle: "stream",
    // The default of 64 envelopes in flight drops errors when a burst of them meets a span flush
    // (each trace is its own span envelope): 36 of 50 concurrent failures were lost that way.
    transportOptions: { bufferSize: TRANSPORT_BUFFER_SIZE },
    dataCollection: LOCKED_DOWN,
    integrations: (defaults) =>
      defaults
        .filter((i) => KEPT_INTEGRATIONS.has(i.name) && (processHandlers || !PROCESS_HANDLERS.has(i.name)))
        // Context describes the runtime, OS and device on events; on each sampled span it would also
        // read memory twice, a third of the span's CPU cost, for numbers /metrics already has.
        .map((i) => (i.name === "Context" ? { ...i, processSegmentSpan: undefined } : i)),
    // A public API: a caller's `sentry-trace` may lower the sample rate, never raise it.
    tracesSampler: ({ attributes, parentSampled }) =>
      parentSampled === false || UNTRACED_ROUTES.has(String(attributes["http.route"])) ? 0 : settings.tracesSampleRate,
    // Continue only traces started under the same Sentry organisation.
    strictTraceContinuation: true,
    // Rewriting modules as they load to emit diagnostics channels feeds only integrations berth
    // leaves out, and on Node it puts a loader hook on every later import.
    enableRuntimeChannelInjection: false,
    // Network errors are the network's fault, not the code's: the request log and
    // http_server_errors_total{kind="network"} record them instead.
    beforeSend: (event, hint) => (networkErrorCode(hint.originalException) ? null : scrubEvent(event)),
    beforeSendSpan: guardSpan,
  });

  const monitoredRun = <T>(name: string, fn: () => T | Promise<T>) =>
    Sentry.startSpan({ name, op: "function" }, async () => {
      try {
        return await fn();
      } catch (error) {
        // startSpan marks the span as failed when the callback throws.
        Sentry.captureException(error, { extra: { operation: name } });
        throw error;
      }
    });

  // Starts the request's span when its trace is sampled. The SDK samples on the propagation
  // context's number, so deciding here first gives the same answer while sparing the unsampled
  // requests a span, which costs more than the rest of the scope together.
  const traceRequest = (info: RequestInfo, handle: () => Promise<number>) => {
    // At traces 0 nothing can be sampled (tracesSampler answers 0 for every span).
    if (settings.tracesSampleRate === 0) return handle();
    const scope = Sentry.getCurrentScope();
    const context = scope.getPropagationContext();
    if (!info.traced || !(context.sampleRand < settings.tracesSampleRate)) {
      // Marked unsampled, so `monitored` inside starts no trace of its own (see tracesSampler); on
      // an untraced route the shared sample number alone would not stop it.
      scope.setPropagationContext({ ...context, sampled: false });
      return handle();
    }
    const name = `${info.method} ${info.route}`;
    const attributes = { "sentry.source": "route", "http.request.method": info.method, "http.route": info.route };
    return Sentry.startSpan({ name, op: "http.server", attributes }, async (span) => {
      const status = await handle();
      Sentry.setHttpStatus(span, status);
      const requestId = info.requestId();
      if (requestId) span.setAttribute("request_id", requestId);
      return status;
    });
  };

  const reporter: Reporter = {
    runRequest: (info, handle) =>
      Sentry.withIsolationScope((scope) => {
        scope.setTransactionName(`${info.method} ${info.route}`);
        // Filled in only when an event is captured: most requests never pay for it.
        scope.addEventProcessor((event) => {
          event.request = { method: info.method, url: info.url };
          const requestId = info.requestId();
          if (requestId) event.tags = { ...event.tags, request_id: requestId };
          return event;
        });
        // withIsolationScope forked the current scope too, with a trace of the request's own.
        const { sentryTrace, baggage } = info;
        if (sentryTrace) return Sentry.continueTrace({ sentryTrace, baggage }, () => traceRequest(info, handle));
        return traceRequest(info, handle);
      }),
    setUser: (id) => {
      Sentry.getIsolationScope().setUser({ id });
    },
    captureError: (error, extra) => {
      Sentry.withScope((scope) => {
        if (extra) scope.setExtras(extra);
        Sentry.captureException(error, { mechanism: { type: "auto.http.berth", handled: false } });
      });
    },
    captureMessage: (message) => {
      Sentry.captureMessage(message, "error");
    },
    monitored: monitoredRun,
    flush: (timeoutMs) => Sentry.flush(timeoutMs),
  };
  // Sentry's client is process-wide, so `monitored` anywhere in the process reports through it.
  installReporter(reporter);
  return reporter;
};
