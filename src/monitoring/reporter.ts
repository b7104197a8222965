import type { MetricsRegistry } from "./metrics/registry";

/** What a reporter needs to know about a request before it is handled. */
export interface RequestInfo {
  method: string;
  /** Route pattern (`/v1/notes/:id`) or the shared unmatched label. */
  route: string;
  /** Path without the query string, so no query value is ever reported. */
  url: string;
  /** False for probes, health, ops and metrics: no span at all. */
  traced: boolean;
  /** Incoming `sentry-trace` and `baggage` headers, to continue a caller's trace. */
  sentryTrace?: string;
  baggage?: string;
  /** Read when an event is captured: the request id is set by a later middleware. */
  requestId: () => string | undefined;
}

/**
 * Error reporting and tracing as the app sees it. The Sentry implementation lives on the runtime
 * side (`monitoring/sentry.ts`, handed each runtime's SDK), so the app never imports one.
 */
export interface Reporter {
  /** Runs `handle` in a fresh isolation scope (and a span when traced); resolves with its status. */
  runRequest(info: RequestInfo, handle: () => Promise<number>): Promise<number>;
  /** Tags the current request with the user id, nothing else about the user. */
  setUser(id: string): void;
  /** Reports one error of the current request; the same error object is never reported twice. */
  captureError(error: unknown, extra?: Record<string, unknown>): void;
  /** Reports a 5xx that no thrown error explains. */
  captureMessage(message: string): void;
  /** Runs `fn` in a span with ok/error status; on error reports it with `{ operation: name }` and rethrows. */
  monitored<T>(name: string, fn: () => T | Promise<T>): Promise<T>;
  /** Sends everything buffered; resolves false when `timeoutMs` ran out first. */
  flush(timeoutMs: number): Promise<boolean>;
}

/** Monitoring handed to `createApp`: both parts optional, so tests and other runtimes pick. */
export interface Monitoring {
  /** Present only when SENTRY_DSN is set. */
  reporter?: Reporter;
  /** Where request metrics go; the ops server renders it at `/metrics`. */
  metrics?: MetricsRegistry;
}
